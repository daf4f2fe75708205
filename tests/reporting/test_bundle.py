"""Test the report bundle: summary.md, report.html and certification.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from results_factory import SCRIPT_BODY, Outcomes, build_results, failing_outcomes, write_run

from conformance.reporting import write_bundle
from conformance.reporting.digest import canonical_sha256


@pytest.fixture
def failing_run(tmp_path: Path, product_file: Path) -> Path:
    data = build_results(failing_outcomes())
    run_dir = write_run(tmp_path / "run", data)
    write_bundle(run_dir, data, product_file=product_file)
    return run_dir


def test_bundle_writes_three_files(failing_run: Path) -> None:
    for name in ("summary.md", "report.html", "certification.json"):
        assert (failing_run / name).is_file(), name
        assert (failing_run / name).stat().st_size > 0, name


def test_summary_states_verdicts_and_failures(failing_run: Path) -> None:
    summary = (failing_run / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## ICM conformance: NON-CONFORMANT · NOT CERTIFIED")
    assert "- `GENERAL-NO-SERVER-ERROR` (MUST)" in summary
    assert "- `GENERAL-STATUS-DOCUMENTED` (MUST)" in summary
    assert "| `customer-1.2.1::Address::createAddress::positive` |" in summary
    assert "- `TESTS_FAILED`: 2 test(s) failed" in summary
    assert "| 76 | 72 | 2 | 1 | 1 |" in summary


def test_summary_has_no_links(failing_run: Path) -> None:
    summary = (failing_run / "summary.md").read_text(encoding="utf-8")
    outside_code = re.sub(r"`[^`]*`", "", summary)
    assert "http" not in outside_code
    assert "](" not in outside_code
    assert "<a " not in summary


def test_html_shows_verdict_element(failing_run: Path) -> None:
    html = (failing_run / "report.html").read_text(encoding="utf-8")
    assert 'id="verdict"' in html
    assert 'data-verdict="non-conformant"' in html
    assert 'data-certification="NOT CERTIFIED"' in html
    assert "NON-CONFORMANT" in html


def test_html_is_self_contained(failing_run: Path) -> None:
    html = (failing_run / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "<link" not in html
    assert not re.search(r"""\s(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html
    assert "<svg" in html


def test_html_escapes_captured_bodies(failing_run: Path) -> None:
    html = (failing_run / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in html
    assert SCRIPT_BODY.startswith('{"message"')


def test_html_shows_every_failure_with_reproduction(failing_run: Path) -> None:
    html = (failing_run / "report.html").read_text(encoding="utf-8")
    assert html.count('class="failure" id="failure-') == 2
    assert "curl -X POST -H &#39;Authorization: [masked]&#39;" in html
    assert "Undocumented HTTP status code" in html
    assert "the target timed out after 10 s" in html


def test_html_lists_requirements_and_operations(failing_run: Path) -> None:
    data = json.loads((failing_run / "results.json").read_text(encoding="utf-8"))
    html = (failing_run / "report.html").read_text(encoding="utf-8")
    for row in data["requirements"]:
        assert f"<code>{row['id']}</code>" in html, row["id"]
    for operation in data["operations"]:
        assert operation["key"] in html, operation["key"]


def test_html_trend_chart_needs_history(tmp_path: Path) -> None:
    data = build_results(failing_outcomes())
    without = write_run(tmp_path / "without", data)
    write_bundle(without, data)
    with_history = write_run(tmp_path / "with", data)
    earlier = build_results(Outcomes(), started="2024-12-31T02:00:00+00:00")
    write_bundle(with_history, data, history=[earlier])
    assert "Pass rate over previous runs" not in (without / "report.html").read_text("utf-8")
    html = (with_history / "report.html").read_text("utf-8")
    assert "Pass rate over previous runs" in html
    assert "<polyline" in html
    assert "2024-12-31 02:00: 100.0%" in html


def test_certification_records_digests(failing_run: Path) -> None:
    data = json.loads((failing_run / "results.json").read_text(encoding="utf-8"))
    certification = json.loads((failing_run / "certification.json").read_text("utf-8"))
    assert certification["results_sha256"] == canonical_sha256(data)
    assert certification["section_sha256"]["failures"] == canonical_sha256(data["failures"])
    for section in ("run", "spec", "requirements", "operations", "tests", "failures"):
        assert section in certification["section_sha256"], section
    assert certification["verdict"] == "NOT CERTIFIED"
    assert certification["product"]["vendor"] == "Example Commerce GmbH"
    assert certification["spec"]["version"] == "1.2.1"
    assert certification["run"]["seed"] == 1234
    assert certification["run"]["mode"] == "standard"
    assert set(certification["suite"]["dependencies"]) == {
        "schemathesis",
        "hypothesis",
        "pytest",
        "requests",
        "openapi-spec-validator",
    }


def test_reports_name_results_digest(failing_run: Path) -> None:
    certification = json.loads((failing_run / "certification.json").read_text("utf-8"))
    digest = certification["results_sha256"]
    assert digest in (failing_run / "summary.md").read_text("utf-8")
    assert digest in (failing_run / "report.html").read_text("utf-8")


def test_report_command_rebuilds_bundle(failing_run: Path) -> None:
    from click.testing import CliRunner

    from conformance.cli import main

    (failing_run / "report.html").unlink()
    (failing_run / "summary.md").unlink()
    result = CliRunner().invoke(main, ["report", str(failing_run)])
    assert result.exit_code == 0, result.output
    assert "non-conformant, NOT CERTIFIED" in result.output
    assert (failing_run / "report.html").is_file()
    assert (failing_run / "summary.md").is_file()
    certification = json.loads((failing_run / "certification.json").read_text("utf-8"))
    assert certification["product"]["product"] == "Example Storefront"


def test_report_command_rejects_missing_results(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from conformance.cli import main

    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "no results.json in this folder" in result.output
