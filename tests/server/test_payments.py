"""Saved payment instruments: list, options, create, read, update, delete and their errors."""

from __future__ import annotations

import pytest
import requests

from conformance.server import B2B_SITE, ReferenceServer

DEBIT = {
    "name": "ISH_DEBIT_TRANSFER",
    "parameters": [
        {"name": "holder", "value": "Patricia Miller"},
        {"name": "IBAN", "value": "DE02120300000000202051"},
    ],
}


@pytest.fixture
def payments(fresh_server: ReferenceServer, demo_auth: dict) -> dict:
    """Provide the payments URL and credentials of Patricia Miller on a fresh server."""
    return {
        "url": f"{fresh_server.base_url()}/privatecustomers/-/payments",
        "auth": demo_auth["patricia"],
    }


def test_list_payments_links(payments: dict, http: requests.Session) -> None:
    response = http.get(payments["url"], auth=payments["auth"])
    assert response.status_code == 200
    assert [link["itemId"] for link in response.json()["elements"]] == ["pmiller-debit"]


def test_payment_options(payments: dict, http: requests.Session) -> None:
    response = http.options(payments["url"], auth=payments["auth"])
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "PaymentOptions"
    ids = [option["id"] for option in body["methods"][0]["payments"]]
    assert "ISH_DEBIT_TRANSFER" in ids


def test_get_seeded_payment(payments: dict, http: requests.Session) -> None:
    response = http.get(f"{payments['url']}/pmiller-debit", auth=payments["auth"])
    assert response.status_code == 200
    assert response.json()["accountIdentifier"] == "DE89****3000"


def test_create_then_get(payments: dict, http: requests.Session) -> None:
    created = http.post(payments["url"], json=DEBIT, auth=payments["auth"])
    assert created.status_code == 201
    link = created.json()
    assert link["type"] == "Link"
    item = http.get(f"{payments['url']}/{link['itemId']}", auth=payments["auth"])
    assert item.json()["name"] == "ISH_DEBIT_TRANSFER"


def test_create_with_property_shape(payments: dict, http: requests.Session) -> None:
    body = {
        "name": "ISH_DEBIT_TRANSFER",
        "parameters": [
            {"key": "holder", "property": {"value": "P. Miller"}},
            {"key": "IBAN", "property": "DE44500105175407324931"},
        ],
    }
    assert http.post(payments["url"], json=body, auth=payments["auth"]).status_code == 201


@pytest.mark.parametrize(
    ("body", "error_key"),
    [
        ({}, "shopping_cart.payment.missing_fields.error"),
        ({"name": "ISH_BITCOIN"}, "shopping_cart.payment.name.error"),
        (
            {"name": "ISH_DEBIT_TRANSFER", "parameters": [{"name": "holder", "value": "P"}]},
            "shopping_cart.payment.missing_fields.error",
        ),
        (
            {
                "name": "ISH_DEBIT_TRANSFER",
                "parameters": [{"name": "holder", "value": "P"}, {"name": "IBAN", "value": "1"}],
            },
            "shopping_cart.payment.invalid_fields.error",
        ),
        (
            {"name": "ISH_INVOICE", "parameters": [{"name": "color", "value": "red"}]},
            "shopping_cart.payment.invalid_fields.error",
        ),
        (
            {"name": "ISH_GIFT_CARD", "parameters": [{"name": "giftCardNumber", "value": "1"}]},
            "shopping_cart.payment.paymentdata.error",
        ),
    ],
)
def test_create_errors_400(
    payments: dict, http: requests.Session, body: dict, error_key: str
) -> None:
    response = http.post(payments["url"], json=body, auth=payments["auth"])
    assert response.status_code == 400
    assert response.headers["error-key"] == error_key


def test_create_duplicate_400(payments: dict, http: requests.Session) -> None:
    assert http.post(payments["url"], json=DEBIT, auth=payments["auth"]).status_code == 201
    again = http.post(payments["url"], json=DEBIT, auth=payments["auth"])
    assert again.status_code == 400
    assert again.headers["error-key"] == "shopping_cart.payment.dublicate.error"


