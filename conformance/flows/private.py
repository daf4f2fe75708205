"""A private customer from registration to the last address."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.flows.addresses import address_lifecycle
from conformance.flows.base import PRIVATE, Flow, Steps
from conformance.flows.registration import check_logins, check_profile, register, registration_body

PROFILE_FIELDS = ("firstName", "lastName", "email")


class PrivateRegistrationFlow(Flow):
    """Register on the B2C site by both routes, log in every way, then run the address steps.

    The customer registered via ``POST /privatecustomers`` carries a security
    answer and is shared with later flows (cross-customer and secret checks).
    """

    name = "private-register-address"
    registers = True

    def run(self, steps: Steps, data: st.DataObject) -> None:
        base_url = steps.target.base_url
        body = registration_body(data, steps.run_id, business=False, security_answer=True)
        customer = register(
            steps, "POST /privatecustomers", base_url, body, "PRIVATE-CUSTOMER-CREATE-201", PRIVATE
        )
        self.environment.private_customer = customer
        basic = check_logins(steps, customer)
        sent = {name: body[name] for name in PROFILE_FIELDS}
        check_profile(steps, customer, basic, sent, "PRIVATE-CUSTOMER-CREATE-201")

        # The storefront registers private customers with POST /customers on the B2C site.
        storefront_body = registration_body(data, steps.run_id, business=False)
        storefront = register(
            steps, "POST /customers", base_url, storefront_body, "REGISTRATION-ANONYMOUS", PRIVATE
        )
        read = steps.call(
            "GET /customers/{CustomerKey}", storefront.principal, path={"CustomerKey": "-"}
        )
        steps.require_status(read, {200}, "REGISTRATION-CREDENTIALS-WORK")
        check_profile(
            steps, storefront, read, {"customerType": "PRIVATE"}, "REGISTRATION-ANONYMOUS"
        )

        address_lifecycle(steps, data, customer.principal, last_address=True)
