"""Gift cards and certificates: the list, each item, and balances that add up."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.flows.base import PRIVATE, Flow, Principal, Steps, body_of, describe, element_ids

# Bounds the item reads on an account with many cards.
MAX_CARDS = 5


def gift_card_keys(who: Principal) -> tuple[str, str, dict[str, str]]:
    """Return the list and item operation keys for ``who`` and the path parameters."""
    if who.segment == PRIVATE:
        collection = "/privatecustomers/{CustomerKey}/giftcardsandcertificates"
        path = {"CustomerKey": "-"}
    else:
        collection = "/customers/{CustomerKey}/users/{CustomerItemUserKey}/giftcardsandcertificates"
        path = {"CustomerKey": "-", "CustomerItemUserKey": "-"}
    item = f"{collection}/{{CustomerGiftCardAndCertificateResourceKey}}"
    return f"GET {collection}", f"GET {item}", path


def check_gift_cards(steps: Steps, who: Principal) -> None:
    """List the cards of ``who``, read each, and compare remaining amount with amount."""
    list_key, item_key, path = gift_card_keys(who)
    listed = steps.call(list_key, who, path=path)
    steps.require_status(listed, {200}, "GIFTCARD-LIST-200")
    for number in element_ids(listed)[:MAX_CARDS]:
        card = steps.call(
            item_key, who, path={**path, "CustomerGiftCardAndCertificateResourceKey": number}
        )
        if card.response.status_code != 200:
            steps.expect_status(card, {200}, "GIFTCARD-GET-200")
            continue
        body = body_of(card) or {}
        amount, remaining = body.get("amount"), body.get("amountRemaining")
        numeric = all(isinstance(value, int | float) for value in (amount, remaining))
        steps.expect(
            numeric and 0 <= remaining <= amount,  # type: ignore[operator]
            "GIFTCARD-AMOUNT-REMAINING",
            card,
            "Gift card balance above its amount",
            f"{describe(card)} has amount {amount!r} and amountRemaining {remaining!r}; "
            "expected 0 <= amountRemaining <= amount.",
        )


class GiftCardsFlow(Flow):
    """Gift cards of every configured account; reads only, so it runs in read-only mode too."""

    name = "giftcards"
    roles = ("private",)
    writes = False

    def run(self, steps: Steps, data: st.DataObject) -> None:
        for account in steps.target.accounts.values():
            check_gift_cards(steps, Principal.of(account))