def test_gift_card_instrument_shows_balance(payments: dict, http: requests.Session) -> None:
    body = {
        "name": "ISH_GIFT_CARD",
        "parameters": [{"name": "giftCardNumber", "value": "27755166187"}],
    }
    link = http.post(payments["url"], json=body, auth=payments["auth"]).json()
    item = http.get(f"{payments['url']}/{link['itemId']}", auth=payments["auth"]).json()
    assert item["limitedTenderBalance"] == {"type": "Money", "value": 12.73, "currency": "USD"}


def test_update_with_every_attribute(payments: dict, http: requests.Session) -> None:
    body = {
        "parameters": [
            {"name": "holder", "value": "Patricia M. Miller"},
            {"name": "IBAN", "value": "DE89370400440532013000"},
        ]
    }
    response = http.put(f"{payments['url']}/pmiller-debit", json=body, auth=payments["auth"])
    assert response.status_code == 200
    holder = next(p for p in response.json()["parameters"] if p["key"] == "holder")
    assert holder["property"] == {"value": "Patricia M. Miller"}


def test_update_partial_400(payments: dict, http: requests.Session) -> None:
    body = {"parameters": [{"name": "holder", "value": "Patricia M. Miller"}]}
    response = http.put(f"{payments['url']}/pmiller-debit", json=body, auth=payments["auth"])
    assert response.status_code == 400
    assert response.headers["error-key"] == "shopping_cart.payment.missing_fields.error"


def test_update_method_change_400(payments: dict, http: requests.Session) -> None:
    response = http.put(
        f"{payments['url']}/pmiller-debit",
        json={**DEBIT, "name": "ISH_INVOICE"},
        auth=payments["auth"],
    )
    assert response.status_code == 400
    assert response.headers["error-key"] == "shopping_cart.payment.invalid_fields.error"


def test_update_invoice_without_parameters_400(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    url = f"{fresh_server.base_url(site=B2B_SITE)}/customers/-/payments/oilcorp-invoice"
    response = http.put(url, json={"name": "ISH_INVOICE"}, auth=demo_auth["jlink"])
    assert response.status_code == 400
    assert response.headers["error-key"] == "shopping_cart.payment.invalid_fields.error"


def test_delete_returns_link_then_404(payments: dict, http: requests.Session) -> None:
    url = f"{payments['url']}/pmiller-debit"
    deleted = http.delete(url, auth=payments["auth"])
    assert deleted.status_code == 200
    assert deleted.json()["type"] == "Link"
    missing = http.get(url, auth=payments["auth"])
    assert missing.status_code == 404
    assert missing.headers["error-key"] == "payment.instrument.not_found.error"
    assert http.delete(url, auth=payments["auth"]).status_code == 404


def test_deleted_preferred_instrument_leaves_profile(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = fresh_server.base_url()
    http.delete(f"{base}/privatecustomers/-/payments/pmiller-debit", auth=demo_auth["patricia"])
    profile = http.get(f"{base}/privatecustomers/-", auth=demo_auth["patricia"]).json()
    assert "preferredPaymentInstrument" not in profile


def test_payments_of_unknown_customer_404(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/Nobody/payments",
        auth=demo_auth["patricia"],
    )
    assert response.status_code == 404
    assert response.headers["error-key"] == "payment.instrument.not_found.error"


def test_anonymous_payments_401(reference_server: ReferenceServer, http: requests.Session) -> None:
    base = reference_server.base_url()
    assert http.get(f"{base}/privatecustomers/-/payments").status_code == 401
    assert http.options(f"{base}/privatecustomers/-/payments").status_code == 401


def test_business_payments(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    url = f"{reference_server.base_url(site=B2B_SITE)}/customers/-/payments/oilcorp-invoice"
    response = http.get(url, auth=demo_auth["bboldner"])
    assert response.status_code == 200
    assert response.json()["name"] == "ISH_INVOICE"


def test_create_malformed_body_keyed_400(payments: dict, http: requests.Session) -> None:
    response = http.post(
        payments["url"],
        data=b'{"parameters": 5}',
        headers={"Content-Type": "application/json"},
        auth=payments["auth"],
    )
    assert response.status_code == 400
    assert response.headers["error-key"] == "shopping_cart.payment.invalid_fields.error"
