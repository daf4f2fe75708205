"""Customer registration shared by ``POST /customers``, ``/privatecustomers`` and its ``/simple``
variant: validation of a NewCustomerRO and creation of the customer with its first user."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from conformance.server.context import B2B_SITE, RequestContext
from conformance.server.errors import bad_request, forbidden
from conformance.server.resources.addresses import (
    MISSING_FIELDS as ADDRESS_MISSING_FIELDS,
)
from conformance.server.resources.addresses import (
    add_address,
    content_fields,
    parse_usage,
)
from conformance.server.resources.common import link
from conformance.server.store import PRIVATE, SMB, Customer, User, new_id

ALREADY_EXISTS = "customer.already_exists.error"
CUSTOMER_NO_EXISTS = "customer.customerno.already_exists.error"
MISSING_FIELDS = "customer.missing_fields.error"
INVALID_FIELDS = "customer.invalid_fields.error"
CREDENTIALS_MISSING = "customer.credentials.missing_fields.error"
LOGIN_NOT_ACCEPTABLE = "customer.credentials.login.not_acceptable.error"
LOGIN_NOT_UNIQUE = "customer.credentials.login.not_unique.error"
PASSWORD_INVALID = "customer.credentials.password.invalid.error"

# ICM's default password rule: 7 to 256 characters without blanks, at least one letter and digit.
PASSWORD_PATTERN = re.compile(r"^(?=\S*[A-Za-z])(?=\S*[0-9])\S{7,256}$")
LOGIN_PATTERN = re.compile(r"^[^\s/\\;%]{1,256}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CUSTOMER_NO_PATTERN = re.compile(r"^[^\s/\\;%]{1,128}$")
PRIVATE_PROFILE_FIELDS = [
    "title",
    "firstName",
    "lastName",
    "birthday",
    "email",
    "phoneHome",
    "phoneBusiness",
    "phoneMobile",
    "fax",
    "preferredLanguage",
    "externalURN",
]
USER_PROFILE_FIELDS = [
    "title",
    "firstName",
    "lastName",
    "birthday",
    "email",
    "phoneHome",
    "phoneBusiness",
    "phoneMobile",
    "fax",
    "preferredLanguage",
]
COMPANY_FIELDS = [
    "companyName",
    "companyName2",
    "description",
    "industry",
    "taxationID",
    "externalURN",
]


def valid_iso_date(value: str) -> bool:
    """Tell whether ``value`` is a calendar date written as yyyy-MM-dd."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value))


def check_credentials(ctx: RequestContext, credentials: dict[str, Any] | None) -> tuple[str, str]:
    """Return login and password of a registration or raise 400 with the matching key."""
    credentials = credentials or {}
    login = (credentials.get("login") or "").strip()
    password = credentials.get("password") or ""
    if not login or not password:
        raise bad_request("Credentials need a login and a password.", CREDENTIALS_MISSING)
    if not LOGIN_PATTERN.match(login):
        raise bad_request(f"Login {login!r} is not acceptable.", LOGIN_NOT_ACCEPTABLE)
    taken = ctx.store.user_by_login(ctx.site, login) is not None
    if taken and not ctx.fault("registration-duplicate-login"):
        raise bad_request(f"Login {login!r} is already taken.", LOGIN_NOT_UNIQUE)
    if not PASSWORD_PATTERN.match(password):
        raise bad_request(
            "The password needs 7 to 256 characters without blanks, with letters and digits.",
            PASSWORD_INVALID,
        )
    return login, password


def _person(data: dict[str, Any], address: dict[str, Any] | None) -> dict[str, Any]:
    person = {name: data.get(name) for name in PRIVATE_PROFILE_FIELDS if data.get(name)}
    for name in ("firstName", "lastName", "title"):
        if not person.get(name) and address and address.get(name):
            person[name] = address[name]
    missing = [name for name in ("firstName", "lastName") if not str(person.get(name, "")).strip()]
    if missing:
        raise bad_request(f"Customer fields are missing: {', '.join(missing)}.", MISSING_FIELDS)
    email = person.get("email")
    if email is not None and not EMAIL_PATTERN.match(email):
        raise bad_request(f"E-mail address {email!r} is not valid.", INVALID_FIELDS)
    birthday = person.get("birthday")
    if birthday is not None and not valid_iso_date(birthday):
        raise bad_request(f"Birthday {birthday!r} must be a date as yyyy-MM-dd.", INVALID_FIELDS)
    return person


