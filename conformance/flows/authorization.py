"""One customer names another customer's keys explicitly instead of ``-``.

The attacker is a configured account, the victim another customer on the
same site. Every read and write with the victim's keys must be refused (401,
403 or 404), and the victim's data must be unchanged afterwards.

Victims, by target:

- the embedded server: the second demo customers (Carl Cross on the B2C
  site, AgroNet's admin on the B2B site); writes are sent, because the
  server's data is disposable;
- a real target: the customers that earlier flows registered, whose data is
  the suite's own, so writes are sent too;
- a real target with ``--icm-reuse-customers``: the configured private and
  admin accounts against each other's keys, reads only, because a write that
  the target wrongly accepts would change data the suite did not create.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from schemathesis.core import NOT_SET

from conformance import generators
from conformance.config import B2B_SITE, B2C_SITE
from conformance.flows.addresses import unique_address
from conformance.flows.base import (
    BUSINESS,
    DENIED_STATUSES,
    PRIVATE,
    Flow,
    Principal,
    Steps,
    body_of,
    describe,
    element_ids,
    item_id,
)
from conformance.flows.payments import parameter_values

logger = logging.getLogger(__name__)

CURRENT = {"CustomerKey": "-"}
# Second demo customers of the embedded server, one per site.
EMBEDDED_VICTIMS = {B2C_SITE: "cross@test.intershop.de", B2B_SITE: "pmerkel@test.intershop.de"}


@dataclass
class VictimKeys:
    """The explicit keys of a victim's data, as the victim itself reads them."""

    customer_no: str
    address_id: str | None = None
    address: dict[str, Any] = field(default_factory=dict)
    payment_id: str | None = None
    user_login: str | None = None
    gift_card: str | None = None


@dataclass(frozen=True)
class Attack:
    """One request of the attacker with the victim's keys."""

    operation: str
    path: dict[str, str]
    body: Any = NOT_SET

    @property
    def writes(self) -> bool:
        return not self.operation.startswith(("GET ", "OPTIONS "))


class CrossCustomerFlow(Flow):
    """The configured accounts against other customers' explicit keys."""

    name = "cross-customer"
    roles = ("private",)
    # The flow sends its writes only when the run is not read-only.
    writes = False

    def run(self, steps: Steps, data: st.DataObject) -> None:
        for attacker, victim, writes in self._pairs(steps):
            keys = discover(steps, data, victim, writes)
            attacks = plan_attacks(steps, data, victim.segment, keys)
            if not writes:
                attacks = [attack for attack in attacks if not attack.writes]
            for attack in attacks:
                attempt(steps, attacker, attack)
            if writes:
                verify_untouched(steps, victim, keys)

    def _pairs(self, steps: Steps) -> list[tuple[Principal, Principal, bool]]:
        settings = steps.context.settings
        accounts = {role: Principal.of(account) for role, account in steps.target.accounts.items()}
        writes = not settings.read_only
        pairs: list[tuple[Principal, Principal, bool]] = []
        if settings.embedded:
            from conformance.server import DEMO_PASSWORD

            for role, site, segment in (
                ("private", B2C_SITE, PRIVATE),
                ("admin", B2B_SITE, BUSINESS),
            ):
                if role in accounts:
                    attacker = accounts[role]
                    victim = Principal(
                        EMBEDDED_VICTIMS[site], DEMO_PASSWORD, attacker.base_url, segment, "victim"
                    )
                    pairs.append((attacker, victim, writes))
            return pairs
        registered = [
            customer.principal
            for customer in (self.environment.private_customer, self.environment.business_customer)
            if customer is not None
        ]
        for victim in registered:
            role = "private" if victim.segment == PRIVATE else "admin"
            if role in accounts:
                pairs.append((accounts[role], victim, writes))
        if not pairs and "private" in accounts and "admin" in accounts:
            # NOTE: the two accounts live on different sites, so the target may refuse the
            # keys because of the site alone; a registered victim tests more.
            pairs += [
                (accounts["private"], accounts["admin"], False),
                (accounts["admin"], accounts["private"], False),
            ]
        return pairs


