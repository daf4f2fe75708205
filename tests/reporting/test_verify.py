"""Test ``verify``: a fresh bundle is valid, and each kind of damage is found and located."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from results_factory import Outcomes, build_results, failing_outcomes, write_run

from conformance.cli import main
from conformance.reporting import write_bundle
from conformance.reporting.verify import verify_bundle


@pytest.fixture
def bundle(tmp_path: Path, product_file: Path) -> Path:
    data = build_results(failing_outcomes())
    run_dir = write_run(tmp_path / "run", data)
    write_bundle(run_dir, data, product_file=product_file)
    return run_dir


@pytest.fixture
def certified_bundle(tmp_path: Path, product_file: Path) -> Path:
    data = build_results(Outcomes(), mode="certification")
    run_dir = write_run(tmp_path / "certified", data)
    write_bundle(run_dir, data, product_file=product_file)
    return run_dir


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fresh_bundle_is_valid(bundle: Path) -> None:
    outcome = verify_bundle(bundle)
    assert outcome.problems == []
    assert outcome.valid
    assert outcome.certification_verdict == "NOT CERTIFIED"


def test_certified_bundle_passes_require_certified(certified_bundle: Path) -> None:
    outcome = verify_bundle(certified_bundle, require_certified=True)
    assert outcome.problems == []
    assert outcome.certification_verdict == "CERTIFIED"


def test_require_certified_rejects_not_certified(bundle: Path) -> None:
    outcome = verify_bundle(bundle, require_certified=True)
    assert outcome.problems == [
        "certification.json: verdict is NOT CERTIFIED, CERTIFIED is required"
    ]


@pytest.mark.parametrize(
    ("old", "new", "section"),
    [
        ('"requests_sent": 420', '"requests_sent": 421', "run"),
        ('"cases": 2', '"cases": 3', "tests"),
        ('"occurrences": 2', '"occurrences": 3', "failures"),
        ('"passed_by": 2', '"passed_by": 3', "requirements"),
        ('"version": "1.2.1"', '"version": "1.2.2"', "spec"),
    ],
)
def test_changed_byte_names_section(bundle: Path, old: str, new: str, section: str) -> None:
    replace_once(bundle / "results.json", old, new)
    outcome = verify_bundle(bundle)
    assert not outcome.valid
    digest_problem = next(p for p in outcome.problems if "canonical SHA-256" in p)
    assert f"section '{section}' changed" in digest_problem
    assert digest_problem.count("changed") == 1


def test_reformatted_results_stay_valid(bundle: Path) -> None:
    path = bundle / "results.json"
    path.write_text(json.dumps(json.loads(path.read_text("utf-8"))), encoding="utf-8")
    assert verify_bundle(bundle).problems == []


def test_missing_file_is_named(bundle: Path) -> None:
    (bundle / "junit.xml").unlink()
    assert verify_bundle(bundle).problems == ["junit.xml: missing from the bundle"]


def test_truncated_results_are_reported(bundle: Path) -> None:
    path = bundle / "results.json"
    path.write_bytes(path.read_bytes()[:500])
    problems = verify_bundle(bundle).problems
    assert len(problems) == 1
    assert "results.json:" in problems[0]
    assert "invalid JSON" in problems[0]


def test_forged_verdict_is_found(bundle: Path) -> None:
    replace_once(
        bundle / "certification.json", '"verdict": "NOT CERTIFIED"', '"verdict": "CERTIFIED"'
    )
    problems = verify_bundle(bundle).problems
    assert any("field 'verdict' does not follow from results.json" in p for p in problems)


def test_consistent_forgery_is_found(bundle: Path) -> None:
    """Totals edited to hide a failure disagree with the test rows and junit.xml."""
    path = bundle / "results.json"
    data = json.loads(path.read_text("utf-8"))
    data["totals"]["failed"] = 0
    path.write_text(json.dumps(data), encoding="utf-8")
    problems = verify_bundle(bundle).problems
    assert "results.json: totals.failed is 0, but 2 test(s) have that status" in problems
    assert any(p.startswith("junit.xml: 3 failing test case(s)") for p in problems)


def test_junit_count_mismatch(bundle: Path) -> None:
    path = bundle / "junit.xml"
    tree = ET.parse(path)
    suite = tree.getroot().find("testsuite")
    assert suite is not None
    suite.remove(suite.findall("testcase")[0])
    tree.write(path, encoding="utf-8")
    problems = verify_bundle(bundle).problems
    assert "junit.xml: 75 test case(s), results.json has 76 test(s)" in problems
    assert any(p.startswith("junit.xml: no test case for 1 test(s)") for p in problems)


def test_missing_catalogue_requirement(bundle: Path) -> None:
    path = bundle / "results.json"
    data = json.loads(path.read_text("utf-8"))
    removed = data["requirements"].pop(0)
    path.write_text(json.dumps(data), encoding="utf-8")
    problems = verify_bundle(bundle).problems
    assert any(f"missing: {removed['id']}" in p for p in problems)


def test_stale_report_html(bundle: Path, tmp_path: Path) -> None:
    other = build_results(Outcomes())
    other_dir = write_run(tmp_path / "other", other)
    write_bundle(other_dir, other)
    (bundle / "report.html").write_bytes((other_dir / "report.html").read_bytes())
    problems = verify_bundle(bundle).problems
    assert len(problems) == 1
    assert problems[0].startswith("report.html: does not name the results digest")


def test_spec_digest_checked_against_file(bundle: Path, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.0.1\n", encoding="utf-8")
    path = bundle / "results.json"
    data = json.loads(path.read_text("utf-8"))
    data["spec"]["path"] = str(spec)
    path.write_text(json.dumps(data), encoding="utf-8")
    problems = verify_bundle(bundle).problems
    assert any(f"but {spec} has SHA-256" in p for p in problems)


def test_cli_exit_codes(bundle: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    valid = runner.invoke(main, ["verify", str(bundle)])
    assert valid.exit_code == 0, valid.output
    assert "bundle valid" in valid.output
    replace_once(bundle / "results.json", '"requests_sent": 420', '"requests_sent": 421')
    invalid = runner.invoke(main, ["verify", str(bundle)])
    assert invalid.exit_code == 1
    assert "section 'run' changed" in invalid.output
    usage = runner.invoke(main, ["verify", str(tmp_path / "absent")])
    assert usage.exit_code == 2
    assert "not a folder" in usage.output
