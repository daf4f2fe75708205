"""Registration and customer profiles: /customers and /privatecustomers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from conformance.server import B2B_SITE, ReferenceServer

ADDRESS = {
    "firstName": "Max",
    "lastName": "Muster",
    "addressLine1": "Hauptstr. 1",
    "postalCode": "10115",
    "city": "Berlin",
    "countryCode": "DE",
}


OMIT = object()


def _new_customer(login: str, **overrides: object) -> dict:
    """Return a valid registration body; an override of OMIT removes that property."""
    body: dict = {
        "firstName": "Max",
        "lastName": "Muster",
        "birthday": "1980-01-31",
        "address": dict(ADDRESS),
        "credentials": {"login": login, "password": "Secret123"},
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not OMIT}


def test_private_registration_201(fresh_server: ReferenceServer, http: requests.Session) -> None:
    base = fresh_server.base_url()
    response = http.post(f"{base}/privatecustomers", json=_new_customer("max@test.intershop.de"))
    assert response.status_code == 201
    assert response.json()["type"] == "Link"

    profile = http.get(f"{base}/privatecustomers/-", auth=("max@test.intershop.de", "Secret123"))
    assert profile.status_code == 200
    assert profile.json()["firstName"] == "Max"
    assert profile.json()["preferredInvoiceToAddress"]["city"] == "Berlin"


@pytest.mark.parametrize(
    ("overrides", "error_key"),
    [
        ({"credentials": None}, "customer.credentials.missing_fields.error"),
        (
            {"credentials": {"login": "x@test.intershop.de"}},
            "customer.credentials.missing_fields.error",
        ),
        (
            {"credentials": {"login": "has space", "password": "Secret123"}},
            "customer.credentials.login.not_acceptable.error",
        ),
        (
            {"credentials": {"login": "patricia@test.intershop.de", "password": "Secret123"}},
            "customer.credentials.login.not_unique.error",
        ),
        (
            {"credentials": {"login": "short@test.intershop.de", "password": "abc"}},
            "customer.credentials.password.invalid.error",
        ),
        ({"customerNo": "PMiller"}, "customer.customerno.already_exists.error"),
        (
            {"firstName": OMIT, "address": {**ADDRESS, "firstName": ""}},
            "customer.missing_fields.error",
        ),
        ({"email": "not-an-email"}, "customer.invalid_fields.error"),
        ({"birthday": "31.01.1980"}, "customer.invalid_fields.error"),
        ({"address": OMIT}, "customer.address.missing_fields.error"),
        ({"address": None}, "customer.invalid_fields.error"),
        ({"address": {"firstName": "Max"}}, "customer.address.missing_fields.error"),
    ],
)
def test_private_registration_400(
    reference_server: ReferenceServer,
    http: requests.Session,
    overrides: dict,
    error_key: str,
) -> None:
    body = _new_customer("new@test.intershop.de", **overrides)
    response = http.post(f"{reference_server.base_url()}/privatecustomers", json=body)
    assert response.status_code == 400
    assert response.headers["error-key"] == error_key


def test_registration_for_other_user_403(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    body = _new_customer("new2@test.intershop.de", userId="user-ccross")
    response = http.post(
        f"{reference_server.base_url()}/privatecustomers", json=body, auth=demo_auth["patricia"]
    )
    assert response.status_code == 403


def test_registration_for_existing_user_needs_login(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    body = _new_customer("new3@test.intershop.de", userId="user-pmiller")
    response = http.post(f"{reference_server.base_url()}/privatecustomers", json=body)
    assert response.status_code == 401


def test_simple_account_201_then_409(fresh_server: ReferenceServer, http: requests.Session) -> None:
    url = f"{fresh_server.base_url()}/privatecustomers/simple"
    credentials = {"login": "simple@test.intershop.de", "password": "Simple123"}
    first = http.post(url, json=credentials)
    second = http.post(url, json=credentials)
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.headers["error-key"] == "customer.already_exists.error"


def test_simple_account_missing_password_400(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.post(
        f"{reference_server.base_url()}/privatecustomers/simple",
        json={"login": "nopass@test.intershop.de"},
    )
    assert response.status_code == 400


def test_simple_account_switched_off_501(
    start_server: Callable[..., ReferenceServer], http: requests.Session
) -> None:
    server = start_server(simple_registration=False)
    response = http.post(
        f"{server.base_url()}/privatecustomers/simple",
        json={"login": "simple@test.intershop.de", "password": "Simple123"},
    )
    assert response.status_code == 501
    assert response.headers["error-key"] == "customer.simpleaccount.not_possible.error"


def test_business_registration_makes_admin(
    fresh_server: ReferenceServer, http: requests.Session
) -> None:
    base = fresh_server.base_url(site=B2B_SITE)
    body = _new_customer("boss@test.intershop.de", companyName="NewCo", customerNo="NewCo")
    created = http.post(f"{base}/customers", json=body)
    assert created.status_code == 201
    assert created.json()["uri"].endswith("/customers/NewCo")

    auth = ("boss@test.intershop.de", "Secret123")
    customer = http.get(f"{base}/customers/-", auth=auth).json()
    added = http.post(
        f"{base}/customers/-/users",
        json={
            "elements": [{"login": "staff@test.intershop.de", "firstName": "S", "lastName": "T"}]
        },
        auth=auth,
    )
    assert customer["companyName"] == "NewCo"
    assert customer["customerType"] == "SMB"
    assert added.status_code == 201


def test_customer_registration_invalid_400(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.post(f"{reference_server.base_url(site=B2B_SITE)}/customers", json={})
    assert response.status_code == 400


def test_get_private_profile(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/PMiller", auth=demo_auth["patricia"]
    )
    body = response.json()
    assert response.status_code == 200
    assert body["customerType"] == "PRIVATE"
    assert body["preferredPaymentInstrument"]["id"] == "pmiller-debit"


def test_private_profile_of_business_customer_404(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url(site=B2B_SITE)}/privatecustomers/-", auth=demo_auth["jlink"]
    )
    assert response.status_code == 404


def test_other_private_profile_403(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url()
    assert (
        http.get(f"{base}/privatecustomers/CCross", auth=demo_auth["patricia"]).status_code == 403
    )
    assert http.get(f"{base}/customers/CCross", auth=demo_auth["patricia"]).status_code == 403


def test_unknown_customer_404(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/Nobody", auth=demo_auth["patricia"]
    )
    assert response.status_code == 404


def test_update_private_profile(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    url = f"{fresh_server.base_url()}/privatecustomers/-"
    body = {
        "firstName": "Patty",
        "phoneMobile": "+491701234567",
        "customerNo": "Changed",
        "customerType": "SMB",
        "type": "Other",
        "preferredShipToAddress": {"id": "pmiller-office"},
    }
    response = http.put(url, json=body, auth=demo_auth["patricia"])
    stored = http.get(url, auth=demo_auth["patricia"]).json()
    assert response.status_code == 200
    assert response.json() == stored
    assert stored["firstName"] == "Patty"
    assert stored["phoneMobile"] == "+491701234567"
    assert stored["customerNo"] == "PMiller"
    assert stored["customerType"] == "PRIVATE"
    assert stored["type"] == "PrivateCustomer"
    assert stored["preferredShipToAddress"]["id"] == "pmiller-office"


@pytest.mark.parametrize(
    "body",
    [
        {"firstName": 5},
        {"email": {"address": "x"}},
        {"customerNo": None},
        {"preferredInvoiceToAddress": "pmiller-home"},
        {"birthday": ["1980-01-31"]},
        [{"firstName": "List"}],
    ],
)
def test_update_private_profile_unmappable_400(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict, body: object
) -> None:
    url = f"{fresh_server.base_url()}/privatecustomers/-"
    response = http.put(url, json=body, auth=demo_auth["patricia"])
    profile = http.get(url, auth=demo_auth["patricia"]).json()
    assert response.status_code == 400
    assert profile["firstName"] == "Patricia"


def test_update_private_profile_lenient(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    url = f"{fresh_server.base_url()}/privatecustomers/-"
    body = {
        "firstName": None,
        "birthday": "sometime in June",
        "preferredInvoiceToAddress": {"id": "ccross-home"},
        "preferredPaymentInstrument": {"id": "nothing"},
    }
    response = http.put(url, json=body, auth=demo_auth["patricia"])
    profile = response.json()
    assert response.status_code == 200
    assert profile["firstName"] == "Patricia"
    assert profile["birthday"] == "sometime in June"
    assert profile["preferredInvoiceToAddress"]["id"] == "pmiller-home"
    assert profile["preferredPaymentInstrument"]["id"] == "pmiller-debit"


def test_smb_customer_profile(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url(site=B2B_SITE)}/customers/-", auth=demo_auth["bboldner"]
    )
    body = response.json()
    assert body["type"] == "SMBCustomer"
    assert body["customerNo"] == "OilCorp"
    assert body["preferredInvoiceToAddress"]["id"] == "oilcorp-hq"


def test_update_smb_customer(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    url = f"{fresh_server.base_url(site=B2B_SITE)}/customers/-"
    body = {"companyName": "Oil Corp International", "customerNo": "Other", "customerType": "X"}
    response = http.put(url, json=body, auth=demo_auth["jlink"])
    assert response.status_code == 200
    assert response.json()["companyName"] == "Oil Corp International"
    assert response.json()["customerNo"] == "OilCorp"
    assert response.json()["customerType"] == "SMB"


def test_update_smb_customer_as_buyer_403(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.put(
        f"{reference_server.base_url(site=B2B_SITE)}/customers/-",
        json={"companyName": "Mine"},
        auth=demo_auth["bboldner"],
    )
    assert response.status_code == 403


def test_private_customer_via_customers(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(f"{reference_server.base_url()}/customers/-", auth=demo_auth["patricia"])
    assert response.json() == {
        "type": "PrivateCustomer",
        "customerNo": "PMiller",
        "customerType": "PRIVATE",
    }