def discover(steps: Steps, data: st.DataObject, victim: Principal, writes: bool) -> VictimKeys:
    """Read the victim's keys as the victim; with ``writes``, add a payment and a user first."""
    if writes:
        # The victim's password stays in memory so that the cleanup can delete these.
        steps.target.registered.setdefault(victim.login, victim.password)

    profile = steps.call("GET /customers/{CustomerKey}", victim, path=CURRENT)
    steps.require_status(profile, {200}, "AUTHZ-CROSS-CUSTOMER")
    keys = VictimKeys(customer_no=str((body_of(profile) or {}).get("customerNo", "")))

    segment = f"/{victim.segment}/{{CustomerKey}}"
    addresses = element_ids(steps.call(f"GET {segment}/addresses", victim, path=CURRENT))
    if addresses:
        keys.address_id = addresses[0]
        address = steps.call(
            f"GET {segment}/addresses/{{CustomerAddressKey}}",
            victim,
            path={**CURRENT, "CustomerAddressKey": addresses[0]},
        )
        keys.address = body_of(address) or {}

    payments = element_ids(steps.call(f"GET {segment}/payments", victim, path=CURRENT))
    if not payments and writes:
        created = steps.call(
            f"POST {segment}/payments",
            victim,
            path=CURRENT,
            body=debit_transfer(steps.run_id, 1),
        )
        new_id = item_id(body_of(created)) if created.response.status_code == 201 else None
        payments = [new_id] if new_id else []
    keys.payment_id = payments[0] if payments else None

    if victim.segment == BUSINESS:
        keys.user_login = victim_user(steps, data, victim, writes)
        cards_key = (
            "GET /customers/{CustomerKey}/users/{CustomerItemUserKey}/giftcardsandcertificates"
        )
        cards = steps.call(cards_key, victim, path={**CURRENT, "CustomerItemUserKey": "-"})
    else:
        cards = steps.call(
            "GET /privatecustomers/{CustomerKey}/giftcardsandcertificates", victim, path=CURRENT
        )
    card_numbers = element_ids(cards)
    keys.gift_card = card_numbers[0] if card_numbers else None
    return keys


def victim_user(steps: Steps, data: st.DataObject, victim: Principal, writes: bool) -> str:
    """Return a user of the victim's customer to attack: a new one when writes are sent."""
    if writes:
        user = data.draw(generators.user_values(steps.run_id), label="victim user")
        created = steps.call(
            "POST /customers/{CustomerKey}/users", victim, path=CURRENT, body={"elements": [user]}
        )
        if created.response.status_code == 201:
            return str(user["login"])
    return victim.login


def debit_transfer(run_id: str, version: int) -> dict[str, Any]:
    """Return a direct debit instrument body with fresh values."""
    parameters = parameter_values(["holder", "IBAN"], run_id, version)
    return {"name": "ISH_DEBIT_TRANSFER", "parameters": parameters}


