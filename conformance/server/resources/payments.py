"""Saved payment instruments: ``/{customers|privatecustomers}/{CustomerKey}/payments[/{id}]``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from conformance.server.context import Reply, RequestContext
from conformance.server.errors import bad_request, not_found
from conformance.server.resources.addresses import collection_kind
from conformance.server.resources.common import (
    customer_segment,
    drop_none,
    link,
    link_collection,
    resolve_customer,
)
from conformance.server.store import Customer, GiftCard, PaymentInstrument, new_id

PAYMENT_DATA = "shopping_cart.payment.paymentdata.error"
MISSING_FIELDS = "shopping_cart.payment.missing_fields.error"
INVALID_FIELDS = "shopping_cart.payment.invalid_fields.error"
UNKNOWN_METHOD = "shopping_cart.payment.name.error"
# The contract spells this key "dublicate"; clients match it literally.
DUPLICATE = "shopping_cart.payment.dublicate.error"

IBAN_PATTERN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")


@dataclass(frozen=True)
class PaymentMethod:
    """A payment method that customers can save instruments of, with its parameters."""

    id: str
    display_name: str
    parameters: tuple[tuple[str, str], ...]


INVOICE = PaymentMethod("ISH_INVOICE", "Invoice", ())
DEBIT_TRANSFER = PaymentMethod(
    "ISH_DEBIT_TRANSFER",
    "Direct Debit Transfer",
    (("holder", "Account Holder"), ("IBAN", "IBAN")),
)
GIFT_CARD = PaymentMethod("ISH_GIFT_CARD", "Gift Card", (("giftCardNumber", "Gift Card Number"),))
METHODS = {method.id: method for method in (INVOICE, DEBIT_TRANSFER, GIFT_CARD)}


def mask(value: str) -> str:
    """Mask all but the first and last four characters, as ICM shows account numbers."""
    if len(value) <= 8:
        return "****"
    return f"{value[:4]}****{value[-4:]}"


def _customer_gift_cards(ctx: RequestContext, customer: Customer) -> dict[str, GiftCard]:
    cards: dict[str, GiftCard] = {}
    for user in ctx.store.users_of(customer):
        cards.update(user.gift_cards)
    return cards


def payment_ro(
    ctx: RequestContext, customer: Customer, instrument: PaymentInstrument
) -> dict[str, Any]:
    """Return the PaymentRO of a saved payment instrument."""
    method = METHODS[instrument.method]
    parameters = []
    for key, display_name in method.parameters:
        value = instrument.parameters.get(key, "")
        displayed = mask(value) if key == "IBAN" else value
        parameters.append(
            {"name": key, "key": key, "displayName": display_name, "property": {"value": displayed}}
        )
    data: dict[str, Any] = {
        "type": "Payment",
        "name": method.id,
        "id": instrument.id,
        "accountIdentifier": _account_identifier(instrument),
        "parameters": parameters,
    }
    card_number = instrument.parameters.get("giftCardNumber")
    card = _customer_gift_cards(ctx, customer).get(card_number or "")
    if card is not None:
        data["limitedTenderBalance"] = {
            "type": "Money",
            "value": card.remaining,
            "currency": card.currency,
        }
    return drop_none(data)


def _account_identifier(instrument: PaymentInstrument) -> str | None:
    if "IBAN" in instrument.parameters:
        return mask(instrument.parameters["IBAN"])
    if "giftCardNumber" in instrument.parameters:
        return mask(instrument.parameters["giftCardNumber"])
    return None


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("value")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise bad_request(f"Payment parameter value {value!r} is not a string.", INVALID_FIELDS)
    return str(value)


def _parameter_values(data: dict[str, Any]) -> dict[str, str]:
    """Collect parameter values sent as ``parameters`` (key/name with value/property) or as
    ``attributes`` (name/value)."""
    values: dict[str, str] = {}
    for item in data.get("parameters") or []:
        key = item.get("key") or item.get("name")
        if not key:
            raise bad_request("Every payment parameter needs a key or name.", INVALID_FIELDS)
        raw = item["value"] if item.get("value") is not None else item.get("property")
        text = _scalar_text(raw)
        if text is not None:
            values[key] = text
    for item in data.get("attributes") or []:
        name = item.get("name")
        text = _scalar_text(item.get("value"))
        if name and text is not None:
            values[name] = text
    return values


def _validate(
    ctx: RequestContext, customer: Customer, method: PaymentMethod, values: dict[str, str]
) -> dict[str, str]:
    known = {key for key, _ in method.parameters}
    unknown = sorted(set(values) - known)
    if unknown:
        raise bad_request(
            f"Payment method {method.id} has no parameters {', '.join(unknown)}.", INVALID_FIELDS
        )
    missing = [key for key, _ in method.parameters if not values.get(key, "").strip()]
    if missing:
        raise bad_request(
            f"Payment method {method.id} needs the parameters {', '.join(missing)}.",
            MISSING_FIELDS,
        )
    if "IBAN" in values:
        iban = values["IBAN"].replace(" ", "").upper()
        if not IBAN_PATTERN.match(iban):
            raise bad_request(f"IBAN {values['IBAN']!r} is not valid.", INVALID_FIELDS)
        values["IBAN"] = iban
    if "giftCardNumber" in values and values["giftCardNumber"] not in _customer_gift_cards(
        ctx, customer
    ):
        raise bad_request(
            f"Gift card {values['giftCardNumber']!r} is not known for this customer.",
            PAYMENT_DATA,
        )
    return values


def _payment_link(
    ctx: RequestContext, key: str, customer: Customer, instrument: PaymentInstrument
) -> dict:
    uri = ctx.link_uri(
        ctx.url.segments[0], customer_segment(key, customer), "payments", instrument.id
    )
    method = METHODS[instrument.method]
    return link(uri, title=method.display_name, item_id=instrument.id)


def _find(customer: Customer, instrument_id: str) -> PaymentInstrument:
    instrument = customer.payments.get(instrument_id)
    if instrument is None:
        raise not_found(f"Payment instrument {instrument_id!r} was not found.")
    return instrument


def list_payments(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET the saved payment instruments as Links."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    links = [
        _payment_link(ctx, keys["customer"], customer, instrument)
        for instrument in customer.payments.values()
    ]
    return Reply(200, link_collection("payments", links), "ResourceCollectionROLinkRO")


def create_payment(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """POST a new payment instrument; responds with 201 and a Link."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    data = ctx.body("PaymentRO")
    method_id = data.get("name")
    if not method_id:
        raise bad_request("The payment method (name) is missing.", MISSING_FIELDS)
    method = METHODS.get(method_id)
    if method is None:
        raise bad_request(f"Payment method {method_id!r} is not available.", UNKNOWN_METHOD)
    values = _validate(ctx, customer, method, _parameter_values(data))
    for existing in customer.payments.values():
        if existing.method == method.id and existing.parameters == values:
            raise bad_request(
                f"An identical {method.id} instrument exists: {existing.id}.", DUPLICATE
            )
    instrument = PaymentInstrument(new_id(), method.id, values)
    if not ctx.fault("payment-not-stored"):
        customer.payments[instrument.id] = instrument
    status = 200 if ctx.fault("payment-create-200") else 201
    return Reply(status, _payment_link(ctx, keys["customer"], customer, instrument), "LinkRO")


