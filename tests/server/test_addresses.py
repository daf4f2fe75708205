"""Customer addresses on both customer types: every operation and documented error."""

from __future__ import annotations

import pytest
import requests

from conformance.server import B2B_SITE, ReferenceServer

NEW_ADDRESS = {
    "firstName": "Patricia",
    "lastName": "Miller",
    "addressLine1": "Unter den Linden 1",
    "postalCode": "10117",
    "city": "Berlin",
    "countryCode": "DE",
}


@pytest.fixture(params=["private", "business"])
def owner(request: pytest.FixtureRequest, fresh_server: ReferenceServer, demo_auth: dict) -> dict:
    """Provide the addresses URL and credentials of a private and of a business customer."""
    if request.param == "private":
        base = fresh_server.base_url()
        return {
            "server": fresh_server,
            "url": f"{base}/privatecustomers/-/addresses",
            "auth": demo_auth["patricia"],
            "collection": "privatecustomers",
        }
    base = fresh_server.base_url(site=B2B_SITE)
    return {
        "server": fresh_server,
        "url": f"{base}/customers/-/addresses",
        "auth": demo_auth["jlink"],
        "collection": "customers",
    }


def _create(http: requests.Session, owner: dict, body: dict) -> requests.Response:
    return http.post(owner["url"], json=body, auth=owner["auth"])


def test_list_addresses(owner: dict, http: requests.Session) -> None:
    response = http.get(owner["url"], auth=owner["auth"])
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert body["amount"] == 2
    assert all(element["type"] == "Link" for element in body["elements"])


def test_create_returns_relative_link(owner: dict, http: requests.Session) -> None:
    response = _create(http, owner, NEW_ADDRESS)
    assert response.status_code == 201
    link = response.json()
    site = "inSPIRED-inTRONICS-Site" if owner["collection"] == "privatecustomers" else B2B_SITE
    assert link["uri"] == f"{site}/-/{owner['collection']}/-/addresses/{link['itemId']}"

    resolved = http.get(owner["server"].root_url + link["uri"], auth=owner["auth"])
    assert resolved.status_code == 200
    assert resolved.json()["city"] == "Berlin"


def test_created_address_urn(owner: dict, http: requests.Session) -> None:
    link = _create(http, owner, NEW_ADDRESS).json()
    address = http.get(f"{owner['url']}/{link['itemId']}", auth=owner["auth"]).json()
    prefix, customer_id, address_id = address["urn"].rsplit(":", 2)
    assert prefix == "urn:address:customer"
    assert customer_id
    assert address_id == link["itemId"]


def test_duplicate_returns_existing_200(owner: dict, http: requests.Session) -> None:
    first = _create(http, owner, NEW_ADDRESS).json()
    duplicate = _create(http, owner, {**NEW_ADDRESS, "id": "ignored", "urn": "urn:x"})
    assert duplicate.status_code == 200
    assert duplicate.json()["itemId"] == first["itemId"]
    assert http.get(owner["url"], auth=owner["auth"]).json()["total"] == 3


@pytest.mark.parametrize(
    "missing", ["firstName", "lastName", "addressLine1", "city", "countryCode"]
)
def test_create_missing_field_400(owner: dict, http: requests.Session, missing: str) -> None:
    body = {key: value for key, value in NEW_ADDRESS.items() if key != missing}
    response = _create(http, owner, body)
    assert response.status_code == 400
    assert response.headers["error-key"] == "customer.address.missing_fields.error"


def test_create_blank_field_400(owner: dict, http: requests.Session) -> None:
    response = _create(http, owner, {**NEW_ADDRESS, "city": "   "})
    assert response.status_code == 400
    assert response.headers["error-key"] == "customer.address.missing_fields.error"


@pytest.mark.parametrize(
    "usage", ["both", 3, [1, 0], [True, False, False, False], {"empty": "no"}, {"empty": None}]
)
def test_create_invalid_usage_400(owner: dict, http: requests.Session, usage: object) -> None:
    response = _create(http, owner, {**NEW_ADDRESS, "usage": usage})
    assert response.status_code == 400
    assert response.headers["error-key"] == "customer.address.invalid_fields.usage.error"


@pytest.mark.parametrize("usage", [{"empty": False}, {"empty": True, "bits": [1]}, {}])
def test_create_accepts_usage_shapes(owner: dict, http: requests.Session, usage: object) -> None:
    assert _create(http, owner, {**NEW_ADDRESS, "usage": usage}).status_code == 201


def test_read_only_external_fields_ignored(owner: dict, http: requests.Session) -> None:
    link = _create(http, owner, {**NEW_ADDRESS, "externalId": "X1", "externalUrn": "urn:x"}).json()
    address = http.get(f"{owner['url']}/{link['itemId']}", auth=owner["auth"]).json()
    assert "externalId" not in address
    assert "externalUrn" not in address


def test_get_unknown_404(owner: dict, http: requests.Session) -> None:
    response = http.get(f"{owner['url']}/no-such-address", auth=owner["auth"])
    assert response.status_code == 404
    assert response.headers["error-key"] == "customer.address_not_found.error"


