"""The storefront's own end-to-end flow against the reference server.

Register anonymously with the body the storefront's end-to-end test sends, log in with Basic,
continue with the authentication-token, add an address, resolve the returned Link, update the
address and read the updated address from the PUT response.
"""

from __future__ import annotations

import requests

from conformance.server import ReferenceServer

STOREFRONT_PASSWORD = "!InterShop00!"


def _registration_body(login: str) -> dict:
    return {
        "firstName": "Erika",
        "lastName": "Mustermann",
        "customerNo": "e2e-4711",
        "email": login,
        "phoneHome": "030123456",
        "title": "Ms.",
        "preferredLanguage": "en_US",
        "address": {
            "title": "Ms.",
            "firstName": "Erika",
            "lastName": "Mustermann",
            "addressLine1": "Heidestr. 17",
            "addressLine2": "",
            "addressLine3": "",
            "postalCode": "51147",
            "city": "Koeln",
            "phoneHome": "030123456",
            "countryCode": "DE",
            "mainDivision": "",
        },
        "credentials": {
            "login": login,
            "password": STOREFRONT_PASSWORD,
            "securityQuestion": "What is your favorite color?",
            "securityQuestionAnswer": "blue",
        },
    }


def test_storefront_flow(fresh_server: ReferenceServer, http: requests.Session) -> None:
    base = fresh_server.base_url()
    login = "erika@test.intershop.de"

    registered = http.post(f"{base}/customers", json=_registration_body(login))
    assert registered.status_code == 201
    assert registered.json()["type"] == "Link"

    customer = http.get(f"{base}/customers/-", auth=(login, STOREFRONT_PASSWORD))
    assert customer.status_code == 200
    assert customer.json()["customerType"] == "PRIVATE"
    token = customer.headers["authentication-token"]
    auth = {"authentication-token": token}

    profile = http.get(f"{base}/privatecustomers/-", headers=auth)
    assert profile.status_code == 200
    assert profile.json()["customerNo"] == "e2e-4711"
    assert profile.json()["login"] == login

    new_address = {
        "firstName": "Erika",
        "lastName": "Mustermann",
        "addressLine1": "Domstr. 1",
        "postalCode": "50667",
        "city": "Koeln",
        "countryCode": "DE",
    }
    created = http.post(f"{base}/privatecustomers/-/addresses", json=new_address, headers=auth)
    assert created.status_code == 201
    link = created.json()
    assert link["uri"].startswith("inSPIRED-inTRONICS-Site/-/privatecustomers/-/addresses/")

    resolved = http.get(fresh_server.root_url + link["uri"], headers=auth)
    assert resolved.status_code == 200
    address = resolved.json()
    assert address["id"] == link["itemId"]
    assert address["addressLine1"] == "Domstr. 1"

    changed = {**new_address, "addressLine1": "Domstr. 2", "id": address["id"]}
    updated = http.put(fresh_server.root_url + link["uri"], json=changed, headers=auth)
    assert updated.status_code == 200
    assert updated.json()["addressLine1"] == "Domstr. 2"
    assert updated.json()["urn"] == address["urn"]

    reread = http.get(fresh_server.root_url + link["uri"], headers=auth)
    assert reread.json()["addressLine1"] == "Domstr. 2"


def test_storefront_registration_twice_rejected(
    fresh_server: ReferenceServer, http: requests.Session
) -> None:
    base = fresh_server.base_url()
    body = _registration_body("twice@test.intershop.de")
    assert http.post(f"{base}/customers", json=body).status_code == 201

    again = http.post(f"{base}/customers", json={**body, "customerNo": "e2e-4712"})

    assert again.status_code == 400
    assert again.headers["error-key"] == "customer.credentials.login.not_unique.error"
