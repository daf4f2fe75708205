"""``icm-conformance verify``: check a report bundle the way a certification service would.

Each check adds a problem (the bundle is invalid) or a warning. A valid bundle
has every file, and the digests in certification.json match results.json.
results.json agrees with itself, the bundled catalogue and contract, and
junit.xml, and the recorded certification verdict follows from the results.
docs/report-format.md lists every rule.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.catalogue import Catalogue
from conformance.paths import default_spec_path
from conformance.reporting import junit
from conformance.reporting.bundle import (
    BUNDLE_FILES,
    CERTIFICATION_NAME,
    HTML_NAME,
    JUNIT_NAME,
    RESULTS_NAME,
    SUMMARY_NAME,
)
from conformance.reporting.certification import CERTIFIED, build_certification
from conformance.reporting.digest import canonical_sha256, changed_sections
from conformance.reporting.loading import ReportError, load_results
from conformance.reporting.product import ProductFileError, parse_product
from conformance.reporting.statuses import results_verdict
from conformance.results import STATUS_ORDER

# certification.json fields that must equal a fresh build from results.json. The suite
# and generation time are left out: a rebuild on another machine may differ there.
RECOMPUTED_FIELDS = (
    "certification_format_version",
    "verdict",
    "reasons",
    "notes",
    "product",
    "spec",
    "workarounds",
    "run",
    "results",
)


@dataclass
class Verification:
    """The outcome of verifying one bundle."""

    run_dir: Path
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    certification_verdict: str | None = None

    @property
    def valid(self) -> bool:
        return not self.problems


def verify_bundle(run_dir: Path, *, require_certified: bool = False) -> Verification:
    """Check the bundle in ``run_dir``; raise ``ReportError`` if it is not a folder."""
    if not run_dir.is_dir():
        raise ReportError(f"{run_dir}: not a folder; pass the run folder that holds the bundle")
    outcome = Verification(run_dir)
    missing = [name for name in BUNDLE_FILES if not (run_dir / name).is_file()]
    for name in missing:
        outcome.problems.append(f"{name}: missing from the bundle")
    if RESULTS_NAME in missing:
        return outcome
    try:
        data = load_results(run_dir / RESULTS_NAME)
    except ReportError as exc:
        outcome.problems.append(str(exc))
        return outcome
    _check_consistency(data, outcome)
    _check_catalogue(data, outcome)
    _check_spec(data, outcome)
    if CERTIFICATION_NAME not in missing:
        certification = _read_certification(run_dir / CERTIFICATION_NAME, outcome)
        if certification is not None:
            _check_certification(data, certification, outcome)
            _check_reports(run_dir, certification, missing, outcome)
    if JUNIT_NAME not in missing:
        _check_junit(run_dir / JUNIT_NAME, data, outcome)
    if require_certified and outcome.certification_verdict != CERTIFIED:
        outcome.problems.append(
            f"{CERTIFICATION_NAME}: verdict is {outcome.certification_verdict or 'unknown'}, "
            f"{CERTIFIED} is required"
        )
    return outcome


def _read_certification(path: Path, outcome: Verification) -> dict[str, Any] | None:
    try:
        certification = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        outcome.problems.append(f"{path.name}: cannot read: {exc}")
        return None
    except json.JSONDecodeError as exc:
        outcome.problems.append(f"{path.name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}")
        return None
    if not isinstance(certification, dict):
        outcome.problems.append(f"{path.name}: expected a JSON object at the top level")
        return None
    outcome.certification_verdict = certification.get("verdict")
    return certification


def _check_certification(
    data: dict[str, Any], recorded: dict[str, Any], outcome: Verification
) -> None:
    digest = canonical_sha256(data)
    if recorded.get("results_sha256") != digest:
        sections = changed_sections(recorded.get("section_sha256") or {}, data)
        where = (
            "; ".join(sections)
            if sections
            else ("certification.json has no section digests to tell which section changed")
        )
        outcome.problems.append(
            f"{RESULTS_NAME}: canonical SHA-256 is {digest}, {CERTIFICATION_NAME} records "
            f"{recorded.get('results_sha256')}: {where}"
        )
    product = None
    if recorded.get("product") is not None:
        try:
            product = parse_product(recorded["product"], f"{CERTIFICATION_NAME} product")
        except ProductFileError as exc:
            outcome.problems.append(str(exc))
            return
    expected = build_certification(data, product, generated=recorded.get("generated"))
    for key in RECOMPUTED_FIELDS:
        if recorded.get(key) != expected[key]:
            outcome.problems.append(
                f"{CERTIFICATION_NAME}: field '{key}' does not follow from {RESULTS_NAME}: "
                f"recorded {_short(recorded.get(key))}, expected {_short(expected[key])}"
            )


def _check_reports(
    run_dir: Path, certification: dict[str, Any], missing: list[str], outcome: Verification
) -> None:
    """Check that summary.md and report.html were built from this results.json."""
    digest = certification.get("results_sha256") or ""
    for name in (SUMMARY_NAME, HTML_NAME):
        if name in missing:
            continue
        text = (run_dir / name).read_text(encoding="utf-8", errors="replace")
        if not digest or digest not in text:
            outcome.problems.append(
                f"{name}: does not name the results digest {digest or '(none)'}, so it was built "
                f"from other results; rebuild it with 'icm-conformance report {run_dir}'"
            )


def _check_consistency(data: dict[str, Any], outcome: Verification) -> None:
    """Check the totals, operation rows, broken requirements and verdict against the tests."""
    counts = Counter(test["status"] for test in data["tests"])
    for status in ("passed", "failed", "error", "skipped"):
        if data["totals"].get(status) != counts.get(status, 0):
            outcome.problems.append(
                f"{RESULTS_NAME}: totals.{status} is {data['totals'].get(status)}, but "
                f"{counts.get(status, 0)} test(s) have that status"
            )
    test_ids = [test["id"] for test in data["tests"]]
    duplicates = sorted(test_id for test_id, count in Counter(test_ids).items() if count > 1)
    if duplicates:
        outcome.problems.append(f"{RESULTS_NAME}: duplicate test ids: {', '.join(duplicates)}")
    broken = sorted(row["id"] for row in data["requirements"] if row["status"] == "failed")
    if sorted(data["broken_requirements"]) != broken:
        outcome.problems.append(
            f"{RESULTS_NAME}: broken_requirements {data['broken_requirements']} differ from "
            f"the failed requirement rows {broken}"
        )
    unknown = sorted({row["status"] for row in data["requirements"]} - STATUS_ORDER.keys())
    if unknown:
        outcome.problems.append(f"{RESULTS_NAME}: unknown requirement status(es) {unknown}")
    failed_tests = {failure["test_id"] for failure in data["failures"]}
    for test_id in sorted(failed_tests - set(test_ids)):
        outcome.problems.append(
            f"{RESULTS_NAME}: a failure names test {test_id}, which is not in tests"
        )
    expected_verdict = results_verdict(data["totals"])
    if data["verdict"] != expected_verdict:
        outcome.problems.append(
            f"{RESULTS_NAME}: verdict is {data['verdict']!r}, the totals give {expected_verdict!r}"
        )


def _check_catalogue(data: dict[str, Any], outcome: Verification) -> None:
    catalogue = Catalogue.load()
    present = {row["id"] for row in data["requirements"]}
    absent = [
        requirement_id for requirement_id in catalogue.all_ids() if requirement_id not in present
    ]
    if absent:
        outcome.problems.append(
            f"{RESULTS_NAME}: {len(absent)} requirement(s) of the bundled catalogue are "
            f"missing: {', '.join(absent)}"
        )
    extra = sorted(present - set(catalogue.all_ids()))
    if extra:
        outcome.warnings.append(
            f"{RESULTS_NAME}: {len(extra)} requirement(s) are not in the bundled catalogue "
            f"(written by another suite version?): {', '.join(extra)}"
        )


def _check_spec(data: dict[str, Any], outcome: Verification) -> None:
    recorded = data["spec"].get("sha256")
    named = Path(str(data["spec"].get("path") or ""))
    source = named if data["spec"].get("path") and named.is_file() else default_spec_path()
    actual = hashlib.sha256(source.read_bytes()).hexdigest()
    if recorded != actual:
        outcome.problems.append(
            f"{RESULTS_NAME}: spec.sha256 is {recorded}, but {source} has SHA-256 {actual}"
        )


def _check_junit(path: Path, data: dict[str, Any], outcome: Verification) -> None:
    try:
        cases = junit.read_cases(path)
    except ReportError as exc:
        outcome.problems.append(str(exc))
        return
    if len(cases) != len(data["tests"]):
        outcome.problems.append(
            f"{JUNIT_NAME}: {len(cases)} test case(s), {RESULTS_NAME} has "
            f"{len(data['tests'])} test(s)"
        )
    by_key = {case.key: case for case in cases}
    absent = [test["id"] for test in data["tests"] if junit.junit_key(test["id"]) not in by_key]
    if absent:
        outcome.problems.append(
            f"{JUNIT_NAME}: no test case for {len(absent)} test(s): "
            + ", ".join(absent[:10])
            + (" …" if len(absent) > 10 else "")
        )
    counts = junit.outcome_counts(cases)
    totals = data["totals"]
    # The plugin reports both failed and errored conformance tests as JUnit failures.
    failing = counts["failure"] + counts["error"]
    if failing != totals["failed"] + totals["error"]:
        outcome.problems.append(
            f"{JUNIT_NAME}: {failing} failing test case(s), {RESULTS_NAME} has "
            f"{totals['failed']} failed and {totals['error']} errored test(s)"
        )
    # A disabled test (for example by --read-only) is a pytest skip in junit.xml.
    skipped = totals["skipped"] + totals.get("disabled", 0)
    if counts["skipped"] != skipped:
        outcome.problems.append(
            f"{JUNIT_NAME}: {counts['skipped']} skipped test case(s), "
            f"{RESULTS_NAME} has {totals['skipped']}"
        )


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "..."
