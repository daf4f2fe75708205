"""Start ``icm-conformance serve`` as a subprocess on a free loopback port, for the benchmarks.

The server runs in its own process so that a benchmark client does not share the GIL with it.
With ``count_requests`` the server logs every request at DEBUG level to a file, and
``requests_served`` counts those lines.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
B2C_SITE = "inSPIRED-inTRONICS-Site"
READY_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
# The server logs one DEBUG line per request from this logger (see conformance.server.runner).
REQUEST_LOGGER = 'conformance.server.runner: "'
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """Return a TCP port on the loopback interface that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class ServedServer:
    """A reference server in a child process: ``with ServedServer(fault) as server: ...``."""

    def __init__(
        self, fault: str | None = None, log_path: Path | None = None, count_requests: bool = False
    ) -> None:
        self.fault = fault
        self.port = free_port()
        self.log_path = log_path
        self.count_requests = count_requests
        self._process: subprocess.Popen[bytes] | None = None
        self._log: BinaryIO | None = None

    @property
    def root_url(self) -> str:
        return f"http://{HOST}:{self.port}/INTERSHOP/rest/WFS/"

    def base_url(self, site: str = B2C_SITE) -> str:
        """Return the base URL of a site's default application."""
        return f"{self.root_url}{site}/-"

    def start(self) -> ServedServer:
        """Start the child process and wait until it serves HTTP."""
        command = [sys.executable, "-m", "conformance"]
        if self.count_requests:
            command += ["--log-level", "DEBUG"]
        command += ["serve", "--host", HOST, "--port", str(self.port)]
        if self.fault:
            command += ["--fault", self.fault]
        self._log = self.log_path.open("wb") if self.log_path else None
        output = self._log if self._log is not None else subprocess.DEVNULL
        self._process = subprocess.Popen(command, stdout=output, stderr=output)
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(
                    f"icm-conformance serve --port {self.port} exited with "
                    f"{self._process.returncode}; see {self.log_path}"
                )
            try:
                with _DIRECT.open(self.root_url, timeout=1.0):
                    return
            except urllib.error.HTTPError:
                return  # Any HTTP status proves the server is serving.
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"icm-conformance serve on port {self.port} did not start in time")

    def requests_served(self) -> int:
        """Return how many requests the server logged (needs ``count_requests``)."""
        if not self.count_requests or self.log_path is None or not self.log_path.exists():
            return 0
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return sum(1 for line in text.splitlines() if REQUEST_LOGGER in line)

    def stop(self) -> None:
        """Stop the child process (its own PID only) and close the log."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                logger.warning("Server process %s did not stop; killing it", process.pid)
                process.kill()
                process.wait(STOP_TIMEOUT_SECONDS)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> ServedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
