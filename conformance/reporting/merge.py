"""``icm-conformance merge``: one results.json from the shards of a split or distributed run.

Shards come from pytest-split (``--splits K --group I``) or pytest-xdist
workers. Each test appears in one shard; a test found in several keeps its
highest status. A requirement's status only rises across shards:
skipped < passed < error < failed (``disabled`` sits below skipped).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from conformance.reporting.loading import ReportError
from conformance.reporting.statuses import results_verdict, worst_status
from conformance.results import FORMAT_VERSION, STATUS_ORDER

logger = logging.getLogger(__name__)

TEST_STATUSES = ("passed", "failed", "error", "skipped")


def merge_results(shards: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Merge ``(label, results)`` shards; raise ``ReportError`` if they are not one run."""
    if not shards:
        raise ReportError("no shards to merge; pass at least one run folder")
    _check_compatible(shards)
    tests = _merge_tests(shards)
    chosen = {test["id"]: label for label, test in tests.values()}
    failures = [
        failure
        for label, data in shards
        for failure in data["failures"]
        if chosen.get(failure["test_id"]) == label
    ]
    test_rows = [test for _, test in sorted(tests.values(), key=lambda item: item[1]["id"])]
    requirements = _merge_requirements(shards)
    totals = {status: 0 for status in TEST_STATUSES}
    for test in test_rows:
        totals[test["status"]] = totals.get(test["status"], 0) + 1
    first = shards[0][1]
    return {
        "format_version": FORMAT_VERSION,
        "run": _merge_run(shards, len(test_rows)),
        "spec": first["spec"],
        "workarounds": first["workarounds"],
        "unknown_spec_errors": first.get("unknown_spec_errors", []),
        "verdict": results_verdict(totals),
        "totals": totals,
        "broken_requirements": sorted(
            row["id"] for row in requirements if row["status"] == "failed"
        ),
        "requirements": requirements,
        "operations": _merge_operations(first["operations"], test_rows),
        "tests": test_rows,
        "failures": failures,
    }


def _check_compatible(shards: list[tuple[str, dict[str, Any]]]) -> None:
    """Reject shards of different contracts, seeds, modes or -k expressions."""
    for field, read in (
        ("format_version", lambda data: data.get("format_version")),
        ("spec sha256", lambda data: data["spec"].get("sha256")),
        ("seed", lambda data: data["run"].get("seed")),
        ("mode", lambda data: data["run"].get("mode") or "standard"),
        ("-k expression", lambda data: data["run"].get("keyword")),
    ):
        values = {label: read(data) for label, data in shards}
        if len(set(map(repr, values.values()))) > 1:
            listing = ", ".join(f"{label}: {value}" for label, value in values.items())
            raise ReportError(
                f"cannot merge runs with different {field} ({listing}); shards of one run "
                "share it, so run every shard with the same settings"
            )


def _merge_tests(
    shards: list[tuple[str, dict[str, Any]]],
) -> dict[str, tuple[str, dict[str, Any]]]:
    tests: dict[str, tuple[str, dict[str, Any]]] = {}
    duplicates: list[str] = []
    for label, data in shards:
        for test in data["tests"]:
            previous = tests.get(test["id"])
            if previous is None:
                tests[test["id"]] = (label, test)
                continue
            duplicates.append(test["id"])
            if STATUS_ORDER.get(test["status"], 0) > STATUS_ORDER.get(previous[1]["status"], 0):
                tests[test["id"]] = (label, test)
    if duplicates:
        logger.warning(
            "%d test(s) ran in more than one shard, e.g. %s; keeping the highest status of each",
            len(duplicates),
            duplicates[0],
        )
    return tests


def _merge_requirements(shards: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for _, data in shards:
        for row in data["requirements"]:
            current = merged.get(row["id"])
            if current is None:
                merged[row["id"]] = {**row, "failed_by": list(row["failed_by"])}
                continue
            current["status"] = worst_status([current["status"], row["status"]])
            current["failed_by"] = sorted(set(current["failed_by"]) | set(row["failed_by"]))
            current["passed_by"] = int(current["passed_by"]) + int(row["passed_by"])
    return list(merged.values())


def _merge_operations(
    operations: list[dict[str, Any]], tests: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = []
    for operation in operations:
        own = [test for test in tests if test["operation"] == operation["key"]]
        counts = Counter(test["status"] for test in own)
        row = {key: value for key, value in operation.items() if key not in TEST_STATUSES}
        row.update({status: counts.get(status, 0) for status in TEST_STATUSES})
        row["status"] = _operation_status(counts)
        row["tests"] = sorted(test["id"] for test in own)
        rows.append(row)
    return rows


def _operation_status(counts: Counter[str]) -> str:
    """Return an operation's status the way results.py decides it."""
    for status in ("failed", "error", "passed"):
        if counts.get(status):
            return status
    return "skipped"


def _merge_run(shards: list[tuple[str, dict[str, Any]]], test_count: int) -> dict[str, Any]:
    runs = [data["run"] for _, data in shards]
    merged = dict(runs[0])
    merged["started"] = min(str(run.get("started") or "") for run in runs)
    merged["finished"] = max(str(run.get("finished") or "") for run in runs)
    merged["requests_sent"] = sum(int(run.get("requests_sent") or 0) for run in runs)
    merged["remaining_entities"] = sorted(
        {url for run in runs for url in run.get("remaining_entities") or []}
    )
    merged["run_id"] = "+".join(str(run.get("run_id")) for run in runs)
    merged["deselected"] = _merged_deselected(runs, test_count)
    missing = _missing_groups(runs)
    if missing:
        merged["missing_groups"] = missing
    merged["shards"] = [
        {
            "label": label,
            "run_id": data["run"].get("run_id"),
            "split": data["run"].get("split"),
            "tests": len(data["tests"]),
            "deselected": data["run"].get("deselected"),
        }
        for label, data in shards
    ]
    return merged


def _missing_groups(runs: list[dict[str, Any]]) -> list[int]:
    """Return the pytest-split groups that no shard ran, when every shard records its group."""
    splits: list[dict[str, Any]] = [run["split"] for run in runs if run.get("split")]
    if not splits or len(splits) != len(runs):
        return []
    counts = {int(split["splits"]) for split in splits}
    if len(counts) > 1:
        raise ReportError(f"cannot merge shards of different --splits values {sorted(counts)}")
    groups = {int(split["group"]) for split in splits}
    missing = sorted(set(range(1, counts.pop() + 1)) - groups)
    if missing:
        logger.warning("no shard ran pytest-split group(s) %s; the merged run is partial", missing)
    return missing


def _merged_deselected(runs: list[dict[str, Any]], test_count: int) -> int:
    """Return how many collected tests no shard ran.

    Each pytest-split shard deselects the other shards' tests, so the sum of the
    shards' counts means nothing. With ``run.collected`` (items before
    deselection, equal in every shard) the merged count is collected minus the
    merged test count. Without it, the shards' counts cannot be combined.
    """
    collected = [run.get("collected") for run in runs]
    first = collected[0]
    if isinstance(first, int) and all(value == first for value in collected):
        return max(first - test_count, 0)
    if all(not run.get("deselected") for run in runs):
        return 0
    # NOTE: without run.collected a split run counts as partial, so it cannot be certified.
    logger.warning(
        "shards deselected tests but do not record run.collected; the merged run "
        "keeps the largest deselected count"
    )
    return max(int(run.get("deselected") or 0) for run in runs)
