"""Parallel requests against one server keep its data consistent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from conformance.server import ReferenceServer

WORKERS = 16


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def test_parallel_address_creation(fresh_server: ReferenceServer, demo_auth: dict) -> None:
    url = f"{fresh_server.base_url()}/privatecustomers/-/addresses"

    def create(index: int) -> requests.Response:
        body = {
            "firstName": "Patricia",
            "lastName": "Miller",
            "addressLine1": f"Parallel Street {index}",
            "city": "Potsdam",
            "countryCode": "DE",
        }
        with _session() as session:
            return session.post(url, json=body, auth=demo_auth["patricia"])

    with ThreadPoolExecutor(WORKERS) as pool:
        responses = list(pool.map(create, range(WORKERS * 2)))

    assert {response.status_code for response in responses} == {201}
    ids = {response.json()["itemId"] for response in responses}
    assert len(ids) == WORKERS * 2
    with _session() as session:
        listing = session.get(url, auth=demo_auth["patricia"]).json()
    assert listing["total"] == WORKERS * 2 + 2


def test_parallel_registration_same_login(fresh_server: ReferenceServer) -> None:
    url = f"{fresh_server.base_url()}/privatecustomers/simple"
    credentials = {"login": "race@test.intershop.de", "password": "Race1234"}

    def register(_: int) -> int:
        with _session() as session:
            return session.post(url, json=credentials).status_code

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(register, range(WORKERS)))

    assert statuses.count(201) == 1
    assert statuses.count(409) == WORKERS - 1
