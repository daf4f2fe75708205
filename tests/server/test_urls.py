"""URL handling: sites, applications, matrix parameters, encoded keys and unknown paths."""

from __future__ import annotations

import pytest
import requests

from conformance.server import B2B_SITE, ReferenceServer
from conformance.server.urls import decode_until_stable, parse_rest_path, split_matrix


def test_parse_rest_path_matrix_on_every_segment() -> None:
    parsed = parse_rest_path(
        "/INTERSHOP/rest/WFS/Site/-;loc=en_US;cur=USD/customers;pgid=abc/-/users/jlink%2540x.de"
    )
    assert parsed is not None
    assert parsed.app == "-"
    assert parsed.segments == ("customers", "-", "users", "jlink@x.de")
    assert parsed.matrix == {"loc": "en_US", "cur": "USD", "pgid": "abc"}


def test_parse_rest_path_rejects_other_prefix() -> None:
    assert parse_rest_path("/INTERSHOP/web/WFS/Site/-/customers") is None


def test_decode_until_stable_three_times() -> None:
    assert decode_until_stable("a%252540b") == "a@b"


def test_split_matrix_without_value() -> None:
    assert split_matrix("rest;loc") == ("rest", {"loc": ""})


@pytest.mark.parametrize("app", ["rest", "-"])
def test_both_application_ids(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict, app: str
) -> None:
    response = http.get(
        f"{reference_server.base_url(app=app)}/privatecustomers/-", auth=demo_auth["patricia"]
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "inSPIRED-inTRONICS-Site/-;loc=en_US;cur=USD/privatecustomers/-",
        "inSPIRED-inTRONICS-Site/rest;loc=de_DE/privatecustomers;spgid=x/-;regionals=y/addresses",
        "inSPIRED-inTRONICS-Site/-;pgid=FUOGrzQ_VjORpGaN8DRGmLLE0000/privatecustomers/-",
    ],
)
def test_matrix_parameters_ignored_for_routing(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict, path: str
) -> None:
    response = http.get(reference_server.root_url + path, auth=demo_auth["patricia"])
    assert response.status_code == 200


@pytest.mark.parametrize(
    "user_key",
    ["jlink@test.intershop.de", "jlink%40test.intershop.de", "jlink%2540test.intershop.de"],
)
def test_user_key_encodings(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict, user_key: str
) -> None:
    base = reference_server.base_url(site=B2B_SITE)
    response = http.get(f"{base}/customers/-/users/{user_key}", auth=demo_auth["jlink"])
    assert response.status_code == 200
    assert response.json()["login"] == "jlink@test.intershop.de"


@pytest.mark.parametrize(
    "path",
    [
        "No-Such-Site/-/privatecustomers/-",
        "inSPIRED-inTRONICS-Site/app/privatecustomers/-",
        "inSPIRED-inTRONICS-Site/-/unknown",
        "inSPIRED-inTRONICS-Site/-/privatecustomers/-/addresses/x/y",
        "inSPIRED-inTRONICS-Site/-",
    ],
)
def test_unknown_paths_404(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict, path: str
) -> None:
    response = http.get(reference_server.root_url + path, auth=demo_auth["patricia"])
    assert response.status_code == 404


def test_other_server_group_404(reference_server: ReferenceServer, http: requests.Session) -> None:
    url = (
        reference_server.root_url.replace("/WFS/", "/BOS/") + "inSPIRED-inTRONICS-Site/-/customers"
    )
    assert http.post(url, json={}).status_code == 404


def test_path_outside_rest_404(reference_server: ReferenceServer, http: requests.Session) -> None:
    url = reference_server.root_url.split("/INTERSHOP/")[0] + "/favicon.ico"
    assert http.get(url).status_code == 404


def test_invalid_utf8_in_path_400(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url()
    response = http.get(f"{base}/privatecustomers/-/addresses/%ff%fe", auth=demo_auth["patricia"])
    assert response.status_code == 400


def test_trailing_slash_accepted(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url()
    response = http.get(f"{base}/privatecustomers/-/", auth=demo_auth["patricia"])
    assert response.status_code == 200


def test_link_uri_keeps_application(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url(app="rest")
    links = http.get(f"{base}/privatecustomers/-/addresses", auth=demo_auth["patricia"]).json()
    assert links["elements"][0]["uri"].startswith("inSPIRED-inTRONICS-Site/rest/")


def test_link_uri_with_explicit_customer_key(
    reference_server: ReferenceServer, http: requests.Session, demo_auth: dict
) -> None:
    base = reference_server.base_url()
    links = http.get(f"{base}/privatecustomers/PMiller/addresses", auth=demo_auth["patricia"])
    assert links.json()["elements"][0]["uri"].startswith(
        "inSPIRED-inTRONICS-Site/-/privatecustomers/PMiller/addresses/"
    )