def payment_options(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """OPTIONS: the payment methods whose instruments the customer can save."""
    if not (ctx.user is None and ctx.fault("options-without-login")):
        resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    options = []
    for method in METHODS.values():
        parameters = [
            {
                "name": key,
                "key": key,
                "displayName": display_name,
                "property": {"type": "string", "required": True},
            }
            for key, display_name in method.parameters
        ]
        options.append(
            {
                "type": "PaymentOption",
                "id": method.id,
                "displayName": method.display_name,
                "applicability": "Applicable",
                "restrictions": [],
                "paymentParameters": parameters,
            }
        )
    body = {
        "type": "PaymentOptions",
        "methods": [{"type": "PaymentOptionsForMethodRO", "method": "POST", "payments": options}],
    }
    return Reply(200, body, "PaymentOptionsRO", headers={"Allow": "GET, POST, OPTIONS"})


def get_payment(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET one payment instrument."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    instrument = _find(customer, keys["payment"])
    return Reply(200, payment_ro(ctx, customer, instrument), "PaymentRO")


def update_payment(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """PUT a payment instrument; every parameter must be sent, even unchanged ones."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    instrument = _find(customer, keys["payment"])
    method = METHODS[instrument.method]
    data = ctx.body("PaymentRO")
    if not method.parameters:
        raise bad_request(
            f"Payment instrument {instrument.id!r} ({method.id}) has no parameters to update.",
            INVALID_FIELDS,
        )
    if data.get("name") not in (None, method.id):
        raise bad_request(
            f"The payment method of {instrument.id!r} is {method.id} and cannot change.",
            INVALID_FIELDS,
        )
    values = _parameter_values(data)
    if ctx.fault("payment-update-partial-accepted"):
        values = {**instrument.parameters, **values}
    instrument.parameters = _validate(ctx, customer, method, values)
    return Reply(200, payment_ro(ctx, customer, instrument), "PaymentRO")


def delete_payment(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """DELETE a payment instrument; responds with 200 and a Link to the remaining instruments."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    instrument = _find(customer, keys["payment"])
    if not ctx.fault("payment-delete-ignored"):
        del customer.payments[instrument.id]
    if customer.preferred_payment_id == instrument.id:
        customer.preferred_payment_id = None
    uri = ctx.link_uri(
        ctx.url.segments[0], customer_segment(keys["customer"], customer), "payments"
    )
    return Reply(200, link(uri, title="payments", relation="collection"), "LinkRO")