def plan_attacks(steps: Steps, data: st.DataObject, segment: str, keys: VictimKeys) -> list[Attack]:
    """Return the requests that name the victim's keys, reads first."""
    prefix = f"/{segment}/{{CustomerKey}}"
    own = {"CustomerKey": keys.customer_no}
    address = unique_address(data, steps.run_id, "intruding address")
    attacks = [
        Attack(f"GET {prefix}", own),
        Attack(f"GET {prefix}/addresses", own),
        Attack(f"GET {prefix}/payments", own),
        Attack(f"OPTIONS {prefix}/payments", own),
    ]
    writes = [
        Attack(f"PUT {prefix}", own, {"lastName": f"Intruder {steps.run_id}"}),
        Attack(f"POST {prefix}/addresses", own, address),
        Attack(f"POST {prefix}/payments", own, debit_transfer(steps.run_id, 3)),
    ]
    if keys.address_id:
        path = {**own, "CustomerAddressKey": keys.address_id}
        item = f"{prefix}/addresses/{{CustomerAddressKey}}"
        attacks.append(Attack(f"GET {item}", path))
        writes += [Attack(f"PUT {item}", path, address), Attack(f"DELETE {item}", path)]
    if keys.payment_id:
        path = {**own, "CustomerPaymentKey": keys.payment_id}
        item = f"{prefix}/payments/{{CustomerPaymentKey}}"
        attacks.append(Attack(f"GET {item}", path))
        body = debit_transfer(steps.run_id, 4)
        writes += [Attack(f"PUT {item}", path, body), Attack(f"DELETE {item}", path)]
    if segment == PRIVATE:
        cards = f"{prefix}/giftcardsandcertificates"
        attacks.append(Attack(f"GET {cards}", own))
        if keys.gift_card:
            attacks.append(
                Attack(
                    f"GET {cards}/{{CustomerGiftCardAndCertificateResourceKey}}",
                    {**own, "CustomerGiftCardAndCertificateResourceKey": keys.gift_card},
                )
            )
    else:
        attacks += business_attacks(steps, prefix, own, keys, writes)
    return attacks + writes


def business_attacks(
    steps: Steps, prefix: str, own: dict[str, str], keys: VictimKeys, writes: list[Attack]
) -> list[Attack]:
    """Return the reads of a business victim's users, and add the writes to ``writes``."""
    users = f"{prefix}/users"
    reads = [Attack(f"GET {users}", own)]
    writes.append(Attack(f"POST {users}", own, {"elements": []}))
    if keys.user_login:
        path = {**own, "CustomerItemUserKey": keys.user_login}
        item = f"{users}/{{CustomerItemUserKey}}"
        reads += [
            Attack(f"GET {item}", path),
            Attack(f"GET {item}/giftcardsandcertificates", path),
        ]
        writes += [
            Attack(f"PUT {item}", path, {"lastName": f"Intruder {steps.run_id}"}),
            Attack(f"DELETE {item}", path),
        ]
    return reads


def attempt(steps: Steps, attacker: Principal, attack: Attack) -> None:
    """Send one attack; anything but 401, 403 or 404 breaks AUTHZ-CROSS-CUSTOMER."""
    exchange = steps.call(
        attack.operation, attacker, path=attack.path, body=attack.body, mode="cross-customer"
    )
    steps.expect(
        exchange.response.status_code in DENIED_STATUSES,
        "AUTHZ-CROSS-CUSTOMER",
        exchange,
        f"Another customer's data served: {attack.operation}",
        f"{describe(exchange)} as {attacker.login} with another customer's keys answered "
        f"{exchange.response.status_code}; expected 401, 403 or 404.",
    )


def verify_untouched(steps: Steps, victim: Principal, keys: VictimKeys) -> None:
    """Read the victim's data again as the victim: nothing the attacks named may change."""
    segment = f"/{victim.segment}/{{CustomerKey}}"
    checks: list[tuple[str, str, str]] = []
    if keys.address_id:
        operation = f"GET {segment}/addresses/{{CustomerAddressKey}}"
        checks.append((operation, "CustomerAddressKey", keys.address_id))
    if keys.payment_id:
        operation = f"GET {segment}/payments/{{CustomerPaymentKey}}"
        checks.append((operation, "CustomerPaymentKey", keys.payment_id))
    if keys.user_login and victim.segment == BUSINESS:
        operation = "GET /customers/{CustomerKey}/users/{CustomerItemUserKey}"
        checks.append((operation, "CustomerItemUserKey", keys.user_login))
    for operation, name, value in checks:
        read = steps.call(operation, victim, path={**CURRENT, name: value})
        status = read.response.status_code
        changed = name == "CustomerAddressKey" and bool(keys.address)
        changed = changed and status == 200 and body_of(read) != keys.address
        steps.expect(
            status == 200 and not changed,
            "AUTHZ-CROSS-CUSTOMER",
            read,
            "Another customer's data changed",
            f"{describe(read)} as its owner after the attacks answered {status}"
            + (" with changed content." if changed else "; expected 200 and no change."),
        )
