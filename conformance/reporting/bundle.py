"""The report bundle of one run: summary.md, report.html and certification.json.

The run itself writes ``results.json`` and ``junit.xml``. This module derives
the other three files from ``results.json`` alone, so ``icm-conformance report``
can rebuild them at any time.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from conformance.reporting import charts, view
from conformance.reporting.certification import build_certification
from conformance.reporting.product import Product, load_product
from conformance.reporting.rendering import render

logger = logging.getLogger(__name__)

RESULTS_NAME = "results.json"
JUNIT_NAME = "junit.xml"
SUMMARY_NAME = "summary.md"
HTML_NAME = "report.html"
CERTIFICATION_NAME = "certification.json"
BUNDLE_FILES = (RESULTS_NAME, JUNIT_NAME, SUMMARY_NAME, HTML_NAME, CERTIFICATION_NAME)
TOP_FAILURES = 10


def write_bundle(
    report_dir: Path,
    data: dict[str, Any],
    *,
    product_file: Path | None = None,
    history: list[dict[str, Any]] | None = None,
) -> None:
    """Write summary.md, report.html and certification.json for ``data`` into ``report_dir``.

    ``product_file`` is the vendor's YAML product file, and ``ProductFileError`` is raised
    if it is invalid. ``history`` is a list of earlier results.json dicts for the trend chart.
    """
    product = load_product(product_file) if product_file is not None else None
    write_bundle_for(report_dir, data, product=product, history=history)


def write_bundle_for(
    report_dir: Path,
    data: dict[str, Any],
    *,
    product: Product | None,
    history: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Write the three derived files for an already validated product; return the certificate."""
    certification = build_certification(data, product)
    _write_text(
        report_dir / CERTIFICATION_NAME,
        json.dumps(certification, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
    )
    context = report_context(data, certification, history or [])
    _write_text(report_dir / SUMMARY_NAME, render("summary.md.j2", **context))
    _write_text(report_dir / HTML_NAME, render("report.html.j2", **context))
    logger.info(
        "wrote the report bundle of run %s to %s (%s)",
        data["run"].get("run_id"),
        report_dir,
        certification["verdict"],
    )
    return certification


def report_context(
    data: dict[str, Any], certification: dict[str, Any], history: list[dict[str, Any]]
) -> dict[str, Any]:
    """Collect everything the templates show, computed from results.json."""
    columns = view.check_columns(data)
    failures = view.sorted_failures(data)
    trend_runs = [(_run_label(run), run["totals"]) for run in history]
    trend_runs.append((_run_label(data), data["totals"]))
    return {
        "data": data,
        "run": data["run"],
        "spec": data["spec"],
        "totals": data["totals"],
        "certification": certification,
        "requirement_counts": view.requirement_counts(data),
        "requirement_statuses": view.REQUIREMENT_STATUSES,
        "test_statuses": view.TEST_STATUSES,
        "broken": [row for row in data["requirements"] if row["status"] == "failed"],
        "columns": columns,
        "matrix": view.operation_matrix(data, columns),
        "failures": failures,
        "top_failures": failures[:TOP_FAILURES],
        "errored_tests": view.errored_tests(data),
        "tests_chart": charts.stacked_bars("Tests per tag", view.tag_test_counts(data)),
        "requirements_chart": charts.stacked_bars(
            "Requirements per tag", view.tag_requirement_counts(data)
        ),
        "trend": charts.trend_chart(trend_runs) if history else None,
        "pass_rate": charts.pass_rate(data["totals"]),
        "settings": sorted((data["run"].get("settings") or {}).items()),
    }


def _run_label(data: dict[str, Any]) -> str:
    started = str(data["run"].get("started") or "")
    return started[:16].replace("T", " ") or str(data["run"].get("run_id", "?"))


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
