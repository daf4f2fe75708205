"""The WSGI app in process, without a socket, and its handling of unexpected errors."""

from __future__ import annotations

import base64
import logging

import pytest
from werkzeug.test import Client

from conformance.server import DEMO_PASSWORD, make_app

PATRICIA_BASIC = base64.b64encode(f"patricia@test.intershop.de:{DEMO_PASSWORD}".encode()).decode()
PROFILE = "/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-/privatecustomers/-"


def test_make_app_serves_in_process() -> None:
    client = Client(make_app())
    response = client.get(PROFILE, headers={"Authorization": f"Basic {PATRICIA_BASIC}"})
    assert response.status_code == 200
    assert response.get_json()["lastName"] == "Miller"
    assert response.headers["authentication-token"]


def test_make_app_instances_do_not_share_data() -> None:
    changed, untouched = Client(make_app()), Client(make_app())
    headers = {"Authorization": f"Basic {PATRICIA_BASIC}"}
    changed.put(PROFILE, json={"firstName": "Changed"}, headers=headers)
    profile = untouched.get(PROFILE, headers=headers).get_json()
    assert profile["firstName"] == "Patricia"


def test_unexpected_error_500_logged(caplog: pytest.LogCaptureFixture) -> None:
    client = Client(make_app(fault="server-error-on-edge"))
    body = {"firstName": "", "lastName": "L", "addressLine1": "A", "city": "C", "countryCode": "DE"}
    with caplog.at_level(logging.ERROR, logger="conformance.server.app"):
        response = client.post(
            f"{PROFILE}/addresses", json=body, headers={"Authorization": f"Basic {PATRICIA_BASIC}"}
        )
    assert response.status_code == 500
    assert response.headers["authentication-token"]
    assert any(record.exc_info for record in caplog.records)


def test_make_app_rejects_unknown_fault() -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        make_app(fault="typo")