def _customer_no(ctx: RequestContext, data: dict[str, Any]) -> str:
    number = (data.get("customerNo") or "").strip()
    if not number:
        return new_id()
    if not CUSTOMER_NO_PATTERN.match(number):
        raise bad_request(f"Customer number {number!r} is not valid.", INVALID_FIELDS)
    if ctx.store.customer_by_no(ctx.site, number) is not None:
        raise bad_request(f"Customer number {number!r} is already taken.", CUSTOMER_NO_EXISTS)
    return number


def _check_user_assignment(ctx: RequestContext, data: dict[str, Any]) -> None:
    """Refuse assigning the new customer to an existing user (each user has a customer)."""
    user_id = data.get("userId")
    if not user_id:
        return
    caller = ctx.require_user()
    if user_id not in (caller.id, caller.login):
        raise forbidden("The new customer may only be assigned to the authenticated user.")
    raise bad_request(f"User {caller.login!r} already belongs to a customer.", ALREADY_EXISTS)


def register(ctx: RequestContext, data: dict[str, Any]) -> Customer:
    """Validate a NewCustomerRO and create the customer, its first user and its address.

    The customer is a business (SMB) customer on the B2B site when registered via ``/customers``,
    else a private one.
    """
    _check_user_assignment(ctx, data)
    business = ctx.url.segments[0] == "customers" and ctx.site == B2B_SITE
    login, password = check_credentials(ctx, data.get("credentials"))
    customer_no = _customer_no(ctx, data)
    address_data = data.get("address")
    person = _person(data, address_data)
    if not isinstance(address_data, dict):
        raise bad_request("The customer address is missing.", ADDRESS_MISSING_FIELDS)
    fields = content_fields(ctx, address_data, ADDRESS_MISSING_FIELDS)
    usage = parse_usage(address_data.get("usage"), INVALID_FIELDS)
    person.setdefault("email", login if EMAIL_PATTERN.match(login) else None)
    if business:
        company = {name: data.get(name) for name in COMPANY_FIELDS if data.get(name)}
        company.setdefault(
            "companyName",
            fields.get("companyName1") or f"{person['firstName']} {person['lastName']}",
        )
        customer = create_customer(ctx, customer_no, SMB, company)
        user_profile = {name: person[name] for name in USER_PROFILE_FIELDS if name in person}
        create_user(ctx, customer, login, password, user_profile, manager=True)
    else:
        customer = create_customer(ctx, customer_no, PRIVATE, person)
        create_user(ctx, customer, login, password, {}, manager=False)
    add_address(customer, fields, usage)
    return customer


def create_customer(
    ctx: RequestContext, customer_no: str, customer_type: str, profile: dict[str, Any]
) -> Customer:
    """Store a new customer of the request's site."""
    customer = Customer(new_id(), customer_no, ctx.site, customer_type, dict(profile))
    return ctx.store.add_customer(customer)


def create_user(
    ctx: RequestContext,
    customer: Customer,
    login: str,
    password: str,
    profile: dict[str, Any],
    *,
    manager: bool,
) -> User:
    """Store a new user of ``customer`` who can log in with ``login`` and ``password``."""
    user = User(
        id=new_id(),
        login=login,
        password=password,
        customer_id=customer.id,
        profile=dict(profile),
        created=ctx.store.creation_stamp(),
        can_manage_users=manager,
        active=not ctx.fault("registration-credentials-broken"),
    )
    return ctx.store.add_user(user)


def customer_link(ctx: RequestContext, customer: Customer) -> dict[str, Any]:
    """Return the Link to a newly registered customer."""
    uri = ctx.link_uri(ctx.url.segments[0], customer.customer_no)
    return link(uri, title=customer.customer_no, item_id=customer.customer_no)
