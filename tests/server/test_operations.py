"""One success case per operation of the Customer API, and 401 for every restricted one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from conformance.server import B2B_SITE, B2C_SITE, DEMO_PASSWORD, ReferenceServer
from conformance.server.routes import ROUTES

ADDRESS = {
    "firstName": "Olga",
    "lastName": "Op",
    "addressLine1": "Table Row 1",
    "city": "Berlin",
    "countryCode": "DE",
}
DEBIT = {
    "name": "ISH_DEBIT_TRANSFER",
    "parameters": [
        {"name": "holder", "value": "Olga Op"},
        {"name": "IBAN", "value": "DE02120300000000202051"},
    ],
}
NEW_CUSTOMER = {
    "firstName": "Olga",
    "lastName": "Op",
    "address": ADDRESS,
    "credentials": {"login": "olga@test.intershop.de", "password": "Olga1234"},
}
JLINK_USERS = "customers/-/users/jlink@test.intershop.de"


@dataclass(frozen=True)
class Call:
    """A request that succeeds with ``status``; ``user`` None sends it anonymously."""

    method: str
    site: str
    path: str
    status: int
    user: str | None
    body: dict[str, Any] | None = field(default=None)


P, J = "patricia@test.intershop.de", "jlink@test.intershop.de"
CALLS: dict[str, Call] = {
    "createCustomer": Call("POST", B2B_SITE, "customers", 201, None, NEW_CUSTOMER),
    "getCustomer": Call("GET", B2B_SITE, "customers/-", 200, J),
    "updateCustomer": Call("PUT", B2B_SITE, "customers/-", 200, J, {"industry": "energy"}),
    "getAddresses": Call("GET", B2B_SITE, "customers/-/addresses", 200, J),
    "createAddress": Call("POST", B2B_SITE, "customers/-/addresses", 201, J, ADDRESS),
    "getAddress": Call("GET", B2B_SITE, "customers/-/addresses/oilcorp-hq", 200, J),
    "updateAddress": Call("PUT", B2B_SITE, "customers/-/addresses/oilcorp-hq", 200, J, ADDRESS),
    "deleteAddress": Call("DELETE", B2B_SITE, "customers/-/addresses/oilcorp-hq", 204, J),
    "getPayments": Call("GET", B2B_SITE, "customers/-/payments", 200, J),
    "createPayment": Call("POST", B2B_SITE, "customers/-/payments", 201, J, DEBIT),
    "getPaymentOptions": Call("OPTIONS", B2B_SITE, "customers/-/payments", 200, J),
    "getPayment": Call("GET", B2B_SITE, "customers/-/payments/oilcorp-invoice", 200, J),
    "updatePayment": Call("PUT", B2C_SITE, "customers/-/payments/pmiller-debit", 200, P, DEBIT),
    "deletePayment": Call("DELETE", B2B_SITE, "customers/-/payments/oilcorp-invoice", 200, J),
    "getCustomers": Call("GET", B2B_SITE, "customers/-/users", 200, J),
    "addUsersToCustomer": Call(
        "POST",
        B2B_SITE,
        "customers/-/users",
        201,
        J,
        {"elements": [{"login": "op@test.intershop.de", "firstName": "O", "lastName": "P"}]},
    ),
    "getCustomerUser": Call("GET", B2B_SITE, JLINK_USERS, 200, J),
    "updateCustomerUser": Call("PUT", B2B_SITE, JLINK_USERS, 200, J, {"department": "Board"}),
    "deleteUser": Call("DELETE", B2B_SITE, "customers/-/users/bboldner@test.intershop.de", 204, J),
    "getGiftCardsAndCertificates_1": Call(
        "GET", B2B_SITE, f"{JLINK_USERS}/giftcardsandcertificates", 200, J
    ),
    "getGiftCardAndCertificate_1": Call(
        "GET", B2B_SITE, f"{JLINK_USERS}/giftcardsandcertificates/41000000001", 200, J
    ),
    "createCustomer_1": Call("POST", B2C_SITE, "privatecustomers", 201, None, NEW_CUSTOMER),
    "createAccount": Call(
        "POST",
        B2C_SITE,
        "privatecustomers/simple",
        201,
        None,
        {"login": "simple@test.intershop.de", "password": "Simple123"},
    ),
    "getCustomer_1": Call("GET", B2C_SITE, "privatecustomers/-", 200, P),
    "updateCustomer_1": Call("PUT", B2C_SITE, "privatecustomers/-", 200, P, {"title": "Dr."}),
    "getAddresses_1": Call("GET", B2C_SITE, "privatecustomers/-/addresses", 200, P),
    "createAddress_1": Call("POST", B2C_SITE, "privatecustomers/-/addresses", 201, P, ADDRESS),
    "getAddress_1": Call("GET", B2C_SITE, "privatecustomers/-/addresses/pmiller-home", 200, P),
    "updateAddress_1": Call(
        "PUT", B2C_SITE, "privatecustomers/-/addresses/pmiller-office", 200, P, ADDRESS
    ),
    "deleteAddress_1": Call(
        "DELETE", B2C_SITE, "privatecustomers/-/addresses/pmiller-office", 204, P
    ),
    "getGiftCardsAndCertificates": Call(
        "GET", B2C_SITE, "privatecustomers/-/giftcardsandcertificates", 200, P
    ),
    "getGiftCardAndCertificate": Call(
        "GET", B2C_SITE, "privatecustomers/-/giftcardsandcertificates/27755166188", 200, P
    ),
    "getPayments_1": Call("GET", B2C_SITE, "privatecustomers/-/payments", 200, P),
    "createPayment_1": Call("POST", B2C_SITE, "privatecustomers/-/payments", 201, P, DEBIT),
    "getPaymentOptions_1": Call("OPTIONS", B2C_SITE, "privatecustomers/-/payments", 200, P),
    "getPayment_1": Call("GET", B2C_SITE, "privatecustomers/-/payments/pmiller-debit", 200, P),
    "updatePayment_1": Call(
        "PUT", B2C_SITE, "privatecustomers/-/payments/pmiller-debit", 200, P, DEBIT
    ),
    "deletePayment_1": Call(
        "DELETE", B2C_SITE, "privatecustomers/-/payments/pmiller-debit", 200, P
    ),
}
RESTRICTED = sorted(name for name, call in CALLS.items() if call.user is not None)


def _send(
    http: requests.Session, server: ReferenceServer, call: Call, user: str | None
) -> requests.Response:
    auth = (user, DEMO_PASSWORD) if user else None
    url = f"{server.base_url(site=call.site)}/{call.path}"
    return http.request(call.method, url, json=call.body, auth=auth)


def test_table_covers_every_operation() -> None:
    operation_ids = {
        operation.operation_id
        for route in ROUTES
        for operation in route.operations.values()
        if route.pattern[0] != "token"
    }
    assert len(CALLS) == 38
    assert set(CALLS) == operation_ids


@pytest.mark.parametrize("name", sorted(CALLS))
def test_operation_succeeds(
    name: str, fresh_server: ReferenceServer, http: requests.Session
) -> None:
    call = CALLS[name]
    response = _send(http, fresh_server, call, call.user)
    assert response.status_code == call.status


@pytest.mark.parametrize("name", RESTRICTED)
def test_operation_anonymous_401(
    name: str, reference_server: ReferenceServer, http: requests.Session
) -> None:
    assert _send(http, reference_server, CALLS[name], None).status_code == 401


@pytest.mark.parametrize(
    ("method", "site", "path"),
    [
        ("GET", B2B_SITE, "customers/Nobody"),
        ("PUT", B2B_SITE, "customers/Nobody"),
        ("PUT", B2C_SITE, "privatecustomers/Nobody"),
        ("PUT", B2B_SITE, "customers/-/users/nobody@test.intershop.de"),
    ],
)
def test_unknown_keys_404(
    reference_server: ReferenceServer,
    http: requests.Session,
    demo_auth: dict,
    method: str,
    site: str,
    path: str,
) -> None:
    user = "jlink" if site == B2B_SITE else "patricia"
    response = http.request(
        method, f"{reference_server.base_url(site=site)}/{path}", json={}, auth=demo_auth[user]
    )
    assert response.status_code == 404


def test_business_registration_for_other_user_403(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.post(
        f"{reference_server.base_url(site=B2B_SITE)}/customers",
        json={**NEW_CUSTOMER, "userId": "user-bboldner"},
        auth=demo_auth["jlink"],
    )
    assert response.status_code == 403
