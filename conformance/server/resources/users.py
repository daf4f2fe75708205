"""Users of a business customer: ``/customers/{CustomerKey}/users[/{UserKey}]``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from conformance.server.context import Reply, RequestContext
from conformance.server.errors import ApiError, bad_request, conflict, forbidden
from conformance.server.resources.common import (
    customer_segment,
    drop_none,
    resolve_customer,
    resolve_user,
)
from conformance.server.resources.payments import payment_ro
from conformance.server.store import Customer, User, new_id

SORT_KEYS = ("name", "creationDate", "login")
DEFAULT_LIMIT = 50
MAX_PAGE_NUMBER = 10**9
PROFILE_FIELDS = [
    "firstName",
    "lastName",
    "businessPartnerNo",
    "preferredLanguage",
    "phoneBusiness",
    "phoneMobile",
    "department",
    "title",
    "birthday",
    "phoneHome",
    "fax",
    "email",
]
INCLUDE_VALUES = ("general", "preferredShipToAddress", "preferredInvoiceToAddress")
LOGIN_PATTERN = re.compile(r"^[^\s/\\;%]{1,256}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NOT_CREATED_HEADER = "not-created-users"


def user_ro(
    ctx: RequestContext, customer: Customer, user: User, include: str | None = None
) -> dict[str, Any]:
    """Return the SMBCustomerUserRO of a user; ``include`` limits the preferred-address URNs."""
    data: dict[str, Any] = {
        "type": "SMBCustomerUser",
        "name": f"{user.profile.get('firstName', '')} {user.profile.get('lastName', '')}".strip(),
        "login": user.login,
        **{name: user.profile.get(name) for name in PROFILE_FIELDS},
        "active": user.active,
    }
    if include in (None, "preferredInvoiceToAddress"):
        data["preferredInvoiceToAddressUrn"] = user.profile.get("preferredInvoiceToAddressUrn")
    if include in (None, "preferredShipToAddress"):
        data["preferredShipToAddressUrn"] = user.profile.get("preferredShipToAddressUrn")
    payment_id = user.profile.get("preferredPaymentInstrumentId")
    if include is None and payment_id in customer.payments:
        data["preferredPaymentInstrument"] = payment_ro(
            ctx, customer, customer.payments[payment_id]
        )
    return drop_none(data)


def _user_uri(ctx: RequestContext, key: str, customer: Customer, user: User) -> str:
    return ctx.link_uri("customers", customer_segment(key, customer), "users", user.login)


def user_link(ctx: RequestContext, key: str, customer: Customer, user: User) -> dict[str, Any]:
    """Return the UserLinkRO of a user."""
    name = f"{user.profile.get('firstName', '')} {user.profile.get('lastName', '')}".strip()
    return {
        "type": "Link",
        "name": name,
        "login": user.login,
        "uri": _user_uri(ctx, key, customer, user),
    }


def _page_number(value: str | None, name: str, default: int, minimum: int) -> int:
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]{1,10}", value) or not minimum <= int(value) <= MAX_PAGE_NUMBER:
        raise bad_request(
            f"Query parameter {name}={value!r} must be an integer from {minimum} to "
            f"{MAX_PAGE_NUMBER}."
        )
    return int(value)


def _sort_key(sort: str) -> Callable[[User], Any]:
    field = sort.lstrip("-")
    if field == "login":
        return lambda user: user.login.casefold()
    if field == "creationDate":
        return lambda user: user.created
    return lambda user: (
        str(user.profile.get("lastName") or "").casefold(),
        str(user.profile.get("firstName") or "").casefold(),
        user.login.casefold(),
    )


def _matches(user: User, needle: str) -> bool:
    haystacks = (
        user.login,
        user.profile.get("firstName") or "",
        user.profile.get("lastName") or "",
    )
    return any(needle in str(text).casefold() for text in haystacks)


def list_users(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET the users of a business customer, filtered, sorted and paged."""
    customer = resolve_customer(ctx, keys["customer"], "smb")
    args = ctx.request.args
    offset = _page_number(args.get("offset"), "offset", 0, 0)
    limit = _page_number(args.get("limit"), "limit", DEFAULT_LIMIT, 1)
    sort = args.get("sort", "name")
    invalid_sort = sort.lstrip("-") not in SORT_KEYS or sort.count("-") > 1 or sort.endswith("-")
    if invalid_sort and ctx.fault("invalid-sort-accepted"):
        sort, invalid_sort = "name", False
    if invalid_sort:
        allowed = ", ".join(SORT_KEYS + tuple(f"-{key}" for key in SORT_KEYS))
        raise bad_request(f"Query parameter sort={sort!r} is not one of {allowed}.")
    filter_text = args.get("filter")
    users = ctx.store.users_of(customer)
    if filter_text and not ctx.fault("filter-ignored"):
        users = [user for user in users if _matches(user, filter_text.casefold())]
    descending = sort.startswith("-") and not ctx.fault("sort-descending-ignored")
    users = sorted(users, key=_sort_key(sort), reverse=descending)
    start = 0 if ctx.fault("paging-offset-ignored") else offset
    end = len(users) if ctx.fault("paging-ignores-limit") else start + limit
    page = users[start:end]
    body = {
        "type": "UserLinkCollection",
        "name": "users",
        "elements": [user_link(ctx, keys["customer"], customer, user) for user in page],
        "amount": len(page),
        "offset": offset,
        "limit": limit,
        "total": len(users),
        "filter": filter_text,
        "sortKeys": [sort],
    }
    return Reply(200, drop_none(body), "UserLinkROCollection")


