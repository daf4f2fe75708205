"""The address lifecycle: create, resolve, list, post again, update, delete, delete the last."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import strategies as st

from conformance import generators
from conformance.checks import Exchange
from conformance.flows.base import (
    Flow,
    FlowAborted,
    Principal,
    Steps,
    body_of,
    describe,
    differences,
    element_ids,
    item_id,
    snippet,
)

LAST_ADDRESS_KEY = "customer.address.deletion.error.LastAddress"
CURRENT = {"CustomerKey": "-"}
# Hypothesis draws its simplest values first, so two drawn addresses are often equal.
# A process-wide number keeps every address a flow posts distinct from the others.
_address_numbers = itertools.count(1)


def unique_address(data: st.DataObject, run_id: str, label: str) -> dict[str, Any]:
    """Draw an address that no other address posted by this process equals."""
    address = data.draw(generators.addresses(run_id), label=label)
    address["addressLine2"] = f"Suite {next(_address_numbers)}"
    return address


class AddressKeys:
    """The operation keys of one customer collection's addresses."""

    def __init__(self, segment: str) -> None:
        collection = f"/{segment}/{{CustomerKey}}/addresses"
        item = f"{collection}/{{CustomerAddressKey}}"
        self.list = f"GET {collection}"
        self.create = f"POST {collection}"
        self.get = f"GET {item}"
        self.update = f"PUT {item}"
        self.delete = f"DELETE {item}"


def list_addresses(steps: Steps, who: Principal, keys: AddressKeys) -> tuple[Exchange, list[str]]:
    listed = steps.call(keys.list, who, path=CURRENT)
    steps.require_status(listed, {200}, "ADDRESS-LIST-200")
    return listed, element_ids(listed)


def address_lifecycle(
    steps: Steps, data: st.DataObject, who: Principal, *, last_address: bool
) -> None:
    """Run every address step as ``who``; ``last_address`` also tries deleting the last one.

    The last-address step only runs for a customer the suite registered, whose
    single address is the one the registration created.
    """
    keys = AddressKeys(who.segment)
    _, before = list_addresses(steps, who, keys)
    sent = unique_address(data, steps.run_id, "address")
    address_id = create_address(steps, who, keys, sent, before)
    post_duplicate(steps, who, keys, sent, address_id)
    changed = unique_address(data, steps.run_id, "changed address")
    update_address(steps, who, keys, address_id, changed)
    delete_address(steps, who, keys, address_id)
    if last_address:
        delete_last_address(steps, who, keys)


def create_address(
    steps: Steps, who: Principal, keys: AddressKeys, sent: dict[str, Any], before: list[str]
) -> str:
    """Post a new address: 201, a Link that resolves to it, and exactly one more listed."""
    created = steps.call(keys.create, who, path=CURRENT, body=sent)
    steps.require_status(created, {201}, "ADDRESS-CREATE-201")
    link = body_of(created)
    address_id = item_id(link)
    steps.require(
        address_id is not None,
        "ADDRESS-CREATE-LINK",
        created,
        "Address creation names no address",
        f"{describe(created)} answered 201 without a Link.\nReceived: {snippet(created.response)}",
    )
    assert address_id is not None

    uri = str(link.get("uri", "")) if isinstance(link, dict) else ""
    followed = steps.follow(uri, who)
    problems = (
        differences(sent, body_of(followed))
        if followed.status_code == 200
        else [f"GET answered {followed.status_code}"]
    )
    steps.expect(
        not problems,
        "ADDRESS-CREATE-LINK",
        created,
        "Address Link does not resolve to the posted address",
        f"GET {followed.url} (the Link from {describe(created)}) does not return the posted "
        "address:\n" + "\n".join(problems),
    )

    listed, after = list_addresses(steps, who, keys)
    added = [identifier for identifier in after if identifier not in before]
    steps.require(
        added == [address_id],
        "ADDRESS-CREATE-201",
        listed,
        "Created address not listed exactly once",
        f"{describe(created)} answered 201 with address {address_id!r}, but the list "
        f"afterwards adds {added!r} to the {len(before)} address(es) listed before.",
    )
    return address_id


