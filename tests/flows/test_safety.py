"""Retries of 429 and 503, the concurrency cap, and the restore of the accounts' profiles."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from conformance.config import B2B_SITE, Settings, embedded_accounts, resolve
from conformance.safety import (
    MAX_RETRY_WAIT_SECONDS,
    ProfileSnapshots,
    RetryPolicy,
    retry_after_seconds,
)
from conformance.server import ReferenceServer
from conformance.target import Target, basic_authorization

NOW = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)


def test_retry_after_seconds_reads_delta() -> None:
    assert retry_after_seconds("3") == 3.0


def test_retry_after_seconds_reads_http_date() -> None:
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:10 GMT", now=NOW) == 10.0


def test_retry_after_seconds_past_date_is_zero() -> None:
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now=NOW) == 0.0


def test_retry_after_seconds_ignores_garbage() -> None:
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_retry_wait_is_bounded() -> None:
    response = requests.Response()
    response.status_code = 503
    response.headers["Retry-After"] = "3600"
    assert RetryPolicy(retries=2).wait_seconds(response, 0) == MAX_RETRY_WAIT_SECONDS


def test_retry_wait_backs_off_without_header() -> None:
    response = requests.Response()
    response.status_code = 429
    policy = RetryPolicy(retries=3)
    assert policy.wait_seconds(response, 0) < policy.wait_seconds(response, 1)


class _BusyApp:
    """A WSGI app that responds ``busy`` times with ``status`` and Retry-After: 0, then 200."""

    def __init__(self, status: int, busy: int, delay: float = 0.0) -> None:
        self.status = status
        self.busy = busy
        self.delay = delay
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._lock:
            self.requests += 1
            number = self.requests
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        time.sleep(self.delay)
        with self._lock:
            self.in_flight -= 1
        Request(environ)
        if number <= self.busy:
            response = Response("busy", status=self.status, headers={"Retry-After": "0"})
        else:
            response = Response("ok", status=200)
        return response(environ, start_response)


@pytest.fixture
def serve() -> Iterator[Callable[[Any], str]]:
    servers = []

    def start(app: Any) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/INTERSHOP/rest/WFS/site/-"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _target(url: str, **values: Any) -> Target:
    settings: Settings = resolve({"base-url": url, **values})
    target = Target(settings, url, url)
    target.session.trust_env = False
    return target


@pytest.mark.parametrize("status", [429, 503])
def test_target_retries_until_success(serve: Callable[[Any], str], status: int) -> None:
    app = _BusyApp(status, busy=2)
    target = _target(serve(app), retries=3)

    response = target.request("GET", target.base_url + "/customers/-")

    assert response.status_code == 200
    assert target.retries.sent == 2
    assert app.requests == 3


def test_target_gives_up_after_retries(serve: Callable[[Any], str]) -> None:
    app = _BusyApp(503, busy=5)
    target = _target(serve(app), retries=1)

    response = target.request("GET", target.base_url + "/customers/-")

    assert response.status_code == 503
    assert target.retries.sent == 1
    assert app.requests == 2


def test_target_caps_requests_in_flight(serve: Callable[[Any], str]) -> None:
    app = _BusyApp(200, busy=0, delay=0.05)
    target = _target(serve(app), **{"max-concurrency": 1})
    threads = [
        threading.Thread(target=target.request, args=("GET", target.base_url + "/customers/-"))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert app.requests == 4
    assert app.max_in_flight == 1


def test_profile_snapshot_is_restored(tmp_path: Any) -> None:
    with ReferenceServer() as server:
        settings = resolve({})
        settings.accounts = embedded_accounts(server.base_url(), server.base_url(site=B2B_SITE))
        target = Target(settings, server.base_url(), server.base_url(site=B2B_SITE))
        private = settings.accounts["private"]
        url = f"{private.base_url}/privatecustomers/-"
        auth = {"Authorization": basic_authorization(private.login, private.password)}
        snapshots = ProfileSnapshots(target)
        snapshots.take()
        original = requests.get(url, headers=auth, timeout=5).json()

        changed = requests.put(url, json={**original, "phoneBusiness": "+4912345"}, headers=auth)
        assert changed.status_code == 200
        outcomes = snapshots.restore()
        private_outcome = next(outcome for outcome in outcomes if outcome.role == "private")

        assert private_outcome.restored
        assert private_outcome.note == "written back"
        restored = requests.get(url, headers=auth, timeout=5).json()
        assert restored.get("phoneBusiness") in (None, "")
        assert {k: v for k, v in restored.items() if k != "phoneBusiness"} == original
        assert len(outcomes) == 4
        assert all(outcome.note == "unchanged" for outcome in outcomes if outcome.role != "private")
