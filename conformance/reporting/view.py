"""Values the report shows, derived from results.json: matrices, per-tag counts, failures.

The templates only lay these values out; every count and status is decided here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

REQUIREMENT_STATUSES = ("passed", "failed", "error", "skipped", "disabled")
TEST_STATUSES = ("passed", "failed", "error", "skipped")
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
OPERATION_SPECIFIC = "operation-specific"
GENERAL_TAG = "General"
CROSS_CUTTING_TAG = "All operations"
ALL_OPERATIONS = "*"
# Specific requirements name one operation or its B2B, private and simple variants;
# a requirement naming more operations is a general rule such as "login required".
MAX_SPECIFIC_OPERATIONS = 3
NOT_EVALUATED = "none"


@dataclass(frozen=True, slots=True)
class CheckColumn:
    """A column of the operation-by-check matrix and the requirements it stands for."""

    name: str
    requirements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One operation of the operation-by-check matrix."""

    key: str
    operation_id: str
    tag: str
    status: str
    cells: list[str]


def operation_tags(data: dict[str, Any]) -> dict[str, str]:
    """Map each operation key, e.g. ``GET /customers/-``, to its OpenAPI tag."""
    return {row["key"]: row.get("tag") or GENERAL_TAG for row in data["operations"]}


def tag_of_test(test: dict[str, Any], tags: dict[str, str]) -> str:
    """Return a test's tag: its operation's, else the second part of its id."""
    if test.get("operation") in tags:
        return tags[test["operation"]]
    parts = str(test["id"]).split("::")
    return parts[1] if len(parts) > 2 else GENERAL_TAG


def tag_test_counts(data: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Count tests per tag and status, tags in contract order."""
    tags = operation_tags(data)
    counts: dict[str, Counter[str]] = {tag: Counter() for tag in dict.fromkeys(tags.values())}
    for test in data["tests"]:
        counts.setdefault(tag_of_test(test, tags), Counter())[test["status"]] += 1
    return {tag: dict(counter) for tag, counter in counts.items() if counter}


def tag_requirement_counts(data: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Count requirements per tag of their operations; cross-cutting ones get their own row."""
    tags = operation_tags(data)
    counts: dict[str, Counter[str]] = {tag: Counter() for tag in dict.fromkeys(tags.values())}
    counts[CROSS_CUTTING_TAG] = Counter()
    for row in data["requirements"]:
        operations = row.get("operations") or [ALL_OPERATIONS]
        if ALL_OPERATIONS in operations:
            row_tags = {CROSS_CUTTING_TAG}
        else:
            row_tags = {tags.get(key, GENERAL_TAG) for key in operations}
        for tag in row_tags:
            counts.setdefault(tag, Counter())[row["status"]] += 1
    return {tag: dict(counter) for tag, counter in counts.items() if counter}


def requirement_counts(data: dict[str, Any]) -> dict[str, int]:
    """Count requirements per status, every status present."""
    counts = Counter(row["status"] for row in data["requirements"])
    return {status: counts.get(status, 0) for status in REQUIREMENT_STATUSES}


def check_columns(data: dict[str, Any]) -> list[CheckColumn]:
    """Derive the matrix columns from the failures' checks and the tests' requirements.

    A failure's check becomes a column covering the general requirements it
    reported. A general requirement that no failure reported gets a column of
    its own. Requirements about a few named operations share one column,
    because one column each would leave the matrix almost empty.
    """
    general = _general_requirements(data)
    columns: dict[str, set[str]] = {}
    for failure in data["failures"]:
        covered = columns.setdefault(failure["check"], set())
        covered.update(req for req in failure["requirements"] if req in general)
    claimed = set().union(*columns.values()) if columns else set()
    for requirement in sorted({req for test in data["tests"] for req in test["requirements"]}):
        if requirement in general and requirement not in claimed:
            columns.setdefault(requirement, {requirement})
    specific = sorted(_all_requirements(data) - general)
    ordered = [CheckColumn(name, tuple(sorted(reqs))) for name, reqs in sorted(columns.items())]
    if specific:
        ordered.append(CheckColumn(OPERATION_SPECIFIC, tuple(specific)))
    return ordered


def _all_requirements(data: dict[str, Any]) -> set[str]:
    found = {row["id"] for row in data["requirements"]}
    found.update(req for test in data["tests"] for req in test["requirements"])
    found.update(req for failure in data["failures"] for req in failure["requirements"])
    return found


def _general_requirements(data: dict[str, Any]) -> set[str]:
    """Return requirements that are not about a few named operations; unknown ids are general."""
    specific = {
        row["id"]
        for row in data["requirements"]
        if row.get("operations")
        and ALL_OPERATIONS not in row["operations"]
        and len(row["operations"]) <= MAX_SPECIFIC_OPERATIONS
    }
    return _all_requirements(data) - specific


def operation_matrix(data: dict[str, Any], columns: list[CheckColumn]) -> list[MatrixRow]:
    """Return the worst status of each check on each operation, or ``none`` if not evaluated."""
    rows = []
    for operation in data["operations"]:
        key = operation["key"]
        tests = [test for test in data["tests"] if test["operation"] == key]
        failures = [failure for failure in data["failures"] if failure["operation"] == key]
        cells = [_cell(column, tests, failures) for column in columns]
        rows.append(
            MatrixRow(
                key,
                operation.get("operation_id", ""),
                operation.get("tag") or GENERAL_TAG,
                operation["status"],
                cells,
            )
        )
    return rows


def _cell(column: CheckColumn, tests: list[dict[str, Any]], failures: list[dict[str, Any]]) -> str:
    requirements = set(column.requirements)
    for failure in failures:
        if failure["check"] == column.name or requirements & set(failure["requirements"]):
            return "failed"
    statuses = [test["status"] for test in tests if requirements & set(test["requirements"])]
    if "error" in statuses:
        return "error"
    if statuses:
        return "passed"
    return NOT_EVALUATED


def sorted_failures(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return failures, most severe and most frequent first."""
    return sorted(
        data["failures"],
        key=lambda failure: (
            SEVERITY_ORDER.get(str(failure.get("severity", "")).lower(), len(SEVERITY_ORDER)),
            -int(failure.get("occurrences") or 1),
            failure["test_id"],
            failure["check"],
        ),
    )


def errored_tests(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the tests that ended in an error, with their error messages."""
    return [test for test in data["tests"] if test["status"] == "error"]
