"""Every seeded fault changes exactly the behaviour it names.

Each probe returns True when it observes the fault's deviation. It must observe it on a server
seeded with the fault and must not observe it on a clean server.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
import requests

from conformance.catalogue import Catalogue
from conformance.server import B2B_SITE, DEMO_PASSWORD, FAULTS, ReferenceServer
from conformance.server.faults import CATEGORIES, Fault, validate_fault

PATRICIA = ("patricia@test.intershop.de", DEMO_PASSWORD)
JLINK = ("jlink@test.intershop.de", DEMO_PASSWORD)
BBOLDNER = ("bboldner@test.intershop.de", DEMO_PASSWORD)
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
CATALOGUE = Catalogue.load()


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


def _payments(server: ReferenceServer) -> str:
    return f"{server.base_url()}/privatecustomers/-/payments"


def _gift_card(server: ReferenceServer, http: requests.Session) -> dict:
    url = f"{server.base_url()}/privatecustomers/-/giftcardsandcertificates/27755166187"
    return http.get(url, auth=PATRICIA).json()


def _debit_transfer(iban: str) -> dict:
    return {
        "name": "ISH_DEBIT_TRANSFER",
        "parameters": [{"name": "holder", "value": "Fay Fault"}, {"name": "IBAN", "value": iban}],
    }


def _schema_array_as_object(server: ReferenceServer, http: requests.Session) -> bool:
    return not isinstance(http.get(_addresses(server), auth=PATRICIA).json()["elements"], list)


def _schema_amount_as_string(server: ReferenceServer, http: requests.Session) -> bool:
    return isinstance(_gift_card(server, http)["amount"], str)


def _address_create_200(server: ReferenceServer, http: requests.Session) -> bool:
    return _create_address(server, http).status_code == 200


def _payment_create_200(server: ReferenceServer, http: requests.Session) -> bool:
    body = _debit_transfer("DE02120300000000202051")
    return http.post(_payments(server), json=body, auth=PATRICIA).status_code == 200


def _server_error_on_unknown_address(server: ReferenceServer, http: requests.Session) -> bool:
    return http.get(f"{_addresses(server)}/no-such-id", auth=PATRICIA).status_code >= 500


def _error_key_missing_404(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.get(f"{_addresses(server)}/no-such-id", auth=PATRICIA)
    return response.status_code == 404 and "error-key" not in response.headers


def _auth_token_missing_on_errors(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.get(_profile(server))
    return response.status_code == 401 and "authentication-token" not in response.headers


def _content_type_missing_on_errors(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.get(_profile(server))
    return bool(response.content) and "Content-Type" not in response.headers


def _xml_attribute_as_element(server: ReferenceServer, http: requests.Session) -> bool:
    root = ET.fromstring(_xml_profile(server, http).content)
    return "type" not in root.attrib and root.find("type") is not None


def _xml_request_rejected(server: ReferenceServer, http: requests.Session) -> bool:
    body = (
        b"<Address><firstName>Fay</firstName><lastName>Fault</lastName>"
        b"<addressLine1>Bug Lane 2</addressLine1><city>Berlin</city>"
        b"<countryCode>DE</countryCode></Address>"
    )
    headers = {"Content-Type": "text/xml"}
    response = http.post(_addresses(server), data=body, headers=headers, auth=PATRICIA)
    return response.status_code == 415


def _options_without_login(server: ReferenceServer, http: requests.Session) -> bool:
    return http.options(_payments(server)).status_code == 200


def _token_never_expires(server: ReferenceServer, http: requests.Session) -> bool:
    token = http.get(_profile(server), auth=PATRICIA).headers["authentication-token"]
    time.sleep(SHORT_LIFETIME * 2)
    response = http.get(_profile(server), headers={"authentication-token": token})
    return response.status_code == 200


def _token_not_reusable(server: ReferenceServer, http: requests.Session) -> bool:
    token = http.get(_profile(server), auth=PATRICIA).headers["authentication-token"]
    response = http.get(_profile(server), headers={"authentication-token": token})
    return response.status_code == 401


def _bearer_logout_ignored(server: ReferenceServer, http: requests.Session) -> bool:
    form = {"grant_type": "password", "username": PATRICIA[0], "password": PATRICIA[1]}
    issued = http.post(f"{server.base_url()}/token", data=form).json()
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    http.put(f"{server.base_url()}/token/logout", headers=bearer)
    return http.get(_profile(server), headers=bearer).status_code == 200


def _cross_customer_write(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{server.base_url()}/privatecustomers/CCross/addresses"
    return http.post(url, json=NEW_ADDRESS, auth=PATRICIA).status_code == 201


def _buyer_manages_users(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{_users_url(server)}/jlink@test.intershop.de"
    return http.delete(url, auth=BBOLDNER).status_code == 204


def _secret_returned(server: ReferenceServer, http: requests.Session) -> bool:
    return DEMO_PASSWORD in http.get(_profile(server), auth=PATRICIA).text


def _profile_update_lost(server: ReferenceServer, http: requests.Session) -> bool:
    http.put(_profile(server), json={"fax": "0301234"}, auth=PATRICIA)
    return http.get(_profile(server), auth=PATRICIA).json().get("fax") != "0301234"


def _payment_not_stored(server: ReferenceServer, http: requests.Session) -> bool:
    body = _debit_transfer("DE02120300000000202051")
    link = http.post(_payments(server), json=body, auth=PATRICIA).json()
    return http.get(server.root_url + link["uri"], auth=PATRICIA).status_code == 404


def _payment_update_partial_accepted(server: ReferenceServer, http: requests.Session) -> bool:
    partial = {"name": "ISH_DEBIT_TRANSFER", "parameters": [{"name": "holder", "value": "X"}]}
    url = f"{_payments(server)}/pmiller-debit"
    return http.put(url, json=partial, auth=PATRICIA).status_code == 200


def _payment_delete_ignored(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{_payments(server)}/pmiller-debit"
    http.delete(url, auth=PATRICIA)
    return http.get(url, auth=PATRICIA).status_code == 200


def _user_update_lost(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{_users_url(server)}/bboldner@test.intershop.de"
    http.put(url, json={"lastName": "Changed"}, auth=JLINK)
    return http.get(url, auth=JLINK).json()["lastName"] != "Changed"


def _user_delete_ignored(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{_users_url(server)}/bboldner@test.intershop.de"
    http.delete(url, auth=JLINK)
    return http.get(url, auth=JLINK).status_code == 200


def _gift_card_balance_above_amount(server: ReferenceServer, http: requests.Session) -> bool:
    card = _gift_card(server, http)
    return float(card["amountRemaining"]) > float(card["amount"])


def _user_logins(server: ReferenceServer, http: requests.Session, **params: str) -> list[str]:
    body = http.get(_users_url(server), params=params, auth=JLINK).json()
    return [link["login"] for link in body["elements"]]


def _paging_offset_ignored(server: ReferenceServer, http: requests.Session) -> bool:
    first = _user_logins(server, http, offset="0", limit="1")
    second = _user_logins(server, http, offset="1", limit="1")
    return first == second


def _sort_descending_ignored(server: ReferenceServer, http: requests.Session) -> bool:
    ascending = _user_logins(server, http, sort="login")
    return _user_logins(server, http, sort="-login") == ascending


def _filter_ignored(server: ReferenceServer, http: requests.Session) -> bool:
    return len(_user_logins(server, http, filter="bboldner")) > 1


def _invalid_body_accepted(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.put(_profile(server), json={"fax": 12345}, auth=PATRICIA)
    return response.status_code == 200


def _invalid_sort_accepted(server: ReferenceServer, http: requests.Session) -> bool:
    body = http.get(_users_url(server), params={"sort": "salary"}, auth=JLINK)
    return body.status_code == 200


def _valid_data_rejected(server: ReferenceServer, http: requests.Session) -> bool:
    response = http.put(_profile(server), json={"phoneBusiness": "+49301234"}, auth=PATRICIA)
    return response.status_code == 400


def _link_wrong_uri(server: ReferenceServer, http: requests.Session) -> bool:
    return "/payments/" in _create_address(server, http).json()["uri"]


def _matrix_breaks_route(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{server.base_url(app='-;loc=en_US')}/privatecustomers/-"
    return http.get(url, auth=PATRICIA).status_code == 404


def _method_not_allowed_404(server: ReferenceServer, http: requests.Session) -> bool:
    return http.patch(_profile(server), json={}, auth=PATRICIA).status_code == 404


def _registration_duplicate_login(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{server.base_url()}/privatecustomers/simple"
    credentials = {"login": PATRICIA[0], "password": "Secret123"}
    return http.post(url, json=credentials).status_code == 201


def _registration_credentials_broken(server: ReferenceServer, http: requests.Session) -> bool:
    url = f"{server.base_url()}/privatecustomers/simple"
    credentials = ("fresh@test.intershop.de", "Secret123")
    http.post(url, json={"login": credentials[0], "password": credentials[1]})
    return http.get(_profile(server), auth=credentials).status_code == 401


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
    "schema-array-as-object": _schema_array_as_object,
    "schema-amount-as-string": _schema_amount_as_string,
    "address-create-200": _address_create_200,
    "payment-create-200": _payment_create_200,
    "server-error-on-unknown-address": _server_error_on_unknown_address,
    "error-key-missing-404": _error_key_missing_404,
    "auth-token-missing-on-errors": _auth_token_missing_on_errors,
    "content-type-missing-on-errors": _content_type_missing_on_errors,
    "xml-attribute-as-element": _xml_attribute_as_element,
    "xml-request-rejected": _xml_request_rejected,
    "options-without-login": _options_without_login,
    "token-never-expires": _token_never_expires,
    "token-not-reusable": _token_not_reusable,
    "bearer-logout-ignored": _bearer_logout_ignored,
    "cross-customer-write": _cross_customer_write,
    "buyer-manages-users": _buyer_manages_users,
    "secret-returned": _secret_returned,
    "profile-update-lost": _profile_update_lost,
    "payment-not-stored": _payment_not_stored,
    "payment-update-partial-accepted": _payment_update_partial_accepted,
    "payment-delete-ignored": _payment_delete_ignored,
    "user-update-lost": _user_update_lost,
    "user-delete-ignored": _user_delete_ignored,
    "gift-card-balance-above-amount": _gift_card_balance_above_amount,
    "paging-offset-ignored": _paging_offset_ignored,
    "sort-descending-ignored": _sort_descending_ignored,
    "filter-ignored": _filter_ignored,
    "invalid-body-accepted": _invalid_body_accepted,
    "invalid-sort-accepted": _invalid_sort_accepted,
    "valid-data-rejected": _valid_data_rejected,
    "link-wrong-uri": _link_wrong_uri,
    "matrix-breaks-route": _matrix_breaks_route,
    "method-not-allowed-404": _method_not_allowed_404,
    "registration-duplicate-login": _registration_duplicate_login,
    "registration-credentials-broken": _registration_credentials_broken,
}
# Probes that need tokens to expire run on servers whose tokens live this many seconds.
SHORT_LIFETIME = 0.5
SHORT_LIVED = {"token-never-expires"}


def test_every_fault_has_a_probe() -> None:
    assert set(PROBES) == set(FAULTS)


def _server_options(name: str) -> dict[str, float]:
    return {"token_lifetime": SHORT_LIFETIME} if name in SHORT_LIVED else {}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_fault_shows_deviation(
    name: str, start_server: Callable[..., ReferenceServer], http: requests.Session
) -> None:
    assert PROBES[name](start_server(fault=name, **_server_options(name)), http)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_clean_server_shows_no_deviation(
    name: str, start_server: Callable[..., ReferenceServer], http: requests.Session
) -> None:
    assert not PROBES[name](start_server(**_server_options(name)), http)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_names_what_catches_it(name: str) -> None:
    fault = FAULTS[name]
    assert fault.category in CATEGORIES
    unknown = [requirement for requirement in fault.catches if requirement not in CATALOGUE]
    assert fault.catches
    assert not unknown


def test_fault_catalogue_entries() -> None:
    assert all(isinstance(fault, Fault) and fault.name == name for name, fault in FAULTS.items())


def test_unknown_fault_rejected() -> None:
    with pytest.raises(ValueError, match="unknown fault 'no-such-fault'"):
        validate_fault("no-such-fault")


def test_unknown_fault_rejected_by_server() -> None:
    with pytest.raises(ValueError, match="schema-wrong-type"):
        ReferenceServer(fault="no-such-fault")
