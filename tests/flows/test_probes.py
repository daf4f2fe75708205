"""The probe flows pass against the reference server and notice the deviations they target.

Each test runs ``python -m conformance run`` in a subprocess. Deviations come
from the server's seeded faults, or, where no fault exists, from a WSGI
middleware in front of a reference app that the suite then tests as a real target.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from conformance.config import B2B_SITE, B2C_SITE, DEMO_ACCOUNTS, DEMO_PASSWORD
from conformance.flows.probes import PROBE_FLOWS
from conformance.server import make_app

pytestmark = pytest.mark.slow

RUN_TIMEOUT_SECONDS = 300
PROBE_REQUIREMENTS = (
    "GENERAL-METHOD-NOT-ALLOWED",
    "MATRIX-PARAMETERS",
    "CURRENT-ALIAS",
    "XML-REQUEST-ACCEPTED",
    "CUSTOMER-GET-404",
    "ADDRESS-UPDATE-403",
    "USER-CREATE-400",
    "USER-UPDATE-409",
    "GIFTCARD-LIST-403",
    "GIFTCARD-LIST-404",
    "GIFTCARD-GET-403",
    "GIFTCARD-GET-404",
    "PRIVATE-CUSTOMER-SIMPLE-501",
    "PRIVATE-CUSTOMER-SIMPLE-409",
    "CUSTOMER-CREATE-401",
    "CUSTOMER-CREATE-403",
)
# Probes that need demo data or server options of the embedded server.
EMBEDDED_ONLY = ("probe-address-not-updatable", "probe-simple-accounts-off")
ProbeRun = dict[str, Any]
Environ = dict[str, Any]


def run_probes(report_root: Path, *args: str, keyword: str = "Flows and probe") -> ProbeRun:
    """Run the suite with ``args`` on the flows ``keyword`` selects; return results.json.

    With ``--base-url`` in ``args``, the demo accounts' passwords go into the environment.
    """
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ICM_")}
    environment["NO_PROXY"] = environment["no_proxy"] = "127.0.0.1,localhost"
    if "--base-url" in args:
        for variable in ("ICM_PASSWORD", "ICM_ADMIN_PASSWORD", "ICM_BUYER_PASSWORD"):
            environment[variable] = DEMO_PASSWORD
    command = [
        sys.executable,
        "-m",
        "conformance",
        "run",
        "--no-progress",
        "--seed",
        "1",
        "--examples",
        "2",
        "--report-dir",
        str(report_root),
        "-k",
        keyword,
        *args,
    ]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=environment,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    reports = sorted(report_root.glob("*/results.json"))
    assert reports, f"no results.json under {report_root}:\n{completed.stdout}{completed.stderr}"
    return json.loads(reports[-1].read_text(encoding="utf-8"))


def requirement_status(results: ProbeRun, requirement: str) -> str:
    rows = [row for row in results["requirements"] if row["id"] == requirement]
    assert len(rows) == 1, f"{requirement} is not in the catalogue"
    return str(rows[0]["status"])


def flow_result(results: ProbeRun, flow_name: str) -> dict[str, Any]:
    """Return the result of the one test that ran flow ``flow_name``."""
    tests = [test for test in results["tests"] if f"::Flows::{flow_name}::" in test["id"]]
    assert len(tests) == 1, [test["id"] for test in results["tests"]]
    return tests[0]


# Deviations of a target, applied by a middleware in front of the reference app -------------


def current_user_is_the_buyer(environ: Environ) -> None:
    """Rewrite ``users/-`` to the demo buyer, like a target that resolves "-" wrongly."""
    buyer = DEMO_ACCOUNTS["buyer"].replace("@", "%40")
    for name in ("RAW_URI", "REQUEST_URI", "PATH_INFO"):
        if name in environ and environ[name].endswith("/users/-"):
            environ[name] = environ[name][: -len("-")] + buyer


class Deviating:
    """A WSGI middleware that changes each request with ``deviate`` before the app handles it."""

    def __init__(self, app: Any, deviate: Callable[[Environ], None]) -> None:
        self.app = app
        self.deviate = deviate

    def __call__(self, environ: Environ, start_response: Any) -> Any:
        self.deviate(environ)
        return self.app(environ, start_response)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port and yield its root URL up to ``WFS``."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/INTERSHOP/rest/WFS"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def target_arguments(root: str) -> list[str]:
    """Return the options that point the suite at ``root`` as at a real target."""
    return [
        "--base-url",
        f"{root}/{B2C_SITE}/-",
        "--business-base-url",
        f"{root}/{B2B_SITE}/-",
        "--user",
        DEMO_ACCOUNTS["private"],
        "--admin-user",
        DEMO_ACCOUNTS["admin"],
        "--buyer-user",
        DEMO_ACCOUNTS["buyer"],
    ]


# Tests -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded_run(tmp_path_factory: pytest.TempPathFactory) -> ProbeRun:
    return run_probes(tmp_path_factory.mktemp("probes"))


def test_every_probe_passes_on_embedded_server(embedded_run: ProbeRun) -> None:
    for flow in PROBE_FLOWS:
        test = flow_result(embedded_run, flow.name)
        assert test["status"] == "passed", test


@pytest.mark.parametrize("requirement", PROBE_REQUIREMENTS)
def test_probe_requirement_passes(embedded_run: ProbeRun, requirement: str) -> None:
    assert requirement_status(embedded_run, requirement) == "passed"


def test_embedded_only_probes_skip_on_real_target(tmp_path: Path) -> None:
    with serving(make_app()) as root:
        results = run_probes(tmp_path, *target_arguments(root))
    for name in EMBEDDED_ONLY:
        test = flow_result(results, name)
        assert test["status"] == "skipped", test
        assert "embedded reference server" in test["reason"]
    others = [flow.name for flow in PROBE_FLOWS if flow.name not in EMBEDDED_ONLY]
    for name in others:
        assert flow_result(results, name)["status"] == "passed", name


@pytest.mark.parametrize(
    ("fault", "flow_name", "requirement"),
    [
        ("cross-customer-read", "probe-other-user-cards", "GIFTCARD-LIST-403"),
        ("cross-customer-read", "probe-other-user-cards", "GIFTCARD-GET-403"),
        ("address-not-stored", "probe-xml-address", "XML-REQUEST-ACCEPTED"),
        ("xml-request-rejected", "probe-xml-address", "XML-REQUEST-ACCEPTED"),
        ("matrix-breaks-route", "probe-url-conventions", "MATRIX-PARAMETERS"),
        ("method-not-allowed-404", "probe-method-not-allowed", "GENERAL-METHOD-NOT-ALLOWED"),
        (
            "registration-duplicate-login",
            "probe-simple-account-conflict",
            "PRIVATE-CUSTOMER-SIMPLE-409",
        ),
    ],
)
def test_server_fault_fails_requirement(
    tmp_path: Path, fault: str, flow_name: str, requirement: str
) -> None:
    results = run_probes(tmp_path, "--server-fault", fault, keyword=f"Flows and {flow_name}")
    assert flow_result(results, flow_name)["status"] == "failed"
    assert requirement_status(results, requirement) == "failed"


def test_wrong_current_user_fails_alias(tmp_path: Path) -> None:
    # No seeded fault resolves "-" wrongly, so a middleware does.
    with serving(Deviating(make_app(), current_user_is_the_buyer)) as root:
        keyword = "Flows and probe-url-conventions"
        results = run_probes(tmp_path, *target_arguments(root), keyword=keyword)
    assert flow_result(results, "probe-url-conventions")["status"] == "failed"
    assert requirement_status(results, "CURRENT-ALIAS") == "failed"
