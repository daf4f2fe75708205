"""The ledger: creates recorded before sending, and cleanup in the run, later and on command."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
from suite_runs import CLI, run_suite, suite_environment, target_arguments

from conformance.config import B2B_SITE, DEMO_ACCOUNTS, embedded_accounts, resolve
from conformance.ledger import (
    CREATED,
    DELETED,
    LEDGER_NAME,
    NOT_CREATED,
    UNDELETABLE,
    UNKNOWN,
    CreationTracker,
    Ledger,
    creation_kind,
)
from conformance.server import DEMO_PASSWORD, ReferenceServer
from conformance.session import cleanup_lines
from conformance.target import Target

ADDRESS = {
    "firstName": "Ledger",
    "lastName": "Test",
    "addressLine1": "Intershop Tower",
    "postalCode": "07743",
    "city": "Jena",
    "countryCode": "DE",
}
PATRICIA = (DEMO_ACCOUNTS["private"], DEMO_PASSWORD)


def _tracked_target(server: ReferenceServer, ledger: Ledger) -> Target:
    settings = resolve({})
    settings.accounts = embedded_accounts(server.base_url(), server.base_url(site=B2B_SITE))
    target = Target(settings, server.base_url(), server.base_url(site=B2B_SITE))
    target.tracker = CreationTracker(ledger, "test", target.root_url)
    return target


def _address_ids(server: ReferenceServer) -> list[str]:
    url = f"{server.base_url()}/privatecustomers/-/addresses"
    body = requests.get(url, auth=PATRICIA, timeout=5).json()
    return [element["itemId"] for element in body["elements"]]


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", "/privatecustomers/-/addresses", "address"),
        ("POST", "/customers/-;loc=en_US/payments", "payment"),
        ("POST", "/customers/-/users", "user"),
        ("POST", "/privatecustomers", "customer"),
        ("POST", "/privatecustomers/simple", "customer"),
        ("POST", "/token", None),
        ("PUT", "/privatecustomers/-/addresses/x", None),
        ("GET", "/customers", None),
    ],
)
def test_creation_kind(method: str, path: str, kind: str | None) -> None:
    assert creation_kind(method, f"http://h/INTERSHOP/rest/WFS/s/-{path}") == kind


@pytest.mark.parametrize("accept", ["application/json", "text/xml"])
def test_tracker_records_create_and_delete(
    server: ReferenceServer, tmp_path: Path, accept: str
) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    target = _tracked_target(server, ledger)
    url = f"{server.base_url()}/privatecustomers/-/addresses"
    headers = {"Accept": accept, **target.auth_headers(target.accounts["private"])}

    created = target.request("POST", url, json=ADDRESS, headers=headers)
    duplicate = target.request("POST", url, json=ADDRESS, headers=headers)
    [first, second] = ledger.entries()

    assert created.status_code == 201
    assert duplicate.status_code == 200
    assert first.state == CREATED
    assert first.role == "private"
    assert first.owner == DEMO_ACCOUNTS["private"]
    assert first.url is not None and first.url.endswith(_address_ids(server)[-1])
    assert second.state == NOT_CREATED

    target.request("DELETE", first.url, headers=headers)
    assert ledger.entries()[0].state == DELETED


def test_tracker_writes_entry_before_sending(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    # Nothing listens on port 9 of loopback, so the request fails after the entry is written.
    base = "http://127.0.0.1:9/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-"
    settings = resolve({"base-url": base, "retries": 0})
    target = Target(settings, base, base)
    target.tracker = CreationTracker(ledger, "test", target.root_url)

    with pytest.raises(requests.ConnectionError):
        target.request("POST", f"{base}/privatecustomers/-/addresses", json=ADDRESS)

    [entry] = ledger.entries()
    assert entry.state == UNKNOWN
    assert entry.kind == "address"


def test_tracker_records_each_user_of_a_partial_batch(
    server: ReferenceServer, tmp_path: Path
) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    target = _tracked_target(server, ledger)
    url = f"{target.business_base_url}/customers/-/users"
    headers = target.auth_headers(target.accounts["admin"])
    users = [
        {"login": f"icmc-ledger-{n}@example.invalid", "firstName": "A", "lastName": "B"}
        for n in (1, 2)
    ]
    existing = {"login": DEMO_ACCOUNTS["buyer"], "firstName": "A", "lastName": "B"}

    response = target.request("POST", url, json={"elements": [*users, existing]}, headers=headers)

    assert response.status_code == 207
    entries = ledger.entries()
    assert [entry.state for entry in entries] == [CREATED, CREATED]
    assert sorted(entry.url.rsplit("/", 1)[-1] for entry in entries if entry.url) == sorted(
        user["login"] for user in users
    )


@pytest.mark.slow
def test_run_removes_what_it_created(server: ReferenceServer, tmp_path: Path) -> None:
    before = _address_ids(server)
    run = run_suite(
        tmp_path,
        *target_arguments(server),
        "-k",
        "createAddress or addUsersToCustomer or address-lifecycle",
        "--examples",
        "2",
        passwords=True,
    )

    assert run.exit_code == 0, run.output
    assert _address_ids(server) == before
    entries = Ledger(run.report_dir / LEDGER_NAME).entries()
    generated = [entry for entry in entries if entry.kind == "user" and entry.role == "admin"]
    assert generated, "the generated addUsersToCustomer cases were not recorded"
    assert {entry.state for entry in entries} <= {DELETED, NOT_CREATED, UNDELETABLE}
    assert run.results["run"]["remaining_entities"] == []
    assert run.results["run"]["cleanup"]["deleted"] > 0


def _leftover(server: ReferenceServer, report_root: Path) -> tuple[str, Ledger]:
    """Create an address as Patricia and record it in an older run's ledger as still open."""
    collection = f"{server.base_url()}/privatecustomers/-/addresses"
    created = requests.post(collection, json=ADDRESS, auth=PATRICIA, timeout=5)
    url = f"{collection}/{created.json()['itemId']}"
    ledger = Ledger(report_root / "20260101T000000Z" / LEDGER_NAME)
    ledger.record(
        "address",
        "private",
        collection,
        "older",
        owner=DEMO_ACCOUNTS["private"],
        state=CREATED,
        url=url,
    )
    return url, ledger


