"""Passwords and security answers never come back, in any response of a registered customer."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.flows.base import PRIVATE, Flow, RegisteredCustomer, Steps, element_ids
from conformance.flows.registration import check_logins, register, registration_body

CURRENT = {"CustomerKey": "-"}


class SecretsFlow(Flow):
    """Read everything a customer registered with a security answer can read, and scan it.

    Uses the customer that ``private-register-address`` registered, or
    registers one when that flow did not run. ``Steps`` scans every response
    of the flow for the password and the answer.
    """

    name = "secrets-not-returned"
    registers = True

    def run(self, steps: Steps, data: st.DataObject) -> None:
        customer = self.environment.private_customer
        if customer is None:
            body = registration_body(data, steps.run_id, business=False, security_answer=True)
            customer = register(
                steps,
                "POST /privatecustomers",
                steps.target.base_url,
                body,
                "PRIVATE-CUSTOMER-CREATE-201",
                PRIVATE,
            )
            self.environment.private_customer = customer
        steps.add_secret(customer.principal.password)
        steps.add_secret(customer.security_answer)
        read_everything(steps, customer)
        check_logins(steps, customer)


def read_everything(steps: Steps, customer: RegisteredCustomer) -> None:
    """GET every resource of a private customer, items included."""
    who = customer.principal
    steps.call("GET /customers/{CustomerKey}", who, path=CURRENT)
    steps.call("GET /privatecustomers/{CustomerKey}", who, path=CURRENT)
    collections = {
        "addresses": "CustomerAddressKey",
        "payments": "CustomerPaymentKey",
        "giftcardsandcertificates": "CustomerGiftCardAndCertificateResourceKey",
    }
    for collection, key in collections.items():
        base = f"/privatecustomers/{{CustomerKey}}/{collection}"
        listed = steps.call(f"GET {base}", who, path=CURRENT)
        for identifier in element_ids(listed):
            steps.call(f"GET {base}/{{{key}}}", who, path={**CURRENT, key: identifier})
