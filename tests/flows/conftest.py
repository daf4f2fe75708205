"""Fixtures of the flow and safety tests: reference servers, one of them counting methods."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from suite_runs import MethodRecorder

from conformance.server import ReferenceServer


@pytest.fixture
def recorded_server() -> Iterator[tuple[ReferenceServer, MethodRecorder]]:
    """Provide a started reference server whose requests are counted by method."""
    server = ReferenceServer()
    recorder = MethodRecorder(server.app)
    server.app = recorder  # type: ignore[assignment]
    server.start()
    # The start-up readiness probe is not the suite's traffic.
    recorder.methods.clear()
    yield server, recorder
    server.stop()


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    """Provide a fresh started reference server with its own demo data."""
    with ReferenceServer() as started:
        yield started
