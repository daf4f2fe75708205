"""Customer profiles and registration: ``/customers`` and ``/privatecustomers``."""

from __future__ import annotations

from typing import Any

from conformance.server.context import Reply, RequestContext
from conformance.server.errors import ApiError, bad_request, conflict, forbidden
from conformance.server.resources.addresses import address_ro
from conformance.server.resources.common import drop_none, resolve_customer
from conformance.server.resources.payments import payment_ro
from conformance.server.resources.registration import (
    ALREADY_EXISTS,
    COMPANY_FIELDS,
    EMAIL_PATTERN,
    PRIVATE_PROFILE_FIELDS,
    check_credentials,
    create_customer,
    create_user,
    customer_link,
    register,
)
from conformance.server.store import PRIVATE, Customer, new_id

SIMPLE_NOT_POSSIBLE = "customer.simpleaccount.not_possible.error"
PHONE_FIELDS = ("phoneHome", "phoneBusiness", "phoneMobile", "fax")


def _preferred(ctx: RequestContext, customer: Customer) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field, address_id in (
        ("preferredInvoiceToAddress", customer.preferred_invoice_id),
        ("preferredShipToAddress", customer.preferred_ship_id),
    ):
        address = customer.addresses.get(address_id or "")
        if address is not None:
            data[field] = address_ro(ctx, customer, address)
    return data


def private_customer_ro(ctx: RequestContext, customer: Customer) -> dict[str, Any]:
    """Return the PrivateCustomerRO of a private customer."""
    users = ctx.store.users_of(customer)
    data: dict[str, Any] = {
        "type": "PrivateCustomer",
        "customerNo": customer.customer_no,
        "customerType": customer.profile.get("customerType", customer.customer_type),
        "login": users[0].login if users else None,
        **{name: customer.profile.get(name) for name in PRIVATE_PROFILE_FIELDS},
        **_preferred(ctx, customer),
    }
    if ctx.fault("secret-returned") and users:
        data["password"] = users[0].password
    payment = customer.payments.get(customer.preferred_payment_id or "")
    if payment is not None:
        data["preferredPaymentInstrument"] = payment_ro(ctx, customer, payment)
    return drop_none(data)


def smb_customer_ro(ctx: RequestContext, customer: Customer) -> dict[str, Any]:
    """Return the SMBCustomerRO of a customer; private customers show only their type."""
    data: dict[str, Any] = {
        "type": "PrivateCustomer" if customer.is_private else "SMBCustomer",
        "customerNo": customer.customer_no,
        "customerType": customer.customer_type,
    }
    if not customer.is_private:
        data["name"] = customer.profile.get("companyName")
        data.update({name: customer.profile.get(name) for name in COMPANY_FIELDS})
        data.update(_preferred(ctx, customer))
    return drop_none(data)


def _address_id(customer: Customer, reference: dict[str, Any] | None) -> str | None:
    """Return the ID of the customer's address that an AddressRO refers to (by id or urn)."""
    if not reference:
        return None
    address_id = reference.get("id")
    if address_id in customer.addresses:
        return address_id
    for known in customer.addresses:
        if reference.get("urn") == customer.address_urn(known):
            return known
    return None


