"""Saved payment instruments: options, add, list, read, update with every attribute, delete."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from conformance.checks import Exchange
from conformance.flows.base import (
    Flow,
    Principal,
    Steps,
    body_of,
    describe,
    element_ids,
    item_id,
    snippet,
)
from conformance.generators import unique_iban

CURRENT = {"CustomerKey": "-"}
MISSING_FIELDS = "shopping_cart.payment.missing_fields.error"


class PaymentKeys:
    """The operation keys of one customer collection's payment instruments."""

    def __init__(self, segment: str) -> None:
        collection = f"/{segment}/{{CustomerKey}}/payments"
        item = f"{collection}/{{CustomerPaymentKey}}"
        self.options = f"OPTIONS {collection}"
        self.list = f"GET {collection}"
        self.create = f"POST {collection}"
        self.get = f"GET {item}"
        self.update = f"PUT {item}"
        self.delete = f"DELETE {item}"


def choose_option(options: Exchange) -> tuple[str, list[str]] | None:
    """Return a payment method the customer may add and its parameter names.

    Methods with parameters come first, because only they can be updated. Gift
    cards are left out: their number must exist on the target.
    """
    body = body_of(options) or {}
    choices: list[tuple[str, list[str]]] = []
    for method in body.get("methods") or []:
        for payment in (method or {}).get("payments") or []:
            if not isinstance(payment, dict) or not payment.get("id"):
                continue
            names = [
                str(parameter.get("name") or parameter.get("key"))
                for parameter in payment.get("paymentParameters") or []
                if isinstance(parameter, dict) and (parameter.get("name") or parameter.get("key"))
            ]
            if any("giftcard" in name.lower() for name in names):
                continue
            choices.append((str(payment["id"]), names))
    choices.sort(key=lambda choice: not choice[1])
    return choices[0] if choices else None


def parameter_values(names: list[str], run_id: str, version: int) -> list[dict[str, str]]:
    """Return a value for every parameter, different for each ``version``."""
    values = []
    for name in names:
        value = unique_iban() if name.lower() == "iban" else f"Conformance {run_id} v{version}"
        values.append({"name": name, "value": value})
    return values


def payment_lifecycle(steps: Steps, who: Principal) -> None:
    """Run every payment step as ``who``."""
    keys = PaymentKeys(who.segment)
    options = steps.call(keys.options, who, path=CURRENT)
    steps.require_status(options, {200}, "PAYMENT-OPTIONS-200")
    choice = choose_option(options)
    steps.require(
        choice is not None,
        "PAYMENT-OPTIONS-200",
        options,
        "No payment option to add",
        f"{describe(options)} offers no payment method without a gift card.\n"
        f"Received: {snippet(options.response)}",
    )
    assert choice is not None

    method, names = choice
    body = {"name": method, "parameters": parameter_values(names, steps.run_id, 1)}
    created = steps.call(keys.create, who, path=CURRENT, body=body)
    steps.require_status(created, {201}, "PAYMENT-CREATE-201")
    payment_id = item_id(body_of(created)) or ""

    listed = steps.call(keys.list, who, path=CURRENT)
    steps.expect(
        payment_id in element_ids(listed),
        "PAYMENT-CREATE-201",
        listed,
        "Saved payment instrument not listed",
        f"{describe(listed)} does not list {payment_id!r}, which {describe(created)} created.",
    )

    path = {**CURRENT, "CustomerPaymentKey": payment_id}
    read = steps.call(keys.get, who, path=path)
    steps.expect(
        read.response.status_code == 200 and (body_of(read) or {}).get("name") == method,
        "PAYMENT-GET-200",
        read,
        "Saved payment instrument not readable",
        f"{describe(read)} answered {read.response.status_code}; expected 200 with name "
        f"{method!r}.\nReceived: {snippet(read.response)}",
    )

    if names:
        update_payment(steps, who, keys, path, method, names)
    delete_payment(steps, who, keys, path, payment_id)


def update_payment(
    steps: Steps,
    who: Principal,
    keys: PaymentKeys,
    path: dict[str, str],
    method: str,
    names: list[str],
) -> None:
    """Update with every attribute (200), then with one left out (400 missing fields)."""
    parameters = parameter_values(names, steps.run_id, 2)
    updated = steps.call(
        keys.update, who, path=path, body={"name": method, "parameters": parameters}
    )
    steps.expect_status(updated, {200}, "PAYMENT-UPDATE-200")

    unmasked = [item for item in parameters if item["name"].lower() != "iban"]
    shown = _shown_values(body_of(updated))
    wrong = [item["name"] for item in unmasked if shown.get(item["name"]) != item["value"]]
    steps.expect(
        updated.response.status_code == 200 and not wrong,
        "PAYMENT-UPDATE-200",
        updated,
        "Payment update response does not show the change",
        f"{describe(updated)} shows old values for {wrong}.\nReceived: {snippet(updated.response)}",
    )

    if len(names) < 2:
        return
    partial = steps.call(
        keys.update,
        who,
        path=path,
        body={"name": method, "parameters": parameters[:1]},
        mode="expected-error",
    )
    error_key = partial.response.headers.get("error-key")
    steps.expect(
        partial.response.status_code == 400 and error_key == MISSING_FIELDS,
        "PAYMENT-UPDATE-ALL-ATTRIBUTES",
        partial,
        "Payment update without every attribute accepted",
        f"{describe(partial)} with only {parameters[0]['name']} answered "
        f"{partial.response.status_code} with error-key {error_key!r}; expected 400 with "
        f"{MISSING_FIELDS}.",
    )


def _shown_values(body: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for parameter in (body or {}).get("parameters") or []:
        if not isinstance(parameter, dict):
            continue
        name = parameter.get("name") or parameter.get("key")
        value = parameter.get("value")
        if value is None and isinstance(parameter.get("property"), dict):
            value = parameter["property"].get("value")
        values[str(name)] = value
    return values


def delete_payment(
    steps: Steps, who: Principal, keys: PaymentKeys, path: dict[str, str], payment_id: str
) -> None:
    """Delete the instrument: 200 with a Link, then it is neither readable nor listed."""
    deleted = steps.call(keys.delete, who, path=path)
    link = body_of(deleted)
    steps.expect(
        deleted.response.status_code == 200 and isinstance(link, dict) and "uri" in link,
        "PAYMENT-DELETE-200",
        deleted,
        "Payment deletion without a Link",
        f"{describe(deleted)} answered {deleted.response.status_code}; expected 200 with a "
        f"Link.\nReceived: {snippet(deleted.response)}",
    )
    gone = steps.call(keys.get, who, path=path, mode="expected-error")
    listed = steps.call(keys.list, who, path=CURRENT)
    still_listed = payment_id in element_ids(listed)
    steps.expect(
        gone.response.status_code == 404 and not still_listed,
        "PAYMENT-DELETE-200",
        gone,
        "Deleted payment instrument still there",
        f"{describe(gone)} after the DELETE answered {gone.response.status_code}; expected "
        f"404. Still listed: {still_listed}.",
    )


class PaymentsFlow(Flow):
    """The payment instrument lifecycle on the configured private and admin accounts."""

    name = "payments"
    roles = ("private",)

    def run(self, steps: Steps, data: st.DataObject) -> None:
        for role in ("private", "admin"):
            account = steps.target.accounts.get(role)
            if account is not None:
                payment_lifecycle(steps, Principal.of(account))