def post_duplicate(
    steps: Steps, who: Principal, keys: AddressKeys, sent: dict[str, Any], address_id: str
) -> None:
    """Post the same address again: 200 with the existing address, and no second one."""
    _, before = list_addresses(steps, who, keys)
    again = steps.call(keys.create, who, path=CURRENT, body=sent)
    _, after = list_addresses(steps, who, keys)
    returned = item_id(body_of(again))
    steps.expect(
        again.response.status_code == 200 and returned == address_id and after == before,
        "ADDRESS-CREATE-DUPLICATE-200",
        again,
        "Duplicate address not answered with the existing one",
        f"{describe(again)} with the address just created answered "
        f"{again.response.status_code} naming {returned!r}; expected 200 naming "
        f"{address_id!r}. Addresses listed before: {len(before)}, after: {len(after)}.",
    )


def update_address(
    steps: Steps, who: Principal, keys: AddressKeys, address_id: str, changed: dict[str, Any]
) -> None:
    """Update the address: the response and a later GET both show the change."""
    path = {**CURRENT, "CustomerAddressKey": address_id}
    updated = steps.call(keys.update, who, path=path, body=changed)
    steps.require_status(updated, {200}, "ADDRESS-UPDATE-200")
    problems = differences(changed, body_of(updated))
    steps.expect(
        not problems,
        "ADDRESS-UPDATE-BODY",
        updated,
        "Update response does not show the change",
        f"{describe(updated)} answered 200, but its body differs from what was sent:\n"
        + "\n".join(problems),
    )
    read = steps.call(keys.get, who, path=path)
    problems = (
        differences(changed, body_of(read))
        if read.response.status_code == 200
        else [f"GET answered {read.response.status_code}"]
    )
    steps.expect(
        not problems,
        "ADDRESS-UPDATE-200",
        read,
        "Address update not stored",
        f"{describe(read)} after an update that answered 200 does not return the update:\n"
        + "\n".join(problems),
    )


def delete_address(steps: Steps, who: Principal, keys: AddressKeys, address_id: str) -> None:
    """Delete the address: 204, then a GET returns 404."""
    path = {**CURRENT, "CustomerAddressKey": address_id}
    deleted = steps.call(keys.delete, who, path=path)
    steps.require_status(deleted, {204}, "ADDRESS-DELETE-204")
    gone = steps.call(keys.get, who, path=path, mode="expected-error")
    steps.expect(
        gone.response.status_code == 404,
        "ADDRESS-DELETE-204",
        gone,
        "Deleted address still there",
        f"{describe(gone)} after a DELETE that answered 204 answered "
        f"{gone.response.status_code}; expected 404.\nReceived: {snippet(gone.response)}",
    )


def delete_last_address(steps: Steps, who: Principal, keys: AddressKeys) -> None:
    """Try to delete the customer's only address: 409 with LastAddress, and it stays."""
    listed, remaining = list_addresses(steps, who, keys)
    if len(remaining) != 1:
        steps.result.errors.append(
            f"the last-address step needs a customer with one address, but {describe(listed)} "
            f"lists {len(remaining)}"
        )
        raise FlowAborted("no single last address")
    path = {**CURRENT, "CustomerAddressKey": remaining[0]}
    refused = steps.call(keys.delete, who, path=path, mode="expected-error")
    error_key = refused.response.headers.get("error-key")
    steps.expect(
        refused.response.status_code == 409 and error_key == LAST_ADDRESS_KEY,
        "ADDRESS-DELETE-LAST-409",
        refused,
        "Last address deletable",
        f"{describe(refused)} on the customer's only address answered "
        f"{refused.response.status_code} with error-key {error_key!r}; expected 409 with "
        f"{LAST_ADDRESS_KEY}.",
    )
    kept = steps.call(keys.get, who, path=path)
    steps.expect_status(kept, {200}, "ADDRESS-DELETE-LAST-409")


class AddressLifecycleFlow(Flow):
    """The address lifecycle on the configured accounts, for both customer collections."""

    name = "address-lifecycle"
    roles = ("private",)

    def run(self, steps: Steps, data: st.DataObject) -> None:
        for role in ("private", "admin"):
            account = steps.target.accounts.get(role)
            if account is not None:
                address_lifecycle(steps, data, Principal.of(account), last_address=False)
