"""Profile updates: writable fields persist, read-only ones stay whatever a PUT carries."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from conformance.flows.base import (
    PRIVATE,
    Flow,
    Principal,
    Steps,
    body_of,
    describe,
    differences,
)
from conformance.safety import restoring_body

CURRENT = {"CustomerKey": "-"}
READ_ONLY_FIELDS = ("customerType", "customerNo")


def profile_update(steps: Steps, data: st.DataObject, who: Principal) -> None:
    """Change one writable field and try to change the read-only ones, then put it back."""
    private = who.segment == PRIVATE
    prefix = "/privatecustomers" if private else "/customers"
    get_key, put_key = f"GET {prefix}/{{CustomerKey}}", f"PUT {prefix}/{{CustomerKey}}"
    before = steps.call(get_key, who, path=CURRENT)
    steps.require_status(before, {200}, "CUSTOMER-GET-200")

    original: dict[str, Any] = body_of(before) or {}
    digits = data.draw(st.text(alphabet="0123456789", min_size=6, max_size=10), label="phone")
    writable = (
        {"phoneBusiness": f"+49{digits}"}
        if private
        else {"description": f"Conformance {steps.run_id} {digits}"}
    )
    intruding = {
        "customerType": "SMB" if original.get("customerType") == "PRIVATE" else "PRIVATE",
        "customerNo": f"icmc-{steps.run_id}-{digits}",
    }

    kept = {name: original.get(name) for name in READ_ONLY_FIELDS}
    updated = steps.call(put_key, who, path=CURRENT, body={**original, **writable, **intruding})
    steps.require_status(updated, {200}, "CUSTOMER-UPDATE-200")

    after = steps.call(get_key, who, path=CURRENT)
    for exchange in (updated, after):
        problems = differences(writable, body_of(exchange))
        steps.expect(
            not problems,
            "CUSTOMER-UPDATE-200",
            exchange,
            "Profile change not returned or not stored",
            f"{describe(exchange)} after the update:\n" + "\n".join(problems),
        )
        changed = differences(kept, body_of(exchange))
        steps.expect(
            not changed,
            "CUSTOMER-UPDATE-READ-ONLY",
            exchange,
            "Read-only profile field changed",
            f"{describe(exchange)} after a PUT that carried {intruding}:\n" + "\n".join(changed),
        )

    # Put the profile back right away; the session's snapshot restore is the safety net.
    restored = restoring_body(original, body_of(after) or {})
    steps.call(put_key, who, path=CURRENT, body=restored)


class ProfileFlow(Flow):
    """Profile updates as the configured private customer and business admin."""

    name = "profile-read-only-fields"
    roles = ("private",)

    def run(self, steps: Steps, data: st.DataObject) -> None:
        for role in ("private", "admin"):
            account = steps.target.accounts.get(role)
            if account is not None:
                profile_update(steps, data, Principal.of(account))
