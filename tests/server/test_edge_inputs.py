"""Inputs on which the clean reference server once broke the contract under generated tests."""

from __future__ import annotations

import pytest
import requests

from conformance.server import B2B_SITE, ReferenceServer


@pytest.mark.parametrize("usage", [1.5, [True, False], "both"])
def test_profile_update_nested_usage_400(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict, usage: object
) -> None:
    url = f"{fresh_server.base_url(site=B2B_SITE)}/customers/-"
    body = {"preferredInvoiceToAddress": {"firstName": "Fay", "usage": usage}}
    response = http.put(url, json=body, auth=demo_auth["jlink"])
    assert response.status_code == 400


def test_not_created_users_header_encodes_non_latin1(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    url = f"{fresh_server.base_url(site=B2B_SITE)}/customers/-/users"
    rejected = "bad\U000c1b5b,login"
    batch = [
        {"login": "fresh@test.intershop.de", "firstName": "F", "lastName": "R"},
        {"login": rejected, "firstName": "", "lastName": ""},
    ]
    response = http.post(url, json={"elements": batch}, auth=demo_auth["jlink"], timeout=10)
    assert response.status_code == 207
    assert response.headers["not-created-users"] == "bad%F3%81%AD%9B%2Clogin"