def _require_manager(ctx: RequestContext, customer: Customer) -> User:
    caller = ctx.require_user()
    permitted = caller.can_manage_users or ctx.fault("buyer-manages-users")
    if not permitted or caller.customer_id != customer.id:
        raise forbidden("This operation needs the Manage Users permission (APP_B2B_MANAGE_USERS).")
    return caller


def _profile_updates(data: dict[str, Any]) -> dict[str, Any]:
    """Return the profile fields of a body; null clears a nullable field, else changes nothing."""
    updates = {name: data[name] for name in PROFILE_FIELDS if data.get(name) is not None}
    if "birthday" in data:
        updates["birthday"] = data["birthday"]
    return updates


def _check_partner_no(ctx: RequestContext, customer: Customer, number: str | None, user_id: str):
    if not number:
        return
    for other in ctx.store.users_of(customer):
        if other.id != user_id and other.profile.get("businessPartnerNo") == number:
            raise conflict(f"Business partner number {number!r} is already in use.")


def _create_one(ctx: RequestContext, customer: Customer, data: dict[str, Any]) -> User:
    """Create one user of a batch; raises ApiError 400 or 409 for this element."""
    login = (data.get("login") or "").strip()
    if not login:
        raise bad_request("The user login is missing.")
    if not LOGIN_PATTERN.match(login):
        raise bad_request(f"Login {login!r} is not acceptable.")
    if ctx.store.user_by_login(ctx.site, login) is not None:
        raise conflict(f"A user with login {login!r} exists.")
    profile = _profile_updates(data)
    missing = [name for name in ("firstName", "lastName") if not profile.get(name)]
    if missing:
        raise bad_request(f"User {login!r} lacks the fields {', '.join(missing)}.")
    profile.setdefault("email", login if EMAIL_PATTERN.match(login) else None)
    _check_partner_no(ctx, customer, profile.get("businessPartnerNo"), "")
    user = User(
        id=new_id(),
        login=login,
        password=None,
        customer_id=customer.id,
        profile=profile,
        created=ctx.store.creation_stamp(),
        active=data.get("active") is not False,
    )
    return ctx.store.add_user(user)


def _create_batch(
    ctx: RequestContext, customer: Customer, elements: list[dict[str, Any]]
) -> tuple[list[User], list[tuple[str, ApiError]]]:
    """Create the users one by one; return the created ones and (login, error) per failure."""
    created: list[User] = []
    failures: list[tuple[str, ApiError]] = []
    for index, element in enumerate(elements):
        try:
            created.append(_create_one(ctx, customer, element))
        except ApiError as error:
            failures.append((element.get("login") or f"elements[{index}]", error))
    return created, failures


