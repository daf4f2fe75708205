"""Tests of secret masking in captured exchanges and reproduction commands."""

from conformance.masking import MASK, mask_curl, mask_headers, mask_json, mask_text


def test_secret_headers_are_masked():
    headers = {"Authorization": "Basic abc", "authentication-token": "t", "Accept": "x"}
    masked = mask_headers(headers)
    assert masked["Authorization"] == MASK
    assert masked["authentication-token"] == MASK
    assert masked["Accept"] == "x"


def test_nested_password_is_masked():
    body = {"credentials": {"login": "a@example.invalid", "password": "Secret123!"}}
    masked = mask_json(body)
    assert masked["credentials"]["password"] == MASK
    assert masked["credentials"]["login"] == "a@example.invalid"


def test_form_password_is_masked():
    text = mask_text("grant_type=password&username=u&password=Secret123!")
    assert "Secret123!" not in text
    assert "username=u" in text


def test_xml_password_is_masked():
    text = mask_text("<Credentials><password>Secret123!</password></Credentials>")
    assert "Secret123!" not in text


def test_literal_secret_is_masked_in_curl():
    command = "curl -H 'Authorization: Basic eHl6' -d 'pw=!InterShop00!' 'http://127.0.0.1/x'"
    masked = mask_curl(command, secrets=["!InterShop00!"])
    assert "eHl6" not in masked
    assert "!InterShop00!" not in masked
    assert "http://127.0.0.1/x" in masked


def test_json_password_in_curl_body_is_masked():
    command = (
        """curl -X POST -d '{"credentials": {"login": "a", "password": "AAAAA0!"}}' 'http://x'"""
    )
    masked = mask_curl(command)
    assert "AAAAA0!" not in masked
    assert '"login": "a"' in masked
