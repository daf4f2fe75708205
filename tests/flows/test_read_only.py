"""A read-only run sends only GET, HEAD and OPTIONS, counted at the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_runs import MethodRecorder, run_suite, target_arguments

from conformance.config import resolve
from conformance.ledger import LEDGER_NAME, Ledger
from conformance.safety import SAFE_METHODS, ReadOnlyViolation
from conformance.server import ReferenceServer
from conformance.target import Target

pytestmark = pytest.mark.slow


def test_read_only_run_sends_only_reads(
    recorded_server: tuple[ReferenceServer, MethodRecorder], tmp_path: Path
) -> None:
    server, recorder = recorded_server
    run = run_suite(
        tmp_path,
        *target_arguments(server),
        "--read-only",
        "--examples",
        "1",
        passwords=True,
    )

    assert run.exit_code == 0, run.output
    assert set(recorder.methods) <= SAFE_METHODS, recorder.methods
    assert recorder.methods["GET"] > 0
    disabled = [test for test in run.results["tests"] if test["status"] == "disabled"]
    assert any("createAddress" in test["id"] for test in disabled)
    assert all("read-only" in test["reason"] for test in disabled)
    assert run.test("::Flows::giftcards::flow")["status"] == "passed"
    assert run.test("::Flows::cross-customer::flow")["status"] == "passed"
    assert run.results["run"]["read_only"] is True
    assert Ledger(run.report_dir / LEDGER_NAME).entries() == []


def test_read_only_guard_raises_before_sending(
    recorded_server: tuple[ReferenceServer, MethodRecorder],
) -> None:
    server, recorder = recorded_server
    settings = resolve({"read-only": True})
    target = Target(settings, server.base_url(), server.base_url())

    with pytest.raises(ReadOnlyViolation, match="--icm-read-only"):
        target.request("DELETE", f"{server.base_url()}/privatecustomers/-/addresses/x")

    assert recorder.methods == {}
    target.request("OPTIONS", f"{server.base_url()}/privatecustomers/-/payments")
    assert recorder.methods == {"OPTIONS": 1}
