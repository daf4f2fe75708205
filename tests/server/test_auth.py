"""Authentication: Basic, the authentication-token header, bearer tokens and logout."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import pytest
import requests

from conformance.server import B2B_SITE, ReferenceServer

TOKEN = "authentication-token"


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_basic_login_returns_profile(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-", auth=demo_auth["patricia"]
    )
    assert response.status_code == 200
    assert response.json()["lastName"] == "Miller"


def test_wrong_basic_password_401(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-",
        auth=("patricia@test.intershop.de", "wrong"),
    )
    assert response.status_code == 401
    assert TOKEN in response.headers


def test_malformed_basic_header_401(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-",
        headers={"Authorization": "Basic not-base64!"},
    )
    assert response.status_code == 401


def test_login_is_site_specific(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    response = http.get(f"{reference_server.base_url()}/customers/-", auth=demo_auth["jlink"])
    assert response.status_code == 401


def test_anonymous_restricted_resource_401(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.get(f"{reference_server.base_url()}/privatecustomers/-/addresses")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/privatecustomers/-"),
        ("GET", "/customers/-"),
        ("GET", "/nothing-here"),
        ("PATCH", "/privatecustomers/-"),
        ("POST", "/privatecustomers"),
    ],
)
def test_token_header_on_every_response(
    reference_server: ReferenceServer, http: requests.Session, method: str, path: str
) -> None:
    response = http.request(method, f"{reference_server.base_url()}{path}")
    assert response.headers.get(TOKEN)


def test_token_header_on_unknown_site(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.get(f"{reference_server.root_url}No-Such-Site/-/customers/-")
    assert response.status_code == 404
    assert response.headers.get(TOKEN)


def test_anonymous_token_names_no_user(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = http.get(f"{reference_server.base_url()}/privatecustomers/-")
    assert _claims(response.headers[TOKEN])["sub"] is None


def test_token_from_basic_login_authenticates(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url()
    login = http.get(f"{base}/privatecustomers/-", auth=demo_auth["patricia"])

    follow_up = http.get(
        f"{base}/privatecustomers/-/addresses", headers={TOKEN: login.headers[TOKEN]}
    )

    assert follow_up.status_code == 200
    assert follow_up.json()["total"] >= 1


def test_anonymous_token_stays_anonymous(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    base = reference_server.base_url()
    anonymous = http.get(f"{base}/privatecustomers/-")

    again = http.get(f"{base}/privatecustomers/-", headers={TOKEN: anonymous.headers[TOKEN]})

    assert again.status_code == 401
    assert "error-key" not in again.headers


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJ0eXAiOiJKV1QifQ.e30.AAAA"])
def test_invalid_token_400(
    reference_server: ReferenceServer, http: requests.Session, token: str
) -> None:
    response = http.get(f"{reference_server.base_url()}/privatecustomers/-", headers={TOKEN: token})
    assert response.status_code == 400
    assert response.headers["error-key"] == "AuthenticationTokenInvalid"


def test_token_of_other_site_invalid(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    b2b = http.get(
        f"{reference_server.base_url(site=B2B_SITE)}/customers/-", auth=demo_auth["jlink"]
    )
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-", headers={TOKEN: b2b.headers[TOKEN]}
    )
    assert response.status_code == 400
    assert response.headers["error-key"] == "AuthenticationTokenInvalid"


def test_expired_token_outdated(
    start_server: Callable[..., ReferenceServer], http: requests.Session, demo_auth: dict
) -> None:
    server = start_server(token_lifetime=0.3)
    base = server.base_url()
    token = http.get(f"{base}/privatecustomers/-", auth=demo_auth["patricia"]).headers[TOKEN]
    time.sleep(0.5)

    restricted = http.get(f"{base}/privatecustomers/-", headers={TOKEN: token})
    anonymous_allowed = http.post(
        f"{base}/privatecustomers/simple",
        json={"login": "late@test.intershop.de", "password": "late1234"},
        headers={TOKEN: token},
    )

    assert restricted.status_code == 401
    assert restricted.headers["error-key"] == "AuthenticationTokenOutdated"
    assert anonymous_allowed.status_code == 201
    assert anonymous_allowed.headers["error-key"] == "AuthenticationTokenOutdated"


def test_token_lifetime_in_claims(
    start_server: Callable[..., ReferenceServer], http: requests.Session
) -> None:
    server = start_server(token_lifetime=120)
    claims = _claims(http.get(f"{server.base_url()}/customers/-").headers[TOKEN])
    assert claims["exp"] - claims["iat"] == pytest.approx(120)


def _token(http: requests.Session, base: str, **form: str) -> requests.Response:
    return http.post(f"{base}/token", data=form)


def test_password_grant_bearer_works(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    base = reference_server.base_url(site=B2B_SITE, app="rest")
    tokens = _token(
        http,
        base,
        grant_type="password",
        username="jlink@test.intershop.de",
        password="!InterShop00!",
    )
    assert tokens.status_code == 200
    body = tokens.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["id_token"]

    customer = http.get(
        f"{base}/customers/-", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert customer.status_code == 200
    assert customer.json()["customerNo"] == "OilCorp"


def test_password_grant_wrong_password_401(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    response = _token(
        http,
        reference_server.base_url(),
        grant_type="password",
        username="patricia@test.intershop.de",
        password="nope",
    )
    assert response.status_code == 401


def test_anonymous_grant_has_no_user(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    base = reference_server.base_url()
    body = _token(http, base, grant_type="anonymous").json()
    assert "id_token" not in body

    restricted = http.get(
        f"{base}/privatecustomers/-", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert restricted.status_code == 401


def test_refresh_grant_issues_new_access_token(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    base = reference_server.base_url()
    first = _token(
        http,
        base,
        grant_type="password",
        username="patricia@test.intershop.de",
        password="!InterShop00!",
    ).json()

    refreshed = _token(http, base, grant_type="refresh_token", refresh_token=first["refresh_token"])

    assert refreshed.status_code == 200
    assert refreshed.json()["access_token"] != first["access_token"]


def test_refresh_grant_rejects_access_token(
    reference_server: ReferenceServer, http: requests.Session
) -> None:
    base = reference_server.base_url()
    first = _token(http, base, grant_type="anonymous").json()
    response = _token(http, base, grant_type="refresh_token", refresh_token=first["access_token"])
    assert response.status_code == 400


def test_client_credentials_need_basic(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url()
    without = _token(http, base, grant_type="client_credentials")
    with_basic = http.post(
        f"{base}/token", data={"grant_type": "client_credentials"}, auth=demo_auth["patricia"]
    )
    assert without.status_code == 401
    assert with_basic.status_code == 200


@pytest.mark.parametrize("form", [{}, {"grant_type": "implicit"}])
def test_unknown_grant_400(
    reference_server: ReferenceServer, http: requests.Session, form: dict
) -> None:
    assert _token(http, reference_server.base_url(), **form).status_code == 400


def test_token_needs_form_body(reference_server: ReferenceServer, http: requests.Session) -> None:
    response = http.post(f"{reference_server.base_url()}/token", json={"grant_type": "anonymous"})
    assert response.status_code == 415


def test_invalid_bearer_401(reference_server: ReferenceServer, http: requests.Session) -> None:
    response = http.get(
        f"{reference_server.base_url()}/privatecustomers/-",
        headers={"Authorization": "Bearer not.a.token"},
    )
    assert response.status_code == 401


def test_logout_revokes_bearer_and_token(
    fresh_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = fresh_server.base_url()
    bearer = _token(
        http,
        base,
        grant_type="password",
        username="patricia@test.intershop.de",
        password="!InterShop00!",
    ).json()["access_token"]
    session_token = http.get(f"{base}/privatecustomers/-", auth=demo_auth["patricia"]).headers[
        TOKEN
    ]

    logout = http.put(f"{base}/token/logout", headers={"Authorization": f"Bearer {bearer}"})
    after_bearer = http.get(
        f"{base}/privatecustomers/-", headers={"Authorization": f"Bearer {bearer}"}
    )
    after_token = http.get(f"{base}/privatecustomers/-", headers={TOKEN: session_token})
    basic_again = http.get(f"{base}/privatecustomers/-", auth=demo_auth["patricia"])

    assert logout.status_code == 204
    assert _claims(logout.headers[TOKEN])["sub"] is None
    assert after_bearer.status_code == 401
    assert after_token.status_code == 401
    assert after_token.headers["error-key"] == "AuthenticationTokenOutdated"
    assert basic_again.status_code == 200


def test_logout_anonymous_401(reference_server: ReferenceServer, http: requests.Session) -> None:
    assert http.put(f"{reference_server.base_url()}/token/logout").status_code == 401
