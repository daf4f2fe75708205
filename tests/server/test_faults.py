"""Every seeded fault changes exactly the behaviour it names.

Each probe returns True when it observes the fault's deviation. It must observe it on a server
seeded with the fault and must not observe it on a clean server.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
import requests

from conformance.server import B2B_SITE, DEMO_PASSWORD, FAULTS, ReferenceServer
from conformance.server.faults import Fault, validate_fault

PATRICIA = ("patricia@test.intershop.de", DEMO_PASSWORD)
JLINK = ("jlink@test.intershop.de", DEMO_PASSWORD)
NEW_ADDRESS = {
    "firstName": "Fay",
    "lastName": "Fault",
    "addressLine1": "Bug Lane 1",
    "postalCode": "12345",
    "city": "Berlin",
    "countryCode": "DE",
}
DOCUMENTED_CREATE_KEYS = {
    "customer.address.invalid_fields.usage.error",
    "customer.address.missing_fields.error",
}

Probe = Callable[[ReferenceServer, requests.Session], bool]


def _addresses(server: ReferenceServer) -> str:
    return f"{server.base_url()}/privatecustomers/-/addresses"


def _profile(server: ReferenceServer) -> str:
    return f"{server.base_url()}/privatecustomers/-"


def _create_address(server: ReferenceServer, http: requests.Session) -> requests.Response:
    return http.post(_addresses(server), json=NEW_ADDRESS, auth=PATRICIA)


def _xml_profile(server: ReferenceServer, http: requests.Session) -> requests.Response:
    return http.get(_profile(server), auth=PATRICIA, headers={"Accept": "text/xml"})


def _schema_wrong_type(server: ReferenceServer, http: requests.Session) -> bool:
    address = http.get(f"{_addresses(server)}/pmiller-home", auth=PATRICIA).json()
    return not isinstance(address["postalCode"], str)


def _status_undocumented(server: ReferenceServer, http: requests.Session) -> bool:
    return _create_address(server, http).status_code not in (200, 201)


def _error_key_missing(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.post(_addresses(server), json={}, auth=PATRICIA)
    return "error-key" not in response.headers


def _error_key_undocumented(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.post(_addresses(server), json={}, auth=PATRICIA)
    return response.headers.get("error-key") not in DOCUMENTED_CREATE_KEYS


def _auth_token_missing(server: ReferenceServer, http: requests.Session) -> bool:
    return "authentication-token" not in http.get(_profile(server)).headers


def _content_type_wrong(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.get(_profile(server), auth=PATRICIA)
    return not response.headers["Content-Type"].startswith("application/json")


def _xml_malformed(server: ReferenceServer, http: requests.Session) -> bool:
    try:
        ET.fromstring(_xml_profile(server, http).content)
    except ET.ParseError:
        return True
    return False


def _xml_wrong_root(server: ReferenceServer, http: requests.Session) -> bool:
    return ET.fromstring(_xml_profile(server, http).content).tag != "PrivateCustomer"


def _xml_as_json(server: ReferenceServer, http: requests.Session) -> bool:
    return not _xml_profile(server, http).headers["Content-Type"].startswith("text/xml")


def _address_not_stored(server: ReferenceServer, http: requests.Session) -> bool:
    link = _create_address(server, http).json()
    return http.get(server.root_url + link["uri"], auth=PATRICIA).status_code == 404


def _address_update_lost(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{_addresses(server)}/pmiller-office"
    http.put(url, json={**NEW_ADDRESS, "city": "Changed"}, auth=PATRICIA)
    return http.get(url, auth=PATRICIA).json()["city"] != "Changed"


def _address_delete_ignored(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{_addresses(server)}/pmiller-office"
    http.delete(url, auth=PATRICIA)
    return http.get(url, auth=PATRICIA).status_code == 200


def _address_duplicate_created(server: ReferenceServer, http: requests.Session) -> bool:
    _create_address(server, http)
    return _create_address(server, http).status_code == 201


def _address_last_deletable(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{_addresses(server)}/ccross-home"
    return http.delete(url, auth=("cross@test.intershop.de", DEMO_PASSWORD)).status_code == 204


def _cross_customer_read(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{server.base_url()}/privatecustomers/CCross"
    return http.get(url, auth=PATRICIA).status_code == 200


def _auth_not_required(server: ReferenceServer, http: requests.Session) -> bool:
    return http.get(_profile(server)).status_code == 200


def _token_invalid_accepted(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.get(_profile(server), headers={"authentication-token": "garbage"})
    return response.status_code != 400


def _readonly_field_changes(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.put(_profile(server), json={"customerNo": "Changed"}, auth=PATRICIA)
    return response.json()["customerNo"] == "Changed"


def _users_url(server: ReferenceServer) -> str:
    return f"{server.base_url(site=B2B_SITE)}/customers/-/users"


def _paging_ignores_limit(server: ReferenceServer, http: requests.Session) -> bool:
    body = http.get(_users_url(server), params={"limit": "1"}, auth=JLINK).json()
    return body["amount"] > 1


def _batch_207_no_header(server: ReferenceServer, http: requests.Session) -> bool:
    batch = [
        {"login": "fresh@test.intershop.de", "firstName": "F", "lastName": "R"},
        {"login": "jlink@test.intershop.de", "firstName": "J", "lastName": "L"},
    ]
    response = http.post(_users_url(server), json={"elements": batch}, auth=JLINK)
    return response.status_code == 207 and "not-created-users" not in response.headers


def _server_error_on_edge(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.post(_addresses(server), json={**NEW_ADDRESS, "firstName": ""}, auth=PATRICIA)
    return response.status_code >= 500


def _link_absolute_uri(server: ReferenceServer, http: requests.Session) -> bool:
    return _create_address(server, http).json()["uri"].startswith("http")


PROBES: dict[str, Probe] = {
    "schema-wrong-type": _schema_wrong_type,
    "status-undocumented": _status_undocumented,
    "error-key-missing": _error_key_missing,
    "error-key-undocumented": _error_key_undocumented,
    "auth-token-missing": _auth_token_missing,
    "content-type-wrong": _content_type_wrong,
    "xml-malformed": _xml_malformed,
    "xml-wrong-root": _xml_wrong_root,
    "xml-as-json": _xml_as_json,
    "address-not-stored": _address_not_stored,
    "address-update-lost": _address_update_lost,
    "address-delete-ignored": _address_delete_ignored,
    "address-duplicate-created": _address_duplicate_created,
    "address-last-deletable": _address_last_deletable,
    "cross-customer-read": _cross_customer_read,
    "auth-not-required": _auth_not_required,
    "token-invalid-accepted": _token_invalid_accepted,
    "readonly-field-changes": _readonly_field_changes,
    "paging-ignores-limit": _paging_ignores_limit,
    "batch-207-no-header": _batch_207_no_header,
    "server-error-on-edge": _server_error_on_edge,
    "link-absolute-uri": _link_absolute_uri,
}


def test_every_fault_has_a_probe() -> None:
    assert set(PROBES) == set(FAULTS)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_fault_shows_deviation(
    name: str, start_server: Callable[..., ReferenceServer], http: requests.Session
) -> None:
    assert PROBES[name](start_server(fault=name), http)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_clean_server_shows_no_deviation(
    name: str, start_server: Callable[..., ReferenceServer], http: requests.Session
) -> None:
    assert not PROBES[name](start_server(), http)


def test_fault_catalogue_entries() -> None:
    assert all(isinstance(fault, Fault) and fault.name == name for name, fault in FAULTS.items())


def test_unknown_fault_rejected() -> None:
    with pytest.raises(ValueError, match="unknown fault 'no-such-fault'"):
        validate_fault("no-such-fault")


def test_unknown_fault_rejected_by_server() -> None:
    with pytest.raises(ValueError, match="schema-wrong-type"):
        ReferenceServer(fault="no-such-fault")
