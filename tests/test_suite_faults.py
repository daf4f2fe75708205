"""The suite finds seeded faults of the reference server and passes the clean one.

A fast subset of ``icm-conformance selftest``: each case runs ``python -m conformance run``
against one seeded fault, with a small example budget and a ``-k`` selection that reaches the
operation the fault breaks, and expects the run to report the requirement that catches it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from conformance.selftest import child_environment
from conformance.server import FAULTS

EXAMPLES = 3
SEED = 1
RUN_TIMEOUT_SECONDS = 120
# Runs go two at a time, each a process with its own embedded server.
PARALLEL_RUNS = 2

# fault, -k selection, requirement that must be reported as broken
CASES = [
    ("schema-wrong-type", "getAddress_1 and positive", "GENERAL-RESPONSE-SCHEMA"),
    ("status-undocumented", "createAddress_1 and positive", "GENERAL-STATUS-DOCUMENTED"),
    ("error-key-missing", "createAddress_1 and positive", "ERROR-KEY-PRESENT"),
    ("auth-token-missing", "getCustomer_1 and positive", "AUTH-TOKEN-HEADER"),
    ("content-type-wrong", "getCustomer_1 and positive", "GENERAL-CONTENT-TYPE"),
    ("xml-malformed", "getCustomer_1 and xml", "XML-WELL-FORMED"),
    ("invalid-sort-accepted", "getCustomers and negative", "GENERAL-REJECT-INVALID"),
]
CLEAN_SELECTION = "getCustomer_1 or createAddress_1 or getAddress_1"


def run_suite(tmp_path: Path, keyword: str, fault: str | None) -> tuple[int, dict[str, Any]]:
    """Run the suite in a subprocess and return its exit code and results.json."""
    command = [sys.executable, "-m", "conformance", "run", "--no-progress"]
    command += ["--examples", str(EXAMPLES), "--seed", str(SEED), "-k", keyword]
    command += ["--report-dir", str(tmp_path)]
    if fault is not None:
        command += ["--server-fault", fault]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    found = sorted(tmp_path.glob("*/results.json"))
    assert found, f"no results.json; output:\n{completed.stdout}\n{completed.stderr}"
    return completed.returncode, json.loads(found[-1].read_text(encoding="utf-8"))


Outcome = tuple[int, dict[str, Any]]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str | None, Outcome]:
    """Run every case and the clean server once, in parallel, keyed by fault (None: clean)."""
    runs: list[tuple[str | None, str]] = [(fault, keyword) for fault, keyword, _ in CASES]
    runs.append((None, CLEAN_SELECTION))

    def run(item: tuple[str | None, str]) -> Outcome:
        fault, keyword = item
        return run_suite(tmp_path_factory.mktemp(fault or "clean"), keyword, fault)

    with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
        results = list(pool.map(run, runs))
    return {fault: result for (fault, _), result in zip(runs, results, strict=True)}


@pytest.mark.parametrize(("fault", "keyword", "requirement"), CASES, ids=[c[0] for c in CASES])
def test_suite_kills_fault(
    outcomes: dict[str | None, Outcome], fault: str, keyword: str, requirement: str
) -> None:
    exit_code, results = outcomes[fault]
    assert exit_code == 1
    assert results["verdict"] == "non-conformant"
    assert requirement in results["broken_requirements"]
    assert requirement in FAULTS[fault].catches


def test_suite_passes_clean_server(outcomes: dict[str | None, Outcome]) -> None:
    exit_code, results = outcomes[None]
    assert exit_code == 0
    assert results["verdict"] == "conformant"
    assert results["failures"] == []
    assert results["totals"]["passed"] > 0


def test_selftest_command_reports_kill(tmp_path: Path) -> None:
    output = tmp_path / "selftest.json"
    command = [sys.executable, "-m", "conformance", "selftest", "--no-progress"]
    command += ["--faults", "schema-wrong-type", "--seeds", "1", "--examples", str(EXAMPLES)]
    command += ["-k", "getAddress_1 and positive", "--output", str(output)]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=RUN_TIMEOUT_SECONDS * 2,
        check=False,
    )
    report = json.loads(output.read_text(encoding="utf-8"))
    variant = report["variants"][0]
    assert completed.returncode == 0, completed.stdout
    assert report["summary"]["mutation_score"] == 1.0
    assert report["summary"]["false_positives"] == 0
    assert variant["status"] == "killed"
    assert variant["expected_found"] == ["GENERAL-RESPONSE-SCHEMA"]
    assert variant["first_failure_seconds"] is not None


def test_cases_cover_required_categories() -> None:
    covered = {FAULTS[fault].category for fault, _, _ in CASES}
    requirements = {requirement for _, _, requirement in CASES}
    assert {"schema", "status", "headers", "media-type", "validation"} <= covered
    assert {"ERROR-KEY-PRESENT", "AUTH-TOKEN-HEADER", "GENERAL-CONTENT-TYPE"} <= requirements