def create_users(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """POST a batch of users: 201, 207 with not-created-users, or 409/400 if none was created."""
    customer = resolve_customer(ctx, keys["customer"], "smb")
    _require_manager(ctx, customer)
    data = ctx.body("SMBCustomerUserROCollection")
    elements = data.get("elements") or []
    if not elements:
        raise bad_request("The user collection has no elements.")

    created, failures = _create_batch(ctx, customer, elements)
    if not created:
        if all(error.status == 409 for _, error in failures):
            raise conflict("Every user in the collection exists already.")
        raise bad_request("; ".join(f"{name}: {error.message}" for name, error in failures))
    body = {
        "type": "UserLinkCollection",
        "name": "users",
        "elements": [user_link(ctx, keys["customer"], customer, user) for user in created],
        "amount": len(created),
        "offset": 0,
        "total": len(created),
    }
    if not failures:
        return Reply(201, body, "UserLinkROCollection")

    headers = {}
    if not ctx.fault("batch-207-no-header"):
        headers[NOT_CREATED_HEADER] = ",".join(_header_safe(name) for name, _ in failures)
    return Reply(207, body, "UserLinkROCollection", headers)


def _header_safe(name: str) -> str:
    """Percent-encode what an HTTP header cannot carry (non-ASCII, control characters) and the
    separators "%" and ",", so that any rejected login fits the comma-separated header."""
    return "".join(
        char if " " <= char <= "~" and char not in "%," else quote(char, safe="") for char in name
    )


def get_user(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET one user of a business customer."""
    customer = resolve_customer(ctx, keys["customer"], "smb")
    user = resolve_user(ctx, customer, keys["user"])
    include = ctx.request.args.get("include")
    if include is not None and include not in INCLUDE_VALUES:
        raise bad_request(f"Query parameter include={include!r} is not one of {INCLUDE_VALUES}.")
    return Reply(200, user_ro(ctx, customer, user, include), "SMBCustomerUserRO")


def _known_urn(customer: Customer, urn: str) -> bool:
    return any(customer.address_urn(address_id) == urn for address_id in customer.addresses)


def update_user(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """PUT a user's profile; users edit themselves, managers edit every user of the customer.

    Values are stored as sent. Address URNs of other customers and a user's attempt to
    deactivate themselves are ignored.
    """
    # NOTE: the contract documents 400 without an error-key here, so the reference rejects
    # only bodies that cannot be mapped; ICM may also check formats.
    customer = resolve_customer(ctx, keys["customer"], "smb")
    user = resolve_user(ctx, customer, keys["user"])
    caller = ctx.require_user()
    if user.id != caller.id:
        # NOTE: the contract documents no 403 here; ICM refuses such edits all the same.
        _require_manager(ctx, customer)
    data = ctx.body("SMBCustomerUserRO")
    updates = _profile_updates(data)
    _check_partner_no(ctx, customer, updates.get("businessPartnerNo"), user.id)
    for field in ("preferredInvoiceToAddressUrn", "preferredShipToAddressUrn"):
        urn = data.get(field)
        if field in data and (urn is None or _known_urn(customer, urn)):
            updates[field] = urn
    if isinstance(data.get("active"), bool) and user.id != caller.id:
        user.active = data["active"]
    stored = dict(user.profile)
    user.profile.update(updates)
    reply = Reply(200, user_ro(ctx, customer, user), "SMBCustomerUserRO")
    if ctx.fault("user-update-lost"):
        user.profile = stored
    return reply


def delete_user(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """DELETE a user; needs the Manage Users permission, and users cannot delete themselves."""
    customer = resolve_customer(ctx, keys["customer"], "smb")
    caller = _require_manager(ctx, customer)
    user = resolve_user(ctx, customer, keys["user"])
    if user.id == caller.id:
        raise forbidden("Users cannot delete themselves.")
    if not ctx.fault("user-delete-ignored"):
        ctx.store.remove_user(user)
    return Reply(204)
