"""Users of a business customer: paging, sorting, filtering, batch creation and permissions."""

from __future__ import annotations

import pytest
import requests

from conformance.server import B2B_SITE, ReferenceServer


def _user(login: str, first: str, last: str, **extra: object) -> dict:
    return {"login": login, "firstName": first, "lastName": last, **extra}


@pytest.fixture
def users_url(fresh_server: ReferenceServer) -> str:
    """Provide the users collection of OilCorp on a fresh server."""
    return f"{fresh_server.base_url(site=B2B_SITE)}/customers/-/users"


@pytest.fixture
def five_users(users_url: str, http: requests.Session, demo_auth: dict) -> list[str]:
    """Add three users to OilCorp's two and return all logins in creation order."""
    batch = [
        _user("zoe@test.intershop.de", "Zoe", "Adams"),
        _user("adam@test.intershop.de", "Adam", "Zimmer"),
        _user("mia@test.intershop.de", "Mia", "Link"),
    ]
    response = http.post(users_url, json={"elements": batch}, auth=demo_auth["jlink"])
    assert response.status_code == 201
    return [
        "jlink@test.intershop.de",
        "bboldner@test.intershop.de",
        *(user["login"] for user in batch),
    ]


def _logins(response: requests.Response) -> list[str]:
    return [link["login"] for link in response.json()["elements"]]


def test_list_defaults(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    body = http.get(users_url, auth=demo_auth["bboldner"]).json()
    assert body["type"] == "UserLinkCollection"
    assert body["offset"] == 0
    assert body["limit"] == 50
    assert body["total"] == 2
    assert body["amount"] == 2
    assert body["elements"][0]["uri"].endswith("/customers/-/users/bboldner@test.intershop.de")


def test_sort_by_name(
    users_url: str, http: requests.Session, demo_auth: dict, five_users: list[str]
) -> None:
    response = http.get(users_url, params={"sort": "name"}, auth=demo_auth["jlink"])
    assert _logins(response) == [
        "zoe@test.intershop.de",
        "bboldner@test.intershop.de",
        "jlink@test.intershop.de",
        "mia@test.intershop.de",
        "adam@test.intershop.de",
    ]


@pytest.mark.parametrize(("sort", "reverse"), [("login", False), ("-login", True)])
def test_sort_by_login(
    users_url: str,
    http: requests.Session,
    demo_auth: dict,
    five_users: list[str],
    sort: str,
    reverse: bool,
) -> None:
    response = http.get(users_url, params={"sort": sort}, auth=demo_auth["jlink"])
    assert _logins(response) == sorted(five_users, reverse=reverse)


def test_sort_by_creation_date_descending(
    users_url: str, http: requests.Session, demo_auth: dict, five_users: list[str]
) -> None:
    response = http.get(users_url, params={"sort": "-creationDate"}, auth=demo_auth["jlink"])
    assert _logins(response) == list(reversed(five_users))


def test_paging(
    users_url: str, http: requests.Session, demo_auth: dict, five_users: list[str]
) -> None:
    params = {"sort": "creationDate", "offset": "1", "limit": "2"}
    body = http.get(users_url, params=params, auth=demo_auth["jlink"]).json()
    assert [link["login"] for link in body["elements"]] == five_users[1:3]
    assert body["amount"] == 2
    assert body["offset"] == 1
    assert body["limit"] == 2
    assert body["total"] == 5


def test_offset_past_end(
    users_url: str, http: requests.Session, demo_auth: dict, five_users: list[str]
) -> None:
    body = http.get(users_url, params={"offset": "10"}, auth=demo_auth["jlink"]).json()
    assert body["elements"] == []
    assert body["total"] == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("link", {"jlink@test.intershop.de", "mia@test.intershop.de"}),
        ("ZOE", {"zoe@test.intershop.de"}),
    ],
)
def test_filter(
    users_url: str,
    http: requests.Session,
    demo_auth: dict,
    five_users: list[str],
    text: str,
    expected: set[str],
) -> None:
    body = http.get(users_url, params={"filter": text}, auth=demo_auth["jlink"]).json()
    assert set(link["login"] for link in body["elements"]) == expected
    assert body["filter"] == text
    assert body["total"] == len(expected)


