"""Content negotiation, XML in both directions and the responses to bad input."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests

from conformance.server import B2B_SITE, ReferenceServer
from conformance.server.xmlcodec import XmlBodyError, from_xml, to_xml

XML_HEADERS = {"Accept": "text/xml"}


def _xml(response: requests.Response) -> ET.Element:
    assert response.headers["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def test_private_customer_xml_root(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-",
        auth=demo_auth["patricia"],
        headers=XML_HEADERS,
    )
    root = _xml(response)
    assert root.tag == "PrivateCustomer"
    assert root.get("type") == "PrivateCustomer"
    assert root.findtext("lastName") == "Miller"
    assert root.find("preferredInvoiceToAddress/usage/empty") is not None


def test_link_collection_xml_is_wrapped(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-/addresses",
        auth=demo_auth["patricia"],
        headers=XML_HEADERS,
    )
    root = _xml(response)
    assert root.tag == "ResourceCollection"
    links = root.findall("elements/Link")
    assert len(links) == 2
    assert links[0].get("type") == "Link"
    assert links[0].findtext("itemId") == "pmiller-home"


def test_users_xml_sort_keys(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url(site=B2B_SITE)}/customers/-/users",
        auth=demo_auth["jlink"],
        headers=XML_HEADERS,
    )
    root = _xml(response)
    assert root.get("name") == "users"
    assert [key.text for key in root.findall("sortKeys/sortKey")] == ["name"]


def test_payment_options_xml_unwrapped_arrays(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.options(
        f"{reference_server.base_url()}/privatecustomers/-/payments",
        auth=demo_auth["patricia"],
        headers=XML_HEADERS,
    )
    root = _xml(response)
    assert root.tag == "PaymentOptions"
    options = root.findall("PaymentOptionsForMethodRO/PaymentOption")
    assert {option.findtext("id") for option in options} >= {"ISH_INVOICE", "ISH_DEBIT_TRANSFER"}
    debit = next(opt for opt in options if opt.findtext("id") == "ISH_DEBIT_TRANSFER")
    assert debit.find("parameters/Property") is not None


def test_error_body_xml(reference_server: ReferenceServer, http: requests.Session) -> None:
    response = http.get(f"{reference_server.base_url()}/privatecustomers/-", headers=XML_HEADERS)
    assert response.status_code == 401
    assert _xml(response).tag == "error"


def test_xml_request_body_creates_address(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Address type="Address"><firstName>Xaver</firstName><lastName>Ml</lastName>'
        b"<addressLine1>Ringstr. 1</addressLine1><city>Jena</city>"
        b"<countryCode>DE</countryCode><usage><empty>false</empty></usage></Address>"
    )
    base = fresh_server.base_url()
    created = http.post(
        f"{base}/privatecustomers/-/addresses",
        data=body,
        headers={"Content-Type": "text/xml", "Accept": "text/xml"},
        auth=demo_auth["patricia"],
    )
    assert created.status_code == 201
    link = _xml(created)
    assert link.tag == "Link"
    uri = link.findtext("uri")
    assert uri is not None
    address = http.get(fresh_server.root_url + uri, auth=demo_auth["patricia"])
    assert address.json()["firstName"] == "Xaver"


def test_xml_request_body_users_collection(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    body = (
        b"<SMBCustomerUserCollection>"
        b"<SMBCustomerUser><login>x1@test.intershop.de</login><firstName>X</firstName>"
        b"<lastName>One</lastName></SMBCustomerUser>"
        b"<SMBCustomerUser><login>x2@test.intershop.de</login><firstName>X</firstName>"
        b"<lastName>Two</lastName><active>true</active></SMBCustomerUser>"
        b"</SMBCustomerUserCollection>"
    )
    response = http.post(
        f"{fresh_server.base_url(site=B2B_SITE)}/customers/-/users",
        data=body,
        headers={"Content-Type": "text/xml"},
        auth=demo_auth["jlink"],
    )
    assert response.status_code == 201
    assert [user["login"] for user in response.json()["elements"]] == [
        "x1@test.intershop.de",
        "x2@test.intershop.de",
    ]


def test_xml_round_trip_of_address() -> None:
    address = {
        "type": "Address",
        "id": "a1",
        "firstName": "Ann",
        "postalCode": "12345",
        "usage": {"empty": True},
    }
    assert from_xml(to_xml(address, "AddressRO"), "AddressRO") == address


@pytest.mark.parametrize(
    "document",
    [
        b"<Address><firstName>Ann</firstName>",
        b"<Customer><firstName>Ann</firstName></Customer>",
        b'<!DOCTYPE x [<!ENTITY a "b">]><Address><city>&a;</city></Address>',
        b"<Address><usage><empty>maybe</empty></usage></Address>",
    ],
)
def test_from_xml_rejects(document: bytes) -> None:
    with pytest.raises(XmlBodyError):
        from_xml(document, "AddressRO")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        ("text/xml", "text/xml"),
        ("text/*", "text/xml"),
        ("application/json;q=0.5, text/xml", "text/xml"),
    ],
)
def test_accept_negotiation(
    reference_server: ReferenceServer,
    http: requests.Session,
    demo_auth: dict,
    accept: str | None,
    expected: str,
) -> None:
    # requests drops a header whose value is None, so None sends no Accept at all.
    headers = {"Accept": accept}
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-",
        auth=demo_auth["patricia"],
        headers=headers,
    )
    assert response.headers["Content-Type"].split(";")[0] == expected


def test_unsupported_accept_406(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-",
        auth=demo_auth["patricia"],
        headers={"Accept": "image/png"},
    )
    assert response.status_code == 406
    assert response.text
    assert response.headers.get("authentication-token")


def test_token_endpoint_offers_json_only(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.post(
        f"{reference_server.base_url()}/token",
        data={"grant_type": "anonymous"},
        headers=XML_HEADERS,
    )
    assert response.status_code == 406


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"{"),
        ("application/json", b"[1, 2]"),
        ("application/json", b'{"firstName": {"nested": true}}'),
        ("application/json", b"\xff\xfe"),
        ("application/json", b'{"city": NaN}'),
        ("application/json", b"[" * 100000),
        ("text/xml", b"<Address>"),
        ("text/xml", b"<Link/>"),
    ],
)
def test_bad_bodies_400(
    reference_server: ReferenceServer,
    http: requests.Session,
    demo_auth: dict,
    content_type: str,
    body: bytes,
) -> None:
    response = http.post(
        f"{reference_server.base_url()}/privatecustomers/-/addresses",
        data=body,
        headers={"Content-Type": content_type},
        auth=demo_auth["patricia"],
    )
    assert response.status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_unsupported_body_type_415(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict, content_type: str
) -> None:
    response = http.post(
        f"{reference_server.base_url()}/privatecustomers/-/addresses",
        data=b"firstName=x",
        headers={"Content-Type": content_type},
        auth=demo_auth["patricia"],
    )
    assert response.status_code == 415


def test_body_over_one_mebibyte_413(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.post(
        f"{reference_server.base_url()}/privatecustomers",
        data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PATCH", "/privatecustomers/-", "GET, HEAD, PUT"),
        ("DELETE", "/privatecustomers/-/addresses", "GET, HEAD, POST"),
        ("GET", "/privatecustomers/simple", "POST"),
        ("OPTIONS", "/privatecustomers/-/addresses/pmiller-home", "DELETE, GET, HEAD, PUT"),
        ("GET", "/token", "POST"),
    ],
)
def test_wrong_method_405_with_allow(
    reference_server: ReferenceServer,
    http: requests.Session,
    demo_auth: dict,
    method: str,
    path: str,
    allowed: str,
) -> None:
    response = http.request(
        method, f"{reference_server.base_url()}{path}", auth=demo_auth["patricia"]
    )
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed


def test_head_has_no_body(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.head(
        f"{reference_server.base_url()}/privatecustomers/-", auth=demo_auth["patricia"]
    )
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    "query", ["offset=-1", "limit=abc", "limit=0", "sort=age", "sort=--name", "include=all"]
)
def test_query_values_400(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict, query: str
) -> None:
    base = reference_server.base_url(site=B2B_SITE)
    path = "users/-" if query.startswith("include") else "users"
    response = http.get(f"{base}/customers/-/{path}?{query}", auth=demo_auth["jlink"])
    assert response.status_code == 400


def test_from_xml_accepts_component_name_root() -> None:
    body = b"<CredentialsRO><login>a@b.de</login><password>Secret123</password></CredentialsRO>"
    assert from_xml(body, "CredentialsRO") == {"login": "a@b.de", "password": "Secret123"}


def test_from_xml_referenced_names_fill_in_order() -> None:
    body = (
        b"<NewCustomer><Address><city>First</city></Address>"
        b"<Address><city>Second</city></Address></NewCustomer>"
    )
    parsed = from_xml(body, "NewCustomerRO")
    assert parsed["address"] == {"city": "First"}
    assert parsed["preferredInvoiceToAddress"] == {"city": "Second"}
    assert "preferredShipToAddress" not in parsed


def test_to_xml_replaces_forbidden_characters() -> None:
    document = to_xml({"type": "Address", "city": "Bad\x01City\ud800"}, "AddressRO")
    assert ET.fromstring(document).findtext("city") == "Bad\ufffdCity\ufffd"


def test_unpaired_surrogate_400(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.put(
        f"{reference_server.base_url()}/privatecustomers/-",
        data=b'{"title": "\\ud800"}',
        headers={"Content-Type": "application/json"},
        auth=demo_auth["patricia"],
    )
    assert response.status_code == 400
