"""End-to-end tests of ``icm-conformance run``: exit codes and messages on bad input."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from conformance.server import ReferenceServer, make_app

B2C_PATH = "/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-"


def run_cli(*args: str, tmp_path: Path, env: dict[str, str] | None = None, timeout: int = 300):
    """Run ``python -m conformance run`` with its reports under ``tmp_path``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ICM_")}
    environment.update(env or {})
    command = [
        sys.executable,
        "-m",
        "conformance",
        "run",
        "--no-progress",
        "--report-dir",
        str(tmp_path / "reports"),
        *args,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, env=environment, timeout=timeout, check=False
    )


def latest_results(tmp_path: Path) -> dict:
    runs = sorted((tmp_path / "reports").glob("*/results.json"))
    assert runs, f"no results.json under {tmp_path / 'reports'}"
    return json.loads(runs[-1].read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_target_exits_3_with_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}{B2C_PATH}"
    result = run_cli("--base-url", url, tmp_path=tmp_path)
    assert result.returncode == 3
    assert "cannot connect to" in result.stdout + result.stderr
    assert url in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_tls_failure_suggests_insecure(tmp_path):
    with ReferenceServer() as server:
        url = f"https://127.0.0.1:{server.port}{B2C_PATH}"
        result = run_cli("--base-url", url, tmp_path=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 3
    assert "TLS handshake" in output
    assert "--insecure" in output
    assert "Traceback" not in output


def test_rejected_login_exits_2_naming_user(tmp_path):
    with ReferenceServer() as server:
        env = {"ICM_USER": "patricia@test.intershop.de", "ICM_PASSWORD": "wrong-password"}
        result = run_cli("--base-url", server.base_url(), tmp_path=tmp_path, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert "patricia@test.intershop.de" in output
    assert "rejected the login" in output
    assert "wrong-password" not in output


def test_missing_spec_exits_2_naming_file(tmp_path):
    missing = tmp_path / "customer.yaml"
    result = run_cli("--spec", str(missing), tmp_path=tmp_path)
    assert result.returncode == 2
    assert f"{missing}: spec file not found" in result.stdout + result.stderr


def test_unparseable_spec_exits_2_with_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.1\npaths:\n  /a: [unclosed\n", encoding="utf-8")
    result = run_cli("--spec", str(broken), tmp_path=tmp_path)
    assert result.returncode == 2
    assert f"{broken}:4:1: invalid YAML" in result.stdout + result.stderr


def test_invalid_option_value_exits_2(tmp_path):
    result = run_cli("--auth", "digest", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "--icm-auth 'digest' is invalid" in result.stdout + result.stderr


class SlowPayments:
    """WSGI middleware that delays every payments request past the suite's timeout."""

    def __init__(self, app, delay: float) -> None:
        self.app = app
        self.delay = delay

    def __call__(self, environ, start_response):
        if "/payments" in environ.get("PATH_INFO", ""):
            time.sleep(self.delay)
        return self.app(environ, start_response)


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, SlowPayments(make_app(), delay=3.0), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{B2C_PATH}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_slow_operation_becomes_an_error_not_a_hang(tmp_path, slow_server):
    env = {"ICM_USER": "patricia@test.intershop.de", "ICM_PASSWORD": "!InterShop00!"}
    started = time.monotonic()
    result = run_cli(
        "--base-url",
        slow_server,
        "--timeout",
        "0.5",
        "--examples",
        "1",
        "-k",
        "getPayments_1 and positive",
        tmp_path=tmp_path,
        env=env,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 3, result.stdout + result.stderr
    data = latest_results(tmp_path)
    statuses = {test["id"]: test["status"] for test in data["tests"]}
    assert statuses["customer-1.2.1::Payment::getPayments_1::positive"] == "error"
    errors = [e for test in data["tests"] for e in test["errors"]]
    assert any("timed out after 0.5 s" in error for error in errors)
    assert elapsed < 120


def test_conformant_run_writes_reports_and_exits_0(tmp_path):
    result = run_cli("--examples", "2", "-k", "Address", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    data = latest_results(tmp_path)
    assert data["verdict"] == "conformant"
    assert data["totals"]["failed"] == 0
    run_dir = sorted((tmp_path / "reports").iterdir())[-1]
    for name in ("junit.xml", "results.json", "summary.md", "report.html", "certification.json"):
        assert (run_dir / name).is_file(), name
    assert "CONFORMANT" in result.stdout
    assert "createAddress" in result.stdout


def test_selection_matching_nothing_exits_2(tmp_path):
    result = run_cli("-k", "doesnotexist", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "no test matched" in result.stdout + result.stderr


def test_unknown_site_exits_2(tmp_path):
    with ReferenceServer() as server:
        url = f"http://127.0.0.1:{server.port}/INTERSHOP/rest/WFS/MyShop-Site/-"
        result = run_cli("--base-url", url, tmp_path=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert "returned 404" in output
    assert "Traceback" not in output
