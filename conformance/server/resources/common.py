"""Helpers shared by the resource handlers: resolving customer and user keys, and Links."""

from __future__ import annotations

from typing import Any

from conformance.server.context import RequestContext
from conformance.server.errors import ApiError, not_found, unauthorized
from conformance.server.store import Customer, User

CURRENT = "-"


def current_user(ctx: RequestContext, *, fallback_allowed: bool = False) -> User:
    """Return the caller, or raise 401 for an anonymous caller.

    With the ``auth-not-required`` fault, an anonymous GET on the current customer is served the
    site's first demo user instead.
    """
    if ctx.user is not None:
        return ctx.user
    if (
        fallback_allowed
        and ctx.fault("auth-not-required")
        and ctx.request.method
        in (
            "GET",
            "HEAD",
        )
    ):
        for user in ctx.store.users.values():
            if ctx.store.customers[user.customer_id].site == ctx.site:
                return user
    raise unauthorized()


def _denied(ctx: RequestContext, resource: str) -> ApiError:
    status = ctx.operation.denied_status if ctx.operation else 404
    if status == 403:
        return ApiError(403, f"The authenticated user may not access {resource}.")
    return not_found(f"{resource} was not found.")


def resolve_customer(ctx: RequestContext, key: str, kind: str | None = None) -> Customer:
    """Resolve a CustomerKey (``-``, customer number or ID) to the caller's own customer.

    ``kind`` ``"private"`` or ``"smb"`` restricts the customer type (404 otherwise). A key of
    another customer is refused with the operation's denied status.
    """
    user = current_user(ctx, fallback_allowed=key == CURRENT)
    own = ctx.store.customers[user.customer_id]
    if key == CURRENT:
        customer = own
    else:
        found = ctx.store.customer_by_key(ctx.site, key)
        if found is None:
            raise not_found(f"Customer {key!r} was not found.")
        reading = ctx.request.method in ("GET", "HEAD")
        fault = "cross-customer-read" if reading else "cross-customer-write"
        if found.id != own.id and not ctx.fault(fault):
            raise _denied(ctx, f"customer {key!r}")
        customer = found
    if kind == "private" and not customer.is_private:
        raise not_found(f"Customer {key!r} is not a private customer.")
    if kind == "smb" and customer.is_private:
        raise not_found(f"Customer {key!r} is not a business customer.")
    return customer


def resolve_user(ctx: RequestContext, customer: Customer, key: str) -> User:
    """Resolve a user key (``-``, login or user ID) among the users of ``customer``; 404 else."""
    caller = current_user(ctx)
    if key == CURRENT:
        if caller.customer_id != customer.id:
            raise not_found("The current user is not a user of this customer.")
        return caller
    folded_key = key.casefold()
    for user in ctx.store.users_of(customer):
        if user.id == key or user.login.casefold() == folded_key:
            return user
    raise not_found(f"User {key!r} was not found at customer {customer.customer_no!r}.")


def customer_segment(key: str, customer: Customer) -> str:
    """Return the customer key to put into Link URIs: ``-`` stays, other keys become numbers."""
    return CURRENT if key == CURRENT else customer.customer_no


def link(
    uri: str,
    *,
    title: str | None = None,
    item_id: str | None = None,
    relation: str | None = None,
) -> dict[str, Any]:
    """Return a LinkRO."""
    data: dict[str, Any] = {"type": "Link", "uri": uri}
    if title is not None:
        data["title"] = title
    if item_id is not None:
        data["itemId"] = item_id
    if relation is not None:
        data["relation"] = relation
    return data


def link_collection(name: str, links: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a ResourceCollection of Links with its paging fields (everything on one page)."""
    return {
        "type": "ResourceCollection",
        "name": name,
        "elements": links,
        "amount": len(links),
        "offset": 0,
        "total": len(links),
    }


def drop_none(data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` without the keys whose value is None."""
    return {key: value for key, value in data.items() if value is not None}
