"""Read-only gift cards and certificates of private customers and business users."""

from __future__ import annotations

import requests

from conformance.server import B2B_SITE, ReferenceServer


def test_private_gift_card_list(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-/giftcardsandcertificates",
        auth=demo_auth["patricia"],
    )
    assert response.status_code == 200
    assert [link["itemId"] for link in response.json()["elements"]] == [
        "27755166187",
        "27755166188",
    ]


def test_private_gift_card_item(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-/giftcardsandcertificates/27755166187",
        auth=demo_auth["patricia"],
    )
    card = response.json()
    assert response.status_code == 200
    assert card["currency"] == "USD"
    assert card["amount"] == 25.0
    assert 0 <= card["amountRemaining"] <= card["amount"]


def test_gift_card_of_other_customer_404(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-/giftcardsandcertificates/27755166190",
        auth=demo_auth["patricia"],
    )
    assert response.status_code == 404


def test_other_customers_gift_cards_403(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/CCross/giftcardsandcertificates",
        auth=demo_auth["patricia"],
    )
    assert response.status_code == 403


def test_business_user_gift_cards(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url(site=B2B_SITE)
    listing = http.get(
        f"{base}/customers/-/users/-/giftcardsandcertificates", auth=demo_auth["jlink"]
    )
    item = http.get(
        f"{base}/customers/OilCorp/users/jlink%2540test.intershop.de"
        "/giftcardsandcertificates/41000000001",
        auth=demo_auth["jlink"],
    )
    assert listing.status_code == 200
    assert listing.json()["total"] == 1
    assert item.status_code == 200
    assert item.json()["amountRemaining"] == 80.0


def test_colleague_gift_cards_403(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url(site=B2B_SITE)}/customers/-/users/"
        "bboldner@test.intershop.de/giftcardsandcertificates",
        auth=demo_auth["jlink"],
    )
    assert response.status_code == 403


def test_gift_cards_of_unknown_user_404(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url(site=B2B_SITE)}/customers/-/users/"
        "nobody@test.intershop.de/giftcardsandcertificates",
        auth=demo_auth["jlink"],
    )
    assert response.status_code == 404


def test_gift_cards_anonymous_401(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-/giftcardsandcertificates"
    )
    assert response.status_code == 401


def test_gift_cards_are_read_only(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.post(
        f"{reference_server.base_url()}/privatecustomers/-/giftcardsandcertificates",
        json={},
        auth=demo_auth["patricia"],
    )
    assert response.status_code == 405
