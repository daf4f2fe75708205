"""Run the reference app on a real socket in a background thread."""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from conformance.server.app import ReferenceApp
from conformance.server.context import B2C_SITE

logger = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 10.0
# Readiness probes go straight to the socket, never through a proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
STOP_TIMEOUT_SECONDS = 10.0
# How often serve_forever checks for shutdown; stop() waits up to this long.
POLL_INTERVAL_SECONDS = 0.05


class _QuietRequestHandler(WSGIRequestHandler):
    """Log each request at DEBUG level on this module's logger instead of stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logger.debug('"%s" %s %s', self.requestline, code, size)


class ReferenceServer:
    """An in-memory ICM 11 Customer REST API 1.2.1 on ``host:port`` (port 0 picks a free one).

    Use as a context manager, or call ``start()`` and ``stop()``. Every instance has its own
    demo data.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        fault: str | None = None,
        token_lifetime: float = 3600.0,
        simple_registration: bool = True,
    ) -> None:
        self.host = host
        self.app = ReferenceApp(
            fault=fault,
            token_lifetime=token_lifetime,
            simple_registration=simple_registration,
        )
        self._requested_port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def fault(self) -> str | None:
        """Return the seeded fault this server runs with, or None."""
        return self.app.settings.fault

    @property
    def port(self) -> int:
        """Return the bound TCP port; raises RuntimeError before ``start()``."""
        if self._server is None:
            raise RuntimeError("ReferenceServer is not started; call start() first.")
        return int(self._server.server_port)

    @property
    def root_url(self) -> str:
        """Return ``http://host:port/INTERSHOP/rest/WFS/``, the root of relative Link URIs."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/INTERSHOP/rest/WFS/"

    def base_url(self, site: str = B2C_SITE, app: str = "-") -> str:
        """Return the base URL of one site and application, without a trailing slash."""
        return f"{self.root_url}{site}/{app}"

    def start(self) -> ReferenceServer:
        """Bind, serve in a daemon thread and wait until it responds to a real HTTP request."""
        if self._server is not None:
            raise RuntimeError("ReferenceServer is already started.")
        self._server = make_server(
            self.host,
            self._requested_port,
            self.app,
            threaded=True,
            request_handler=_QuietRequestHandler,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL_SECONDS},
            name=f"reference-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._wait_until_ready()
        logger.info("Reference server listening on %s (fault: %s)", self.root_url, self.fault)
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with _DIRECT.open(self.root_url, timeout=1.0):
                    return
            except urllib.error.HTTPError:
                return  # Any HTTP response, a 404 included, proves the server is serving.
            except OSError as error:
                last_error = error
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(
            f"Reference server on {self.host}:{self._requested_port} did not respond within "
            f"{READY_TIMEOUT_SECONDS} s: {last_error}"
        )

    def stop(self) -> None:
        """Shut the server down and join its thread; safe to call twice."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(STOP_TIMEOUT_SECONDS)
            if thread.is_alive():
                logger.warning(
                    "Reference server thread did not stop within %s s", STOP_TIMEOUT_SECONDS
                )
        self._server = None
        self._thread = None
        logger.info("Reference server stopped")

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
