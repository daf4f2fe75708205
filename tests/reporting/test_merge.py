"""Test ``merge``: shards of one run merge into the results of the whole run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from results_factory import Outcomes, all_test_ids, build_results, failing_outcomes, write_run

from conformance.cli import main
from conformance.reporting.loading import ReportError
from conformance.reporting.merge import merge_results
from conformance.reporting.verify import verify_bundle


def shard_outcomes(group: int, groups: int = 2) -> Outcomes:
    outcomes = failing_outcomes()
    outcomes.only = set(all_test_ids()[group - 1 :: groups])
    return outcomes


def shards(groups: int = 2, **kwargs: Any) -> list[tuple[str, dict[str, Any]]]:
    total = len(all_test_ids())
    result = []
    for group in range(1, groups + 1):
        outcomes = shard_outcomes(group, groups)
        extra = {
            "collected": total,
            "deselected": total - len(outcomes.only or ()),
            "split": {"splits": groups, "group": group},
        }
        result.append((f"shard{group}", build_results(outcomes, run_extra=extra, **kwargs)))
    return result


def failure_keys(data: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((failure["test_id"], failure["check"]) for failure in data["failures"])


def test_two_shards_equal_whole_run() -> None:
    whole = build_results(failing_outcomes())
    merged = merge_results(shards())
    assert merged["tests"] == whole["tests"]
    assert merged["totals"] == whole["totals"]
    assert merged["verdict"] == whole["verdict"]
    assert merged["broken_requirements"] == whole["broken_requirements"]
    assert merged["requirements"] == whole["requirements"]
    assert merged["operations"] == whole["operations"]
    assert failure_keys(merged) == failure_keys(whole)
    assert merged["run"]["deselected"] == 0
    assert merged["run"]["requests_sent"] == 2 * whole["run"]["requests_sent"]


def test_each_shard_alone_is_partial() -> None:
    first = shards()[0][1]
    whole = build_results(failing_outcomes())
    assert len(first["tests"]) < len(whole["tests"])
    assert first["run"]["deselected"] > 0


def test_missing_group_leaves_run_partial() -> None:
    merged = merge_results(shards(groups=3)[:2])
    assert merged["run"]["missing_groups"] == [3]
    assert merged["run"]["deselected"] == len(all_test_ids()) - len(merged["tests"])


def test_requirement_status_only_rises() -> None:
    parts = shards()
    requirement = "GENERAL-STATUS-DOCUMENTED"
    statuses = {
        label: next(row["status"] for row in data["requirements"] if row["id"] == requirement)
        for label, data in parts
    }
    assert sorted(statuses.values()) == ["failed", "passed"]
    merged = merge_results(parts)
    row = next(row for row in merged["requirements"] if row["id"] == requirement)
    assert row["status"] == "failed"


def test_duplicate_test_keeps_higher_status() -> None:
    """A test in two shards keeps its highest status: skipped < passed < error < failed."""
    passed = build_results(Outcomes())
    failed = build_results(failing_outcomes())
    merged = merge_results([("a", passed), ("b", failed)])
    assert merged["totals"] == {"passed": 73, "failed": 2, "error": 1, "skipped": 0}
    assert failure_keys(merged) == failure_keys(failed)
    assert len(merged["tests"]) == len(failed["tests"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda data: data["run"].update(seed=99), "seed"),
        (lambda data: data["spec"].update(sha256="0" * 64), "spec sha256"),
        (lambda data: data["run"].update(mode="certification"), "mode"),
        (lambda data: data["run"].update(keyword="Address"), "-k expression"),
    ],
)
def test_incompatible_shards_rejected(change: Any, field: str) -> None:
    parts = shards()
    change(parts[1][1])
    with pytest.raises(ReportError, match=f"cannot merge runs with different {field} "):
        merge_results(parts)


def test_cli_merge_writes_valid_bundle(tmp_path: Path, product_file: Path) -> None:
    folders = [str(write_run(tmp_path / label, data)) for label, data in shards()]
    output = tmp_path / "merged"
    result = CliRunner().invoke(
        main, ["merge", *folders, "--output", str(output), "--product-file", str(product_file)]
    )
    assert result.exit_code == 0, result.output
    assert "merged 2 shard(s), 76 tests" in result.output
    for name in ("results.json", "junit.xml", "summary.md", "report.html", "certification.json"):
        assert (output / name).is_file(), name
    assert verify_bundle(output).problems == []
    merged = json.loads((output / "results.json").read_text("utf-8"))
    assert [shard["split"]["group"] for shard in merged["run"]["shards"]] == [1, 2]


def test_cli_merge_refuses_overwrite(tmp_path: Path) -> None:
    folders = [str(write_run(tmp_path / label, data)) for label, data in shards()]
    output = tmp_path / "merged"
    runner = CliRunner()
    assert runner.invoke(main, ["merge", *folders, "-o", str(output)]).exit_code == 0
    again = runner.invoke(main, ["merge", *folders, "-o", str(output)])
    assert again.exit_code == 2
    assert "pass --force" in again.output
    assert runner.invoke(main, ["merge", *folders, "-o", str(output), "--force"]).exit_code == 0


def test_cli_merge_reports_seed_conflict(tmp_path: Path) -> None:
    parts = shards()
    parts[1][1]["run"]["seed"] = 7
    folders = [str(write_run(tmp_path / label, data)) for label, data in parts]
    result = CliRunner().invoke(main, ["merge", *folders, "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "cannot merge runs with different seed" in result.output
