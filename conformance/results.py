"""Results of a run: per test, per operation and per requirement, and ``results.json``.

``results.json`` is versioned by ``format_version``; the README describes its
fields. A requirement's status only rises: skipped < passed < error < failed.
"""

from __future__ import annotations

import json
import platform
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from conformance import __version__

FORMAT_VERSION = 1
STATUS_ORDER = {"disabled": -1, "skipped": 0, "passed": 1, "error": 2, "failed": 3}


@dataclass
class FailureRecord:
    """A check failure with the exchange that showed it, secrets masked."""

    test_id: str
    operation: str
    check: str
    requirements: list[str]
    title: str
    message: str
    severity: str
    status_code: int | None
    request: dict[str, Any]
    response: dict[str, Any]
    curl: str
    occurrences: int = 1


@dataclass
class TestResult:
    """The outcome of one test item, e.g. ``customer-1.2.1::Address::createAddress::positive``."""

    test_id: str
    operation: str
    operation_id: str
    tag: str
    mode: str
    status: str = "passed"
    reason: str = ""
    cases: int = 0
    duration: float = 0.0
    observed_statuses: dict[str, int] = field(default_factory=dict)
    exercised: set[str] = field(default_factory=set)
    failures: list[FailureRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    contract_gaps: set[str] = field(default_factory=set)

    def failed_requirements(self) -> set[str]:
        return {req for failure in self.failures for req in failure.requirements}


class RunResults:
    """Collects test results of one session; thread-safe."""

    def __init__(self) -> None:
        self.tests: dict[str, TestResult] = {}
        self.metadata: dict[str, Any] = {}
        self._lock = threading.Lock()

    def add(self, result: TestResult) -> None:
        with self._lock:
            self.tests[result.test_id] = result

    def operation_table(self, operations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return one row per operation: counts of passed, failed, error and skipped tests."""
        rows = []
        for operation in operations:
            tests = [test for test in self.tests.values() if test.operation == operation["key"]]
            counts = {status: 0 for status in ("passed", "failed", "error", "skipped")}
            for test in tests:
                counts[test.status if test.status in counts else "skipped"] += 1
            if counts["failed"]:
                status = "failed"
            elif counts["error"]:
                status = "error"
            elif counts["passed"]:
                status = "passed"
            else:
                status = "skipped"
            rows.append(
                {
                    **operation,
                    **counts,
                    "status": status,
                    "tests": sorted(test.test_id for test in tests),
                }
            )
        return rows

    def requirement_table(self, requirements: list[Any]) -> list[dict[str, Any]]:
        """Return one row per catalogue requirement with its status and the tests behind it."""
        rows = []
        for requirement in requirements:
            status = "skipped"
            failed_by: list[str] = []
            passed_by: list[str] = []
            errored = False
            for test in self.tests.values():
                if requirement.id in test.failed_requirements():
                    failed_by.append(test.test_id)
                elif requirement.id in test.exercised:
                    passed_by.append(test.test_id)
                    if test.status == "error":
                        errored = True
            if failed_by:
                status = "failed"
            elif errored:
                status = "error"
            elif passed_by:
                status = "passed"
            rows.append(
                {
                    "id": requirement.id,
                    "level": requirement.level,
                    "text": requirement.text,
                    "operations": list(requirement.operations),
                    "status": status,
                    "failed_by": sorted(failed_by),
                    "passed_by": len(passed_by),
                }
            )
        return rows

    def to_json(
        self,
        *,
        contract: Any,
        requirements: list[Any],
        settings: dict[str, Any],
        started: str,
        finished: str,
        requests_sent: int,
    ) -> dict[str, Any]:
        operations = [
            {"key": info.key, "operation_id": info.operation_id, "tag": info.tag}
            for info in contract.operations
        ]
        operation_rows = self.operation_table(operations)
        requirement_rows = self.requirement_table(requirements)
        failures = [asdict(f) for test in self.tests.values() for f in test.failures]
        totals = {status: 0 for status in ("passed", "failed", "error", "skipped")}
        for test in self.tests.values():
            totals[test.status] = totals.get(test.status, 0) + 1
        broken = sorted(row["id"] for row in requirement_rows if row["status"] == "failed")
        verdict = (
            "conformant"
            if not totals["failed"] and not totals["error"]
            else ("non-conformant" if totals["failed"] else "error")
        )
        return {
            "format_version": FORMAT_VERSION,
            "run": {
                **self.metadata,
                "suite_version": __version__,
                "python": platform.python_version(),
                "started": started,
                "finished": finished,
                "requests_sent": requests_sent,
                "settings": settings,
            },
            "spec": {
                "path": str(contract.path),
                "title": contract.title,
                "version": contract.version,
                "sha256": contract.sha256,
            },
            "workarounds": [defect.as_dict() for defect in contract.defects],
            "unknown_spec_errors": list(contract.unknown_errors),
            "verdict": verdict,
            "totals": totals,
            "broken_requirements": broken,
            "requirements": requirement_rows,
            "operations": operation_rows,
            "tests": [
                {
                    "id": test.test_id,
                    "operation": test.operation,
                    "mode": test.mode,
                    "status": test.status,
                    "reason": test.reason,
                    "cases": test.cases,
                    "duration": round(test.duration, 3),
                    "observed_statuses": test.observed_statuses,
                    "requirements": sorted(test.exercised | test.failed_requirements()),
                    "errors": test.errors,
                }
                for test in sorted(self.tests.values(), key=lambda t: t.test_id)
            ],
            "failures": failures,
            "contract_gaps": sorted(
                {gap for test in self.tests.values() for gap in test.contract_gaps}
            ),
        }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as indented UTF-8 JSON with sorted keys, atomically."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    temporary.replace(path)
