"""The ``icm-conformance serve`` command."""

from __future__ import annotations

import signal
import subprocess
import sys

import requests
from click.testing import CliRunner

from conformance.cli import main
from conformance.server import FAULTS

SERVE = [sys.executable, "-c", "from conformance.cli import main; main()", "serve"]


def test_list_faults_prints_catalogue() -> None:
    result = CliRunner().invoke(main, ["serve", "--list-faults"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == list(FAULTS)


def test_unknown_fault_exit_2() -> None:
    result = CliRunner().invoke(main, ["serve", "--fault", "no-such-fault"])
    assert result.exit_code == 2
    assert "address-not-stored" in result.output


def test_serve_until_interrupt() -> None:
    process = subprocess.Popen(
        [*SERVE, "--port", "0", "--fault", "auth-token-missing"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = []
        for line in process.stdout:
            banner.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        base = banner[0].split(": ", 1)[1].strip()
        session = requests.Session()
        session.trust_env = False
        response = session.get(
            f"{base}/privatecustomers/-", auth=("patricia@test.intershop.de", "!InterShop00!")
        )
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=10)
    text = "".join(banner)

    assert banner[0].startswith("B2C base URL: http://127.0.0.1:")
    assert banner[1].startswith("B2B base URL: http://127.0.0.1:")
    assert "inSPIRED-inTRONICS_Business-Site" in banner[1]
    assert response.status_code == 200
    assert "authentication-token" not in response.headers
    assert "Seeded fault: auth-token-missing" in text
    assert "jlink@test.intershop.de" in text
    assert "!InterShop00!" not in text
    assert "Stopping." in output
    assert process.returncode == 0