def create_customer_operation(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """POST /customers: register an SMB customer (B2B site) or a private one (B2C site)."""
    customer = register(ctx, ctx.body("NewCustomerRO"))
    return Reply(201, customer_link(ctx, customer), "LinkRO")


def get_customer(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET /customers/{key}: the customer of the current user."""
    customer = resolve_customer(ctx, keys["customer"])
    return Reply(200, smb_customer_ro(ctx, customer), "SMBCustomerRO")


def update_customer(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """PUT /customers/{key}: update company data; private customers have none to change."""
    customer = resolve_customer(ctx, keys["customer"])
    data = ctx.body("SMBCustomerRO")
    if customer.is_private:
        return Reply(200, smb_customer_ro(ctx, customer), "SMBCustomerRO")
    caller = ctx.require_user()
    if not caller.can_manage_users:
        # NOTE: the contract documents no 403 for this operation; ICM refuses buyers all the same.
        raise forbidden("Changing company data needs the Manage Users permission.")
    for name in COMPANY_FIELDS:
        value = data.get(name)
        if value is not None and (value.strip() or name != "companyName"):
            customer.profile[name] = value
    # NOTE: preferred addresses that are not the customer's own are ignored, because the
    # contract documents no 400 for this operation.
    invoice_id = _address_id(customer, data.get("preferredInvoiceToAddress"))
    ship_id = _address_id(customer, data.get("preferredShipToAddress"))
    customer.preferred_invoice_id = invoice_id or customer.preferred_invoice_id
    customer.preferred_ship_id = ship_id or customer.preferred_ship_id
    return Reply(200, smb_customer_ro(ctx, customer), "SMBCustomerRO")


def create_private_customer(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """POST /privatecustomers: register a private customer with credentials and address."""
    customer = register(ctx, ctx.body("NewCustomerRO"))
    return Reply(201, customer_link(ctx, customer), "LinkRO")


def create_simple_account(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """POST /privatecustomers/simple: register with credentials only, if the site allows it."""
    if not ctx.settings.simple_registration:
        raise ApiError(
            501, "Simple account creation is switched off on this site.", SIMPLE_NOT_POSSIBLE
        )
    data = ctx.body("CredentialsRO")
    login = (data.get("login") or "").strip()
    password = data.get("password") or ""
    if not login or not password:
        raise bad_request("Credentials need a login and a password.")
    taken = ctx.store.user_by_login(ctx.site, login) is not None
    if taken and not ctx.fault("registration-duplicate-login"):
        raise conflict(f"A customer with login {login!r} exists.", ALREADY_EXISTS)
    check_credentials(ctx, {"login": login, "password": password})
    email = login if EMAIL_PATTERN.match(login) else None
    customer = create_customer(ctx, new_id(), PRIVATE, drop_none({"email": email}))
    create_user(ctx, customer, login, password, {}, manager=False)
    return Reply(201, customer_link(ctx, customer), "LinkRO")


def get_private_customer(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET /privatecustomers/{key}: the private customer's profile."""
    customer = resolve_customer(ctx, keys["customer"], "private")
    return Reply(200, private_customer_ro(ctx, customer), "PrivateCustomerRO")


def _profile_updates(data: dict[str, Any]) -> dict[str, Any]:
    """Return the writable profile fields of a PUT body; null leaves a field unchanged."""
    return {name: data[name] for name in PRIVATE_PROFILE_FIELDS if data.get(name) is not None}


def update_private_customer(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """PUT /privatecustomers/{key}: update the profile; read-only fields are ignored.

    Values are stored as sent and unknown preferred addresses or instruments are ignored.
    """
    # NOTE: ICM may reject malformed e-mail addresses or birthdays here. The contract documents
    # 400 without any error-key for this operation, so the reference accepts every value
    # that matches the schema and responds with 400 only to bodies that cannot be mapped.
    customer = resolve_customer(ctx, keys["customer"], "private")
    data = ctx.body("PrivateCustomerRO")
    updates = _profile_updates(data)
    if ctx.fault("valid-data-rejected") and any(
        str(updates.get(name, "")).startswith("+") for name in PHONE_FIELDS
    ):
        raise bad_request("Phone numbers must not start with '+' (seeded fault).")
    stored = dict(customer.profile)
    customer.profile.update(updates)
    invoice_id = _address_id(customer, data.get("preferredInvoiceToAddress"))
    ship_id = _address_id(customer, data.get("preferredShipToAddress"))
    customer.preferred_invoice_id = invoice_id or customer.preferred_invoice_id
    customer.preferred_ship_id = ship_id or customer.preferred_ship_id
    payment_id = (data.get("preferredPaymentInstrument") or {}).get("id")
    if payment_id in customer.payments:
        customer.preferred_payment_id = payment_id
    if ctx.fault("readonly-field-changes"):
        _store_read_only_fields(customer, data)
    reply = Reply(200, private_customer_ro(ctx, customer), "PrivateCustomerRO")
    if ctx.fault("profile-update-lost"):
        customer.profile = stored
    return reply


def _store_read_only_fields(customer: Customer, data: dict[str, Any]) -> None:
    if data.get("customerType"):
        customer.profile["customerType"] = data["customerType"]
    if data.get("customerNo"):
        customer.customer_no = data["customerNo"]
