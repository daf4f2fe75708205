"""Tests of settings resolution: precedence, validation messages and derived URLs."""

import pytest

from conformance.config import derive_business_base_url, resolve, values_from_environment
from conformance.errors import ConfigurationError

BASE = "https://icm.example.invalid/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-"


def test_defaults_use_embedded_server():
    settings = resolve({})
    assert settings.embedded
    assert settings.auth == "basic"
    assert settings.spec.name == "customer-1.2.1.yaml"


def test_business_url_is_derived_for_demo_site():
    business = derive_business_base_url(BASE)
    assert business.endswith("/inSPIRED-inTRONICS_Business-Site/-")


def test_environment_values_are_read():
    values = values_from_environment({"ICM_BASE_URL": BASE, "ICM_EXAMPLES": "3"})
    settings = resolve(values)
    assert settings.base_url == BASE
    assert settings.examples == 3


def test_url_without_rest_segment_is_rejected():
    with pytest.raises(ConfigurationError, match="has no '/INTERSHOP/rest/' segment"):
        resolve({"base-url": "https://icm.example.invalid/shop"})


def test_unknown_auth_method_names_choices():
    with pytest.raises(ConfigurationError, match="basic, token, bearer"):
        resolve({"auth": "digest"})


def test_login_without_password_names_variable():
    with pytest.raises(ConfigurationError, match="ICM_PASSWORD"):
        resolve({"base-url": BASE, "user": "a@example.invalid"})


def test_non_numeric_examples_is_rejected():
    with pytest.raises(ConfigurationError, match="--icm-examples 'many' is invalid"):
        resolve({"examples": "many"})


def test_redacted_settings_hide_passwords():
    settings = resolve({"base-url": BASE, "user": "a@example.invalid", "password": "Secret123!"})
    assert "Secret123!" not in repr(settings.redacted())
    assert settings.redacted()["accounts"]["private"] == "a@example.invalid"


def test_url_with_login_is_rejected():
    url = "http://u:Secret1@127.0.0.1/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-"
    with pytest.raises(ConfigurationError, match="must not carry a login") as raised:
        resolve({"base-url": url})
    assert "Secret1" not in str(raised.value)


def test_url_with_query_is_rejected():
    with pytest.raises(ConfigurationError, match="has a query or fragment"):
        resolve({"base-url": BASE + "?x=1"})


@pytest.mark.parametrize("value", ["nan", "inf", "0"])
def test_timeout_must_be_finite_and_positive(value):
    with pytest.raises(ConfigurationError, match="--icm-timeout"):
        resolve({"timeout": value})