def test_cleanup_command_deletes_open_entries(server: ReferenceServer, tmp_path: Path) -> None:
    url, ledger = _leftover(server, tmp_path)

    completed = subprocess.run(
        [str(CLI), "cleanup", "--report-dir", str(tmp_path), *target_arguments(server)],
        capture_output=True,
        text=True,
        env=suite_environment(passwords=True),
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "deleted 1" in completed.stdout
    assert requests.get(url, auth=PATRICIA, timeout=5).status_code == 404
    assert [entry.state for entry in ledger.entries()] == [DELETED]


def test_cleanup_command_needs_a_target(tmp_path: Path) -> None:
    completed = subprocess.run(
        [str(CLI), "cleanup", "--report-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=suite_environment(),
        timeout=120,
        check=False,
    )

    assert completed.returncode == 2
    assert "--base-url" in completed.stderr


@pytest.mark.slow
def test_next_run_removes_earlier_leftovers(server: ReferenceServer, tmp_path: Path) -> None:
    url, ledger = _leftover(server, tmp_path)

    run = run_suite(tmp_path, *target_arguments(server), "-k", "giftcards", passwords=True)

    assert run.exit_code == 0, run.output
    assert requests.get(url, auth=PATRICIA, timeout=5).status_code == 404
    assert [entry.state for entry in ledger.entries()] == [DELETED]
    assert run.results["run"]["cleanup"]["previous_runs"]["deleted"] == 1


def test_cleanup_lines_name_undeletable_customers() -> None:
    run: dict[str, Any] = {
        "undeletable_entities": [{"kind": "customer", "url": "u"}],
        "remaining_entities": ["v"],
        "profiles_restored": [],
    }

    lines = cleanup_lines(run)

    assert "cannot delete customers" in lines[0]
    assert "--icm-reuse-customers" in lines[0]
    assert "icm-conformance cleanup" in lines[1]
