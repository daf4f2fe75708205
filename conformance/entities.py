"""Entities the positive cases act on: found on the target or created by the suite.

A positive case for ``PUT .../addresses/{CustomerAddressKey}`` must name an
address that exists, or it only ever tests the 404 branch. The suite never
changes data it did not create, so update and delete cases get an entity the
suite created for them, while read cases may use what the target already has
(seeded gift cards, for example). The ledger records every create, because
``Target.request`` hands each POST to the session's ``CreationTracker``.

At the end of a run, ``cleanup_ledger`` deletes what the ledger lists, newest
first, and reports what it could not remove.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import requests

from conformance.config import Account
from conformance.generators import unique_iban
from conformance.ledger import (
    DELETE_FAILED,
    DELETED,
    DISCARDED,
    UNDELETABLE,
    UNKNOWN,
    Entry,
    Ledger,
    find_ledgers,
)
from conformance.target import Target, basic_authorization

logger = logging.getLogger(__name__)

JSON = {"Accept": "application/json"}


class EntityError(Exception):
    """The target did not create or list an entity a case needs."""


class Entities:
    """Creates, finds and removes the entities that positive cases address."""

    def __init__(self, target: Target, ledger: Ledger, run_id: str) -> None:
        self.target = target
        self.ledger = ledger
        self.run_id = run_id

    # Creation -----------------------------------------------------------------

    def create_address(self, account: Account, customers: str) -> str:
        """Create an address for ``account`` and return its id."""
        body = {
            "firstName": "Conformance",
            "lastName": f"Run {self.run_id}",
            "addressLine1": f"Test Street {self.run_id}",
            "postalCode": "07743",
            "city": "Jena",
            "countryCode": "DE",
        }
        url = f"{account.base_url}/{customers}/-/addresses"
        return self._create("address", account, url, body, self._item_id)

    def create_payment(self, account: Account, customers: str) -> str:
        """Create a payment instrument with the first option the target offers; return its id."""
        url = f"{account.base_url}/{customers}/-/payments"
        errors = []
        for body in self._payment_bodies(account, url):
            try:
                return self._create("payment", account, url, body, self._item_id)
            except EntityError as exc:
                errors.append(str(exc))
        raise EntityError("; ".join(errors) or f"OPTIONS {url} offered no payment option")

    def create_user(self, account: Account) -> str:
        """Create a business user under the admin's customer and return its login."""
        login = f"icmc-{self.run_id}-{_short_unique()}@example.invalid"
        body = {
            "elements": [
                {
                    "login": login,
                    "email": login,
                    "firstName": "Conformance",
                    "lastName": f"Run {self.run_id}",
                    "active": True,
                }
            ]
        }
        url = f"{account.base_url}/customers/-/users"
        self._create("user", account, url, body, lambda response: login)
        return login

    def _create(
        self,
        kind: str,
        account: Account,
        url: str,
        body: dict[str, Any],
        extract: Callable[[requests.Response], str],
    ) -> str:
        # The target's CreationTracker writes the ledger entry before the POST is sent.
        headers = {**JSON, **self.target.auth_headers(account)}
        try:
            response = self.target.request("POST", url, json=body, headers=headers)
        except requests.RequestException as exc:
            raise EntityError(f"POST {url} failed: {exc}") from None
        if response.status_code not in (200, 201):
            raise EntityError(
                f"POST {url} returned {response.status_code}, so the suite has no {kind} to test "
                f"with: {response.text[:200]}"
            )
        identifier = extract(response)
        logger.info("created %s %s for %s", kind, identifier, account.login)
        return identifier

    @staticmethod
    def _item_id(response: requests.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            raise EntityError(f"the create response is not JSON: {response.text[:200]}") from None
        identifier = body.get("itemId") or body.get("id") or str(body.get("uri", "")).split("/")[-1]
        if not identifier:
            raise EntityError(f"the create response names no item: {response.text[:200]}")
        return str(identifier)

    def _payment_bodies(self, account: Account, url: str) -> list[dict[str, Any]]:
        """Return a create body for each payment option the target offers, most likely first.

        Options with parameters come first: their values (an IBAN, a holder) can be
        made unique, while a second instrument without parameters is a duplicate.
        """
        headers = {**JSON, **self.target.auth_headers(account)}
        response = self.target.request("OPTIONS", url, headers=headers)
        try:
            methods = response.json().get("methods", [])
        except (ValueError, AttributeError):
            methods = []
        bodies = []
        for method in methods:
            for payment in method.get("payments") or []:
                if not payment.get("id"):
                    continue
                names = [
                    parameter.get("name") or parameter.get("key")
                    for parameter in payment.get("paymentParameters") or []
                    if isinstance(parameter, dict)
                ]
                if any(name and "giftcard" in name.lower() for name in names):
                    continue  # a gift card number must exist on the target
                parameters = [
                    {"name": name, "value": self._parameter_value(str(name))}
                    for name in names
                    if name
                ]
                bodies.append({"name": payment["id"], "parameters": parameters})
        return sorted(bodies, key=lambda body: not body["parameters"])

    def _parameter_value(self, name: str) -> str:
        if name.lower() == "iban":
            return unique_iban()
        return f"Conformance {self.run_id}"

    # Discovery ----------------------------------------------------------------

    def first_item(self, account: Account, url: str) -> str | None:
        """Return the first ``itemId`` of a collection the target lists, or None."""
        headers = {**JSON, **self.target.auth_headers(account)}
        try:
            response = self.target.request("GET", url, headers=headers)
            elements = response.json().get("elements", [])
        except (requests.RequestException, ValueError, AttributeError):
            return None
        for element in elements:
            if isinstance(element, dict) and (element.get("itemId") or element.get("uri")):
                return str(element.get("itemId") or str(element["uri"]).split("/")[-1])
        return None

    # Cleanup ------------------------------------------------------------------

    def cleanup(self) -> CleanupReport:
        """Delete every open ledger entry, newest first; report what remains."""
        return cleanup_ledger(self.ledger, self.target)


@dataclass
class CleanupReport:
    """The outcome of a cleanup: entities removed, entities left, and undeletable ones."""

    deleted: list[Entry] = field(default_factory=list)
    remaining: list[Entry] = field(default_factory=list)
    undeletable: list[Entry] = field(default_factory=list)

    def extend(self, other: CleanupReport) -> None:
        self.deleted += other.deleted
        self.remaining += other.remaining
        self.undeletable += other.undeletable

    def as_dict(self) -> dict[str, Any]:
        return {
            "deleted": len(self.deleted),
            "remaining": [_describe(entry) for entry in self.remaining],
            "undeletable": [_describe(entry) for entry in self.undeletable],
        }


def _describe(entry: Entry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "url": entry.url or entry.collection_url,
        "state": entry.state,
        "owner": entry.owner,
        "note": entry.note,
    }


def cleanup_ledger(ledger: Ledger, target: Target) -> CleanupReport:
    """Delete what ``ledger`` lists as created on ``target``, newest first, and report."""
    report = CleanupReport()
    for entry in ledger.open_entries():
        if entry.url is None:
            ledger.update(entry, UNKNOWN, note="no URL recorded; the create may not have happened")
            report.remaining.append(entry)
            continue
        if not entry.url.startswith(target.root_url):
            # Another target's entry: it stays open for a run against that target.
            report.remaining.append(entry)
            continue
        headers = _owner_headers(entry, target)
        if headers is None:
            ledger.update(
                entry,
                UNDELETABLE,
                note=f"owned by {entry.owner or 'an unknown login'}, whose password the suite "
                "does not keep; it stays with that customer",
            )
            report.undeletable.append(entry)
            continue
        try:
            response = target.request("DELETE", entry.url, headers={**JSON, **headers})
        except requests.RequestException as exc:
            ledger.update(entry, DELETE_FAILED, note=str(exc))
            report.remaining.append(entry)
            continue
        if response.status_code in (200, 204, 404):
            ledger.update(entry, DELETED, note=f"HTTP {response.status_code}")
            report.deleted.append(entry)
        else:
            note = f"DELETE answered HTTP {response.status_code}"
            ledger.update(entry, DELETE_FAILED, note=note)
            logger.warning("could not delete %s %s: %s", entry.kind, entry.url, note)
            report.remaining.append(entry)
    listed = {entry.id for entry in report.undeletable}
    report.undeletable += [e for e in ledger.in_state(UNDELETABLE) if e.id not in listed]
    return report


def _owner_headers(entry: Entry, target: Target) -> dict[str, str] | None:
    account = target.accounts.get(entry.role)
    if account is not None:
        return target.auth_headers(account)
    password = target.registered.get(entry.owner)
    if password is not None:
        return {"Authorization": basic_authorization(entry.owner, password)}
    return None


def cleanup_previous_runs(report_root: Path, current_run: Path, target: Target) -> CleanupReport:
    """Delete what earlier runs' ledgers under ``report_root`` still list for ``target``.

    Ledgers inside ``current_run``, the folder of the run that calls this, are left alone.
    """
    report = CleanupReport()
    current = current_run.resolve()
    for ledger in find_ledgers(report_root):
        if ledger.path.resolve().is_relative_to(current):
            continue
        mine = [e for e in ledger.open_entries() if (e.url or "").startswith(target.root_url)]
        if not mine:
            continue
        logger.info("removing %d entities left by %s", len(mine), ledger.path.parent.name)
        partial = cleanup_ledger(ledger, target)
        # Entries of other targets in that ledger are not this run's business.
        urls = {entry.url for entry in mine}
        partial.remaining = [entry for entry in partial.remaining if entry.url in urls]
        partial.undeletable = [entry for entry in partial.undeletable if entry.url in urls]
        report.extend(partial)
    return report


def discard_open_entries(ledger: Ledger, reason: str) -> None:
    """Mark every open entry as gone, e.g. after the embedded server kept them in memory only."""
    for entry in ledger.open_entries():
        ledger.update(entry, DISCARDED, note=reason)


def created_ids(ledger: Ledger) -> set[str]:
    """Return the item ids (last URL segments) of entities the ledger lists as existing."""
    return {
        unquote(entry.url.rstrip("/").rsplit("/", 1)[-1])
        for entry in ledger.open_entries()
        if entry.url
    }


def _short_unique() -> str:
    import uuid

    return uuid.uuid4().hex[:8]
