"""Every flow passes against the reference server and exercises the requirements it names."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_runs import SuiteRun, run_suite

from conformance.ledger import LEDGER_NAME, Ledger

pytestmark = pytest.mark.slow

# The behavioural requirements each flow judges; a flow that stops early misses some.
FLOW_REQUIREMENTS = {
    "private-register-address": {
        "PRIVATE-CUSTOMER-CREATE-201",
        "REGISTRATION-ANONYMOUS",
        "REGISTRATION-CREDENTIALS-WORK",
        "AUTH-BASIC",
        "AUTH-TOKEN-REUSE",
        "AUTH-BEARER",
        "ADDRESS-CREATE-201",
        "ADDRESS-CREATE-LINK",
        "ADDRESS-CREATE-DUPLICATE-200",
        "ADDRESS-UPDATE-200",
        "ADDRESS-UPDATE-BODY",
        "ADDRESS-DELETE-204",
        "ADDRESS-DELETE-LAST-409",
    },
    "address-lifecycle": {
        "ADDRESS-CREATE-201",
        "ADDRESS-CREATE-DUPLICATE-200",
        "ADDRESS-UPDATE-200",
        "ADDRESS-DELETE-204",
    },
    "business-register-users": {
        "CUSTOMER-CREATE-201",
        "REGISTRATION-CREDENTIALS-WORK",
        "USER-CREATE-201",
        "USER-CREATE-207",
        "USER-CREATE-409",
        "USER-LIST-PAGING",
        "USER-LIST-SORT",
        "USER-LIST-FILTER",
        "USER-GET-200",
        "USER-UPDATE-200",
        "USER-DELETE-204",
    },
    "business-users": {"USER-CREATE-201", "USER-LIST-PAGING", "USER-DELETE-PERMISSION-403"},
    "payments": {
        "PAYMENT-OPTIONS-200",
        "PAYMENT-CREATE-201",
        "PAYMENT-GET-200",
        "PAYMENT-UPDATE-200",
        "PAYMENT-UPDATE-ALL-ATTRIBUTES",
        "PAYMENT-DELETE-200",
    },
    "giftcards": {"GIFTCARD-LIST-200", "GIFTCARD-GET-200", "GIFTCARD-AMOUNT-REMAINING"},
    "profile-read-only-fields": {"CUSTOMER-UPDATE-200", "CUSTOMER-UPDATE-READ-ONLY"},
    "authentication": {"AUTH-REQUIRED-401", "AUTH-TOKEN-INVALID-400"},
    "expired-token": {"AUTH-TOKEN-EXPIRED"},
    "cross-customer": {"AUTHZ-CROSS-CUSTOMER"},
    "secrets-not-returned": {"SECRETS-NOT-RETURNED"},
    "schemathesis-stateful": {"GENERAL-RESPONSE-SCHEMA"},
}


@pytest.fixture(scope="module")
def flows_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    return run_suite(tmp_path_factory.mktemp("reports"), "-k", "Flows", "--examples", "2")


def test_flows_run_is_conformant(flows_run: SuiteRun) -> None:
    assert flows_run.exit_code == 0, flows_run.output
    assert flows_run.results["verdict"] == "conformant"
    assert flows_run.results["broken_requirements"] == []


@pytest.mark.parametrize("flow", sorted(FLOW_REQUIREMENTS))
def test_flow_exercises_requirements(flows_run: SuiteRun, flow: str) -> None:
    test = flows_run.test(f"::Flows::{flow}::flow")
    assert test["status"] == "passed", test
    assert test["cases"] > 0
    missing = FLOW_REQUIREMENTS[flow] - set(test["requirements"])
    assert not missing, f"{flow} did not exercise {sorted(missing)}"


def test_flows_leave_only_customers(flows_run: SuiteRun) -> None:
    run = flows_run.results["run"]
    assert run["remaining_entities"] == []
    kinds = {entity["kind"] for entity in run["undeletable_entities"]}
    assert kinds == {"customer"}
    ledger = Ledger(Path(flows_run.report_dir) / LEDGER_NAME)
    assert ledger.open_entries() == []
    assert any(entry.state == "deleted" for entry in ledger.entries())
