"""Customer addresses: ``/{customers|privatecustomers}/{CustomerKey}/addresses[/{id}]``."""

from __future__ import annotations

import logging
from typing import Any

from conformance.server.context import Reply, RequestContext
from conformance.server.errors import bad_request, conflict, forbidden, not_found
from conformance.server.resources.common import (
    customer_segment,
    drop_none,
    link,
    link_collection,
    resolve_customer,
)
from conformance.server.store import Address, Customer, new_id

logger = logging.getLogger(__name__)

MISSING_FIELDS = "customer.address.missing_fields.error"
INVALID_USAGE = "customer.address.invalid_fields.usage.error"
INCONSISTENT_USAGE = "customer.address.update.error.inconsistentUsage"
NOT_UPDATABLE = "customer.address.update.error.AddressNotUpdatable"
LAST_ADDRESS = "customer.address.deletion.error.LastAddress"
WRONG_REPOSITORY = "customer.address.deletion.error.WrongAddressRepository"

REQUIRED = ("firstName", "lastName", "addressLine1", "city", "countryCode")
# Identity and derived fields: never written by clients, ignored when comparing addresses.
NOT_WRITABLE = ("name", "type", "urn", "id", "externalId", "externalUrn", "usage")
NOT_COMPARED = ("addressName", "country")

COUNTRY_NAMES = {
    "AT": "Austria",
    "BE": "Belgium",
    "CH": "Switzerland",
    "DE": "Germany",
    "ES": "Spain",
    "FR": "France",
    "GB": "United Kingdom",
    "IT": "Italy",
    "NL": "Netherlands",
    "US": "United States",
}


def collection_kind(ctx: RequestContext) -> str | None:
    """Return ``"private"`` for URLs below ``/privatecustomers``, else None (any customer)."""
    return "private" if ctx.url.segments[0] == "privatecustomers" else None


def address_ro(ctx: RequestContext, customer: Customer, address: Address) -> dict[str, Any]:
    """Return the AddressRO of a stored address."""
    data: dict[str, Any] = {
        "type": "Address",
        "urn": customer.address_urn(address.id),
        "id": address.id,
        "externalId": address.external_id,
        "externalUrn": address.external_urn,
        **address.fields,
        "usage": {"empty": not any(address.usage)},
    }
    if ctx.fault("schema-wrong-type"):
        digits = "".join(ch for ch in str(data.get("postalCode", "")) if ch.isdigit())
        data["postalCode"] = int(digits or "0")
    return drop_none(data)


def parse_usage(raw: Any, error_key: str) -> list[bool] | None:
    """Return the usage bits of a request, None if absent; 400 with ``error_key`` if invalid.

    The contract types usage as an object whose boolean ``empty`` clears every usage bit.
    """
    if raw is None:
        return None
    empty = raw.get("empty", False) if isinstance(raw, dict) else None
    if not isinstance(empty, bool):
        raise bad_request(f"Address usage {raw!r} needs a boolean 'empty'.", error_key)
    # NOTE: storefront clients modelled on real ICM responses send usage as an array of
    # booleans; the contract does not allow that, so it is rejected like any other shape.
    return [not empty, not empty, False, False]


def content_fields(ctx: RequestContext, data: dict[str, Any], missing_key: str | None) -> dict:
    """Return the writable address fields of a request; 400 if a required field is missing."""
    fields = {
        key: value
        for key, value in data.items()
        if key not in NOT_WRITABLE and isinstance(value, str)
    }
    missing = [name for name in REQUIRED if not fields.get(name, "").strip()]
    if missing:
        if ctx.fault("server-error-on-edge") and any(fields.get(name) == "" for name in missing):
            raise RuntimeError(f"empty address field {missing[0]} (seeded fault)")
        raise bad_request(f"Address fields are missing: {', '.join(missing)}.", missing_key)
    code = fields["countryCode"]
    if code in COUNTRY_NAMES:
        fields["country"] = COUNTRY_NAMES[code]
    return fields


def _comparable(fields: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in fields.items() if key not in NOT_COMPARED and value}


def find_duplicate(customer: Customer, fields: dict[str, str]) -> Address | None:
    """Return an address of ``customer`` with the same content as ``fields``, if any."""
    content = _comparable(fields)
    for address in customer.addresses.values():
        if _comparable(address.fields) == content:
            return address
    return None


