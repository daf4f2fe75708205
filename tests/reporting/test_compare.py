"""Test ``compare``: new failures fail the comparison, known ones only when asked."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from results_factory import Failure, Outcomes, build_results, failing_outcomes, item_id, write_run

from conformance.cli import main
from conformance.reporting.compare import TEST_ERROR, compare_runs

REGRESSION = Failure(
    item_id("getAddresses"),
    "response_schema_conformance",
    ("GENERAL-RESPONSE-SCHEMA",),
    "Response violates schema",
    200,
)


def with_regression() -> Outcomes:
    outcomes = failing_outcomes()
    outcomes.failures.append(REGRESSION)
    return outcomes


def test_seeded_regression_is_new() -> None:
    comparison = compare_runs(build_results(failing_outcomes()), build_results(with_regression()))
    assert comparison.new == [("GENERAL-RESPONSE-SCHEMA", item_id("getAddresses"))]
    assert comparison.fixed == []
    assert len(comparison.known) == 3
    assert comparison.exit_code(allow_known=True) == 1
    assert comparison.exit_code(allow_known=False) == 1


def test_fixed_failure_is_listed() -> None:
    comparison = compare_runs(build_results(with_regression()), build_results(failing_outcomes()))
    assert comparison.new == []
    assert comparison.fixed == [("GENERAL-RESPONSE-SCHEMA", item_id("getAddresses"))]
    assert comparison.exit_code(allow_known=True) == 0


def test_known_failures_fail_unless_allowed() -> None:
    comparison = compare_runs(build_results(failing_outcomes()), build_results(failing_outcomes()))
    assert comparison.new == []
    assert [(known.requirement, known.test_id) for known in comparison.known] == sorted(
        [
            ("GENERAL-NO-SERVER-ERROR", item_id("getCustomer", "negative")),
            ("GENERAL-STATUS-DOCUMENTED", item_id("createAddress")),
            (TEST_ERROR, item_id("getPayments")),
        ]
    )
    assert comparison.exit_code(allow_known=False) == 1
    assert comparison.exit_code(allow_known=True) == 0


def test_known_failure_with_other_check_is_changed() -> None:
    changed = failing_outcomes()
    first = changed.failures[0]
    changed.failures[0] = Failure(
        first.test_id, "content_type_conformance", first.requirements, "Undocumented Content-Type"
    )
    comparison = compare_runs(build_results(failing_outcomes()), build_results(changed))
    assert comparison.new == []
    assert [known.test_id for known in comparison.known if known.changed] == [first.test_id]
    assert comparison.exit_code(allow_known=True) == 1


def test_failure_of_test_not_run_is_not_fixed() -> None:
    new = failing_outcomes()
    new.skipped[item_id("createAddress")] = "the target does not offer addresses"
    new.failures = [f for f in new.failures if f.test_id != item_id("createAddress")]
    comparison = compare_runs(build_results(failing_outcomes()), build_results(new))
    assert comparison.fixed == []
    assert comparison.not_run == [("GENERAL-STATUS-DOCUMENTED", item_id("createAddress"))]


def test_cli_exits_one_on_regression(tmp_path: Path) -> None:
    old = write_run(tmp_path / "old", build_results(failing_outcomes()))
    new = write_run(tmp_path / "new", build_results(with_regression()))
    result = CliRunner().invoke(
        main, ["compare", str(old), str(new / "results.json"), "--allow-known"]
    )
    assert result.exit_code == 1, result.output
    assert "New failures (1):" in result.output
    assert f"  GENERAL-RESPONSE-SCHEMA  {item_id('getAddresses')}" in result.output
    assert "Result: 1 new, 0 fixed, 3 still failing; exit 1" in result.output


def test_cli_allow_known_keeps_nightly_green(tmp_path: Path) -> None:
    old = write_run(tmp_path / "old", build_results(failing_outcomes()))
    new = write_run(tmp_path / "new", build_results(failing_outcomes()))
    runner = CliRunner()
    allowed = runner.invoke(main, ["compare", str(old), str(new), "--allow-known"])
    assert allowed.exit_code == 0, allowed.output
    strict = runner.invoke(main, ["compare", str(old), str(new)])
    assert strict.exit_code == 1, strict.output
    explicit = runner.invoke(main, ["compare", str(old), str(new), "--fail-on-known"])
    assert explicit.exit_code == 1, explicit.output


def test_cli_json_and_markdown(tmp_path: Path) -> None:
    old = write_run(tmp_path / "old", build_results(failing_outcomes()))
    new = write_run(tmp_path / "new", build_results(with_regression()))
    runner = CliRunner()
    as_json = runner.invoke(main, ["compare", str(old), str(new), "--format", "json"])
    document = json.loads(as_json.output)
    assert document["new"] == [
        {"requirement": "GENERAL-RESPONSE-SCHEMA", "test_id": item_id("getAddresses")}
    ]
    assert document["exit_code"] == 1
    markdown = runner.invoke(main, ["compare", str(old), str(new), "--format", "markdown"])
    assert "### New failures (1)" in markdown.output
    assert f"- `GENERAL-RESPONSE-SCHEMA` in `{item_id('getAddresses')}`" in markdown.output


def test_cli_rejects_missing_run(tmp_path: Path) -> None:
    old = write_run(tmp_path / "old", build_results(failing_outcomes()))
    result = CliRunner().invoke(main, ["compare", str(old), str(tmp_path / "absent")])
    assert result.exit_code == 2