def test_batch_partial_207(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    batch = [
        _user("new1@test.intershop.de", "New", "One"),
        _user("jlink@test.intershop.de", "Jack", "Again"),
        _user("has space", "Bad", "Login"),
    ]
    response = http.post(users_url, json={"elements": batch}, auth=demo_auth["jlink"])
    assert response.status_code == 207
    assert _logins(response) == ["new1@test.intershop.de"]
    assert response.headers["not-created-users"] == "jlink@test.intershop.de,has space"


def test_batch_all_existing_409(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    batch = [
        _user("bboldner@test.intershop.de", "B", "B"),
        _user("jlink@test.intershop.de", "J", "L"),
    ]
    response = http.post(users_url, json={"elements": batch}, auth=demo_auth["jlink"])
    assert response.status_code == 409


def test_batch_partner_number_conflict_409(
    users_url: str, http: requests.Session, demo_auth: dict
) -> None:
    batch = [_user("other@test.intershop.de", "O", "T", businessPartnerNo="JLink")]
    response = http.post(users_url, json={"elements": batch}, auth=demo_auth["jlink"])
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [{}, {"elements": []}, {"elements": [{"login": "x@test.intershop.de"}]}, {"elements": "x"}],
)
def test_batch_invalid_400(
    users_url: str, http: requests.Session, demo_auth: dict, body: dict
) -> None:
    assert http.post(users_url, json=body, auth=demo_auth["jlink"]).status_code == 400


def test_batch_needs_manager(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    batch = [_user("new2@test.intershop.de", "New", "Two")]
    response = http.post(users_url, json={"elements": batch}, auth=demo_auth["bboldner"])
    assert response.status_code == 403


def test_get_user_include(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    url = f"{users_url}/jlink@test.intershop.de"
    full = http.get(url, auth=demo_auth["jlink"]).json()
    general = http.get(url, params={"include": "general"}, auth=demo_auth["jlink"]).json()
    assert full["preferredInvoiceToAddressUrn"].endswith(":oilcorp-hq")
    assert full["active"] is True
    assert "preferredInvoiceToAddressUrn" not in general
    assert general["businessPartnerNo"] == "JLink"


def test_get_unknown_user_404(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    assert http.get(f"{users_url}/nobody", auth=demo_auth["jlink"]).status_code == 404


def test_update_own_profile(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    response = http.put(
        f"{users_url}/-", json={"department": "Logistics", "login": "x"}, auth=demo_auth["bboldner"]
    )
    assert response.status_code == 200
    assert response.json()["department"] == "Logistics"
    assert response.json()["login"] == "bboldner@test.intershop.de"


def test_manager_updates_colleague(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    response = http.put(
        f"{users_url}/bboldner@test.intershop.de",
        json={"active": False, "preferredShipToAddressUrn": None},
        auth=demo_auth["jlink"],
    )
    assert response.status_code == 200
    assert response.json()["active"] is False


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"active": "yes"}, 400),
        ({"email": 5}, 400),
        ({"firstName": None}, 400),
        ({"elements": []}, 200),
        ({"businessPartnerNo": "BBoldner"}, 409),
    ],
)
def test_update_user_errors(
    users_url: str, http: requests.Session, demo_auth: dict, body: dict, status: int
) -> None:
    response = http.put(f"{users_url}/-", json=body, auth=demo_auth["jlink"])
    assert response.status_code == status


def test_update_user_ignores_unsafe_values(
    users_url: str, http: requests.Session, demo_auth: dict
) -> None:
    body = {"active": False, "preferredShipToAddressUrn": "urn:address:customer:x:y"}
    response = http.put(f"{users_url}/-", json=body, auth=demo_auth["jlink"])
    assert response.status_code == 200
    assert response.json()["active"] is True
    assert response.json()["preferredShipToAddressUrn"].endswith(":oilcorp-hq")


def test_update_user_clears_nullable(
    users_url: str, http: requests.Session, demo_auth: dict
) -> None:
    body = {"preferredShipToAddressUrn": None, "birthday": None}
    response = http.put(f"{users_url}/-", json=body, auth=demo_auth["jlink"])
    assert response.status_code == 200
    assert "preferredShipToAddressUrn" not in response.json()


def test_delete_user_204_then_404(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    url = f"{users_url}/bboldner%2540test.intershop.de"
    deleted = http.delete(url, auth=demo_auth["jlink"])
    assert deleted.status_code == 204
    assert http.get(url, auth=demo_auth["jlink"]).status_code == 404
    assert http.delete(url, auth=demo_auth["jlink"]).status_code == 404


def test_deleted_user_cannot_log_in(
    users_url: str, http: requests.Session, demo_auth: dict
) -> None:
    http.delete(f"{users_url}/bboldner@test.intershop.de", auth=demo_auth["jlink"])
    assert http.get(users_url, auth=demo_auth["bboldner"]).status_code == 401


def test_delete_needs_manage_users_403(
    users_url: str, http: requests.Session, demo_auth: dict
) -> None:
    response = http.delete(f"{users_url}/jlink@test.intershop.de", auth=demo_auth["bboldner"])
    assert response.status_code == 403


def test_delete_self_403(users_url: str, http: requests.Session, demo_auth: dict) -> None:
    assert http.delete(f"{users_url}/-", auth=demo_auth["jlink"]).status_code == 403


def test_users_of_other_customer_refused(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url(site=B2B_SITE)
    listing = http.get(f"{base}/customers/AgroNet/users", auth=demo_auth["jlink"])
    deletion = http.delete(
        f"{base}/customers/AgroNet/users/pmerkel@test.intershop.de", auth=demo_auth["jlink"]
    )
    assert listing.status_code == 404
    assert deletion.status_code == 403


def test_users_of_private_customer_404(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/customers/-/users", auth=demo_auth["patricia"]
    )
    assert response.status_code == 404


def test_users_anonymous_401(reference_server: ReferenceServer, http: requests.Session) -> None:
    response = http.get(f"{reference_server.base_url(site=B2B_SITE)}/customers/-/users")
    assert response.status_code == 401