def add_address(customer: Customer, fields: dict[str, str], usage: list[bool] | None) -> Address:
    """Store a new address; the first address becomes the preferred invoice and ship-to one."""
    address_id = new_id()
    fields = dict(fields)
    fields.setdefault("addressName", f"customeraddr-{address_id}")
    address = Address(address_id, fields, usage or [True, True, False, False])
    customer.addresses[address_id] = address
    if customer.preferred_invoice_id is None:
        customer.preferred_invoice_id = address_id
    if customer.preferred_ship_id is None:
        customer.preferred_ship_id = address_id
    return address


def _address_link(ctx: RequestContext, key: str, customer: Customer, address: Address) -> dict:
    collection = "payments" if ctx.fault("link-wrong-uri") else "addresses"
    uri = ctx.link_uri(ctx.url.segments[0], customer_segment(key, customer), collection, address.id)
    return link(uri, title=address.fields.get("addressName"), item_id=address.id)


def _find(ctx: RequestContext, customer: Customer, address_id: str) -> Address:
    address = customer.addresses.get(address_id)
    if address is None and ctx.fault("server-error-on-unknown-address"):
        raise KeyError(f"address {address_id!r} (seeded fault)")
    if address is None:
        raise not_found(f"Address {address_id!r} was not found.")
    return address


def list_addresses(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET the customer's addresses as a collection of Links."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    links = [
        _address_link(ctx, keys["customer"], customer, address)
        for address in customer.addresses.values()
    ]
    body = link_collection("addresses", links)
    if ctx.fault("schema-array-as-object"):
        body["elements"] = {link["itemId"]: link for link in links}
    return Reply(200, body, "ResourceCollectionROLinkRO")


def create_address(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """POST a new address: 201 with a Link, or 200 with a Link to an identical address."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    data = ctx.body("AddressRO")
    usage = parse_usage(data.get("usage"), INVALID_USAGE)
    fields = content_fields(ctx, data, MISSING_FIELDS)
    duplicate = find_duplicate(customer, fields)
    if duplicate is not None and not ctx.fault("address-duplicate-created"):
        return Reply(200, _address_link(ctx, keys["customer"], customer, duplicate), "LinkRO")
    if ctx.fault("address-not-stored"):
        address = Address(new_id(), fields)
    else:
        address = add_address(customer, fields, usage)
    status = 201
    if ctx.fault("status-undocumented"):
        status = 202
    elif ctx.fault("address-create-200"):
        status = 200
    return Reply(status, _address_link(ctx, keys["customer"], customer, address), "LinkRO")


def get_address(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET one address."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    address = _find(ctx, customer, keys["address"])
    return Reply(200, address_ro(ctx, customer, address), "AddressRO")


def update_address(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """PUT a whole address; responds with 200 and the updated AddressRO."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    address = _find(ctx, customer, keys["address"])
    if address.external:
        raise forbidden(
            f"Address {address.id!r} is maintained by an external system and cannot change.",
            NOT_UPDATABLE,
        )
    data = ctx.body("AddressRO")
    usage = parse_usage(data.get("usage"), INCONSISTENT_USAGE)
    fields = content_fields(ctx, data, MISSING_FIELDS)
    preferred = address.id in (customer.preferred_invoice_id, customer.preferred_ship_id)
    if usage is not None and preferred and not any(usage[:2]):
        raise bad_request(
            f"Address {address.id!r} is a preferred address and must stay usable for invoices "
            "or shipping.",
            INCONSISTENT_USAGE,
        )
    fields.setdefault("addressName", address.fields.get("addressName", ""))
    updated = Address(address.id, fields, usage or list(address.usage))
    if not ctx.fault("address-update-lost"):
        customer.addresses[address.id] = updated
    return Reply(200, address_ro(ctx, customer, updated), "AddressRO")


def delete_address(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """DELETE an address; the last one and externally maintained ones are refused with 409."""
    customer = resolve_customer(ctx, keys["customer"], collection_kind(ctx))
    address = _find(ctx, customer, keys["address"])
    if address.external:
        raise conflict(
            f"Address {address.id!r} belongs to an external address repository.",
            WRONG_REPOSITORY,
        )
    if len(customer.addresses) == 1 and not ctx.fault("address-last-deletable"):
        raise conflict(f"Address {address.id!r} is the customer's last address.", LAST_ADDRESS)
    if ctx.fault("address-delete-ignored"):
        return Reply(204)
    del customer.addresses[address.id]
    if customer.preferred_invoice_id == address.id:
        customer.preferred_invoice_id = None
    if customer.preferred_ship_id == address.id:
        customer.preferred_ship_id = None
    for user in ctx.store.users_of(customer):
        urn = customer.address_urn(address.id)
        for field in ("preferredInvoiceToAddressUrn", "preferredShipToAddressUrn"):
            if user.profile.get(field) == urn:
                user.profile[field] = None
    return Reply(204)
