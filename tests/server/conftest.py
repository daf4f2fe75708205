"""Fixtures for the reference server tests: running servers, an HTTP session, demo logins."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from conformance.server import DEMO_PASSWORD, ReferenceServer

DEMO_USERS = {
    "patricia": "patricia@test.intershop.de",
    "cross": "cross@test.intershop.de",
    "jlink": "jlink@test.intershop.de",
    "bboldner": "bboldner@test.intershop.de",
    "pmerkel": "pmerkel@test.intershop.de",
}


@pytest.fixture(scope="session")
def reference_server() -> Iterator[ReferenceServer]:
    """Provide one reference server for the whole session; tests must not change its data."""
    with ReferenceServer() as server:
        yield server


@pytest.fixture
def start_server() -> Iterator[Callable[..., ReferenceServer]]:
    """Provide a factory for fresh, started servers (own data) that stop after the test."""
    started: list[ReferenceServer] = []

    def start(**options: object) -> ReferenceServer:
        server = ReferenceServer(**options)  # type: ignore[arg-type]
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def fresh_server(start_server: Callable[..., ReferenceServer]) -> ReferenceServer:
    """Provide a fresh server with default options, for tests that change data."""
    return start_server()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """Provide an HTTP session that ignores proxy settings, so traffic stays on loopback."""
    session = requests.Session()
    session.trust_env = False
    yield session
    session.close()


@pytest.fixture
def demo_auth() -> dict[str, tuple[str, str]]:
    """Provide Basic credentials of the demo users by short name (patricia, jlink, ...)."""
    return {name: (login, DEMO_PASSWORD) for name, login in DEMO_USERS.items()}