def test_update_returns_address(owner: dict, http: requests.Session) -> None:
    link = _create(http, owner, NEW_ADDRESS).json()
    url = f"{owner['url']}/{link['itemId']}"
    response = http.put(url, json={**NEW_ADDRESS, "city": "Potsdam"}, auth=owner["auth"])
    assert response.status_code == 200
    assert response.json()["city"] == "Potsdam"
    assert response.json()["id"] == link["itemId"]
    assert http.get(url, auth=owner["auth"]).json()["city"] == "Potsdam"


def test_update_missing_field_400(owner: dict, http: requests.Session) -> None:
    link = _create(http, owner, NEW_ADDRESS).json()
    response = http.put(
        f"{owner['url']}/{link['itemId']}", json={"firstName": "Only"}, auth=owner["auth"]
    )
    assert response.status_code == 400
    assert response.headers["error-key"] == "customer.address.missing_fields.error"


def test_update_preferred_address_unusable_400(owner: dict, http: requests.Session) -> None:
    preferred = http.get(owner["url"], auth=owner["auth"]).json()["elements"][0]["itemId"]
    current = http.get(f"{owner['url']}/{preferred}", auth=owner["auth"]).json()
    response = http.put(
        f"{owner['url']}/{preferred}",
        json={**current, "usage": {"empty": True}},
        auth=owner["auth"],
    )
    assert response.status_code == 400
    assert response.headers["error-key"] == "customer.address.update.error.inconsistentUsage"


def test_update_unknown_404(owner: dict, http: requests.Session) -> None:
    response = http.put(f"{owner['url']}/no-such-address", json=NEW_ADDRESS, auth=owner["auth"])
    assert response.status_code == 404
    assert response.headers["error-key"] == "customer.address.not_found.error"


def test_delete_then_404(owner: dict, http: requests.Session) -> None:
    link = _create(http, owner, NEW_ADDRESS).json()
    url = f"{owner['url']}/{link['itemId']}"
    deleted = http.delete(url, auth=owner["auth"])
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert http.get(url, auth=owner["auth"]).status_code == 404
    assert http.delete(url, auth=owner["auth"]).status_code == 404


def test_anonymous_addresses_401(owner: dict, http: requests.Session) -> None:
    assert http.get(owner["url"]).status_code == 401
    assert http.post(owner["url"], json=NEW_ADDRESS).status_code == 401


def test_last_address_409(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    url = f"{fresh_server.base_url()}/privatecustomers/-/addresses/ccross-home"
    response = http.delete(url, auth=demo_auth["cross"])
    assert response.status_code == 409
    assert response.headers["error-key"] == "customer.address.deletion.error.LastAddress"


def test_external_address_not_updatable_403(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    url = f"{fresh_server.base_url(site=B2B_SITE)}/customers/-/addresses/oilcorp-warehouse"
    address = http.get(url, auth=demo_auth["jlink"]).json()
    assert address["externalId"] == "000123456"

    response = http.put(url, json={**NEW_ADDRESS}, auth=demo_auth["jlink"])

    assert response.status_code == 403
    assert response.headers["error-key"] == "customer.address.update.error.AddressNotUpdatable"


def test_external_address_not_deletable_409(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    url = f"{fresh_server.base_url(site=B2B_SITE)}/customers/-/addresses/oilcorp-warehouse"
    response = http.delete(url, auth=demo_auth["jlink"])
    assert response.status_code == 409
    assert response.headers["error-key"] == (
        "customer.address.deletion.error.WrongAddressRepository"
    )


def test_other_customer_addresses_refused(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url()
    listing = http.get(f"{base}/privatecustomers/CCross/addresses", auth=demo_auth["patricia"])
    item = http.get(
        f"{base}/privatecustomers/CCross/addresses/ccross-home", auth=demo_auth["patricia"]
    )
    assert listing.status_code == 404
    assert item.status_code == 404
    assert item.headers["error-key"] == "customer.address_not_found.error"


def test_create_for_unknown_customer_404(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.post(
        f"{reference_server.base_url()}/privatecustomers/NoSuchCustomer/addresses",
        json=NEW_ADDRESS,
        auth=demo_auth["patricia"],
    )
    assert response.status_code == 404
    assert response.headers["error-key"] == "customer.address.not_found.error"


def test_address_matches_schema_types(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    address = http.get(
        f"{reference_server.base_url()}/privatecustomers/-/addresses/pmiller-home",
        auth=demo_auth["patricia"],
    ).json()
    usage = address.pop("usage")
    assert usage == {"empty": False}
    assert all(isinstance(value, str) for value in address.values())


@pytest.mark.parametrize("body", [b"{", b'{"firstName": {"a": 1}}', b"[]"])
def test_create_malformed_body_keyed_400(owner: dict, http: requests.Session, body: bytes) -> None:
    response = http.post(
        owner["url"], data=body, headers={"Content-Type": "application/json"}, auth=owner["auth"]
    )
    assert response.status_code == 400
    assert response.headers["error-key"] == "customer.address.missing_fields.error"


def test_update_malformed_body_keyed_400(owner: dict, http: requests.Session) -> None:
    address_id = http.get(owner["url"], auth=owner["auth"]).json()["elements"][0]["itemId"]
    response = http.put(
        f"{owner['url']}/{address_id}",
        data=b"<Address>",
        headers={"Content-Type": "text/xml"},
        auth=owner["auth"],
    )
    assert response.status_code == 400
    assert response.headers["error-key"] == "customer.address.missing_fields.error"
