"""Run the suite as a subprocess against the reference server, and count server methods."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.config import B2B_SITE, DEMO_ACCOUNTS
from conformance.server import DEMO_PASSWORD, ReferenceServer

CLI = Path(sys.executable).parent / "icm-conformance"
RUN_TIMEOUT_SECONDS = 300


@dataclass
class SuiteRun:
    """The outcome of one ``icm-conformance run``: exit code, results.json and output."""

    exit_code: int
    results: dict[str, Any]
    report_dir: Path
    output: str

    def test(self, test_id_part: str) -> dict[str, Any]:
        """Return the one test whose id contains ``test_id_part``."""
        matches = [test for test in self.results["tests"] if test_id_part in test["id"]]
        assert len(matches) == 1, [test["id"] for test in matches]
        return matches[0]


def suite_environment(passwords: bool = False) -> dict[str, str]:
    """Return the environment for a suite subprocess: no ICM_* settings of the caller."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ICM_")}
    # Requests to the servers on loopback must never take a proxy from the environment.
    environment["NO_PROXY"] = environment["no_proxy"] = "127.0.0.1,localhost"
    if passwords:
        for variable in ("ICM_PASSWORD", "ICM_ADMIN_PASSWORD", "ICM_BUYER_PASSWORD"):
            environment[variable] = DEMO_PASSWORD
    return environment


def run_suite(report_root: Path, *args: str, passwords: bool = False) -> SuiteRun:
    """Run ``icm-conformance run`` with ``args`` and read the results it wrote."""
    command = [
        str(CLI),
        "run",
        "--no-progress",
        "--seed",
        "1",
        "--report-dir",
        str(report_root),
        *args,
    ]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        env=suite_environment(passwords),
        check=False,
    )
    output = completed.stdout + completed.stderr
    folders = sorted(path for path in report_root.iterdir() if (path / "results.json").is_file())
    assert folders, f"no results.json under {report_root}:\n{output}"
    results = json.loads((folders[-1] / "results.json").read_text(encoding="utf-8"))
    return SuiteRun(completed.returncode, results, folders[-1], output)


def target_arguments(server: ReferenceServer) -> list[str]:
    """Return the options that point the suite at ``server`` as if it were a real target."""
    return [
        "--base-url",
        server.base_url(),
        "--business-base-url",
        server.base_url(site=B2B_SITE),
        "--user",
        DEMO_ACCOUNTS["private"],
        "--admin-user",
        DEMO_ACCOUNTS["admin"],
        "--buyer-user",
        DEMO_ACCOUNTS["buyer"],
    ]


class MethodRecorder:
    """A WSGI middleware that counts the HTTP methods reaching the wrapped app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.methods: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._lock:
            self.methods[environ["REQUEST_METHOD"]] += 1
        return self.app(environ, start_response)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)
