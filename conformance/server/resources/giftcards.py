"""Read-only gift cards and certificates of the current user.

Private customers: ``/privatecustomers/{CustomerKey}/giftcardsandcertificates[/{number}]``;
business users: ``/customers/{CustomerKey}/users/{UserKey}/giftcardsandcertificates[/{number}]``.
"""

from __future__ import annotations

from conformance.server.context import Reply, RequestContext
from conformance.server.errors import forbidden, not_found
from conformance.server.resources.common import (
    current_user,
    link,
    link_collection,
    resolve_customer,
    resolve_user,
)
from conformance.server.store import GiftCard, User


def gift_card_ro(ctx: RequestContext, card: GiftCard) -> dict:
    """Return the GiftCardAndCertificateRO of a card."""
    amount: float | str = card.amount
    remaining: float | str = card.remaining
    if ctx.fault("gift-card-balance-above-amount"):
        remaining = card.amount + 10
    if ctx.fault("schema-amount-as-string"):
        amount, remaining = f"{amount:.2f}", f"{remaining:.2f}"
    return {
        "type": "GiftCardAndCertificate",
        "name": card.number,
        "currency": card.currency,
        "amount": amount,
        "amountRemaining": remaining,
    }


def _owner(ctx: RequestContext, keys: dict[str, str]) -> User:
    """Return the user whose cards the URL names; only the caller may read their own cards."""
    if "user" in keys:
        customer = resolve_customer(ctx, keys["customer"], "smb")
        owner = resolve_user(ctx, customer, keys["user"])
    else:
        customer = resolve_customer(ctx, keys["customer"], "private")
        users = ctx.store.users_of(customer)
        if not users:
            raise not_found(f"Customer {customer.customer_no!r} has no user.")
        owner = users[0]
    caller = current_user(ctx, fallback_allowed=True)
    reading_other = owner.id != caller.id
    if reading_other and not ctx.fault("cross-customer-read"):
        raise forbidden("The authenticated user may only read their own gift cards.")
    return owner


def list_gift_cards(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET the user's gift cards and certificates as Links."""
    owner = _owner(ctx, keys)
    base = list(ctx.url.segments)
    links = [
        link(ctx.link_uri(*base, card.number), title=card.number, item_id=card.number)
        for card in owner.gift_cards.values()
    ]
    return Reply(
        200, link_collection("giftcardsandcertificates", links), "LinkROResourceCollectionRO"
    )


def get_gift_card(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """GET one gift card or certificate by its number."""
    owner = _owner(ctx, keys)
    card = owner.gift_cards.get(keys["card"])
    if card is None:
        raise not_found(f"Gift card or certificate {keys['card']!r} was not found.")
    return Reply(200, gift_card_ro(ctx, card), "GiftCardAndCertificateRO")
