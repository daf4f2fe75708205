"""Entities the positive cases act on: found on the target or created by the suite.

A positive case for ``PUT .../addresses/{CustomerAddressKey}`` must name an
address that exists, or it only ever tests the 404 branch. The suite never
changes data it did not create, so update and delete cases get an entity the
suite created for them (recorded in the ledger), while read cases may use
what the target already has (seeded gift cards, for example).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import requests

from conformance.config import Account
from conformance.generators import unique_iban
from conformance.ledger import Entry, Ledger
from conformance.target import Target

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
        self._create("user", account, url, body, lambda response: login, item_url=f"{url}/{login}")
        return login

    def _create(
        self,
        kind: str,
        account: Account,
        url: str,
        body: dict[str, Any],
        extract: Callable[[requests.Response], str],
        item_url: str | None = None,
    ) -> str:
        entry = self.ledger.record(kind, account.role, url, self.run_id)
        headers = {**JSON, **self.target.auth_headers(account)}
        try:
            response = self.target.request("POST", url, json=body, headers=headers)
        except requests.RequestException as exc:
            self.ledger.update(entry, "unknown", note=f"create request failed: {exc}")
            raise EntityError(f"POST {url} failed: {exc}") from None
        if response.status_code not in (200, 201):
            self.ledger.update(entry, "not-created", note=f"HTTP {response.status_code}")
            raise EntityError(
                f"POST {url} answered {response.status_code}, so the suite has no {kind} to test "
                f"with: {response.text[:200]}"
            )
        identifier = extract(response)
        self.ledger.update(entry, "created", url=item_url or f"{url}/{identifier}")
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

    def cleanup(self) -> list[Entry]:
        """Delete every open ledger entry, newest first; return the entries that remain."""
        return cleanup_ledger(self.ledger, self.target)


def cleanup_ledger(ledger: Ledger, target: Target) -> list[Entry]:
    """Delete what ``ledger`` lists as created on ``target``; return what could not be removed."""
    remaining = []
    for entry in ledger.open_entries():
        if entry.url is None:
            ledger.update(
                entry, "unknown", note="no URL recorded; the create may not have happened"
            )
            remaining.append(entry)
            continue
        account = target.accounts.get(entry.role)
        headers = {**JSON, **target.auth_headers(account)}
        try:
            response = target.request("DELETE", entry.url, headers=headers)
        except requests.RequestException as exc:
            ledger.update(entry, "delete-failed", note=str(exc))
            remaining.append(entry)
            continue
        if response.status_code in (200, 204, 404):
            ledger.update(entry, "deleted", note=f"HTTP {response.status_code}")
        else:
            ledger.update(entry, "delete-failed", note=f"HTTP {response.status_code}")
            remaining.append(entry)
    return remaining


def _short_unique() -> str:
    import uuid

    return uuid.uuid4().hex[:8]
