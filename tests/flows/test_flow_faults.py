"""Each seeded server fault breaks the requirement whose flow or check should notice it.

The faulty runs share a module fixture that starts them in parallel, each with
its own embedded server and report folder.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from suite_runs import SuiteRun, run_suite

pytestmark = pytest.mark.slow

# fault -> (-k expression selecting the flow that notices it, requirement it breaks)
FAULT_CASES = {
    "address-not-stored": ("private-register-address", "ADDRESS-CREATE-201"),
    "address-update-lost": ("address-lifecycle", "ADDRESS-UPDATE-200"),
    "address-delete-ignored": ("address-lifecycle", "ADDRESS-DELETE-204"),
    "address-duplicate-created": ("address-lifecycle", "ADDRESS-CREATE-DUPLICATE-200"),
    "address-last-deletable": ("private-register-address", "ADDRESS-DELETE-LAST-409"),
    "cross-customer-read": ("cross-customer", "AUTHZ-CROSS-CUSTOMER"),
    "auth-not-required": ("Flows and authentication", "AUTH-REQUIRED-401"),
    "token-invalid-accepted": ("Flows and authentication", "AUTH-TOKEN-INVALID-400"),
    "readonly-field-changes": ("profile-read-only-fields", "CUSTOMER-UPDATE-READ-ONLY"),
    "paging-ignores-limit": ("business-users", "USER-LIST-PAGING"),
    "batch-207-no-header": ("business-users", "USER-CREATE-207"),
}
# An expired token is anonymous, so a server that serves anonymous reads breaks this too.
EXPIRED_CASE = ("auth-not-required", "expired-token", "AUTH-TOKEN-EXPIRED")


def _run(root: Path, fault: str, keyword: str) -> SuiteRun:
    folder = root / f"{fault}-{keyword.replace(' ', '-')}"
    folder.mkdir()
    return run_suite(folder, "--server-fault", fault, "-k", keyword, "--examples", "2")


@pytest.fixture(scope="module")
def faulty_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], SuiteRun]:
    root = tmp_path_factory.mktemp("faults")
    cases = [(fault, keyword) for fault, (keyword, _) in FAULT_CASES.items()]
    cases.append(EXPIRED_CASE[:2])
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = {case: pool.submit(_run, root, *case) for case in cases}
        return {case: future.result() for case, future in futures.items()}


@pytest.mark.parametrize(
    ("fault", "keyword", "requirement"),
    [(fault, keyword, requirement) for fault, (keyword, requirement) in FAULT_CASES.items()]
    + [EXPIRED_CASE],
)
def test_fault_breaks_requirement(
    faulty_runs: dict[tuple[str, str], SuiteRun], fault: str, keyword: str, requirement: str
) -> None:
    run = faulty_runs[(fault, keyword)]
    assert run.exit_code == 1, run.output
    assert requirement in run.results["broken_requirements"]
    failed = [test["id"] for test in run.results["tests"] if test["status"] == "failed"]
    assert any("::Flows::" in test_id for test_id in failed), failed
