"""With --icm-reuse-customers nothing is registered: registration flows and operations skip."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_runs import run_suite

from conformance.ledger import LEDGER_NAME, NOT_CREATED, Ledger

pytestmark = pytest.mark.slow

REGISTERING_FLOWS = ("private-register-address", "business-register-users", "secrets-not-returned")
REGISTRATION_TESTS = ("createCustomer::positive", "createCustomer_1::positive", "createAccount")


def test_reuse_customers_registers_nothing(tmp_path: Path) -> None:
    run = run_suite(tmp_path, "--reuse-customers", "-k", "Flows or General", "--examples", "1")

    assert run.exit_code == 0, run.output
    for flow in REGISTERING_FLOWS:
        test = run.test(f"::Flows::{flow}::flow")
        assert test["status"] == "skipped"
        assert "--icm-reuse-customers" in test["reason"]
    for part in REGISTRATION_TESTS:
        tests = [test for test in run.results["tests"] if part in test["id"]]
        assert tests
        assert all(test["status"] == "skipped" for test in tests)
    assert run.test("::Flows::address-lifecycle::flow")["status"] == "passed"
    assert run.test("::Flows::cross-customer::flow")["status"] == "passed"
    # Registration requests that must fail (an existing login, say) may still be sent.
    entries = Ledger(run.report_dir / LEDGER_NAME).entries()
    registered = [e for e in entries if e.kind == "customer" and e.state != NOT_CREATED]
    assert registered == []
    assert run.results["run"]["undeletable_entities"] == []
