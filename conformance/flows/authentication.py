"""Requests without a valid login: none, an invalid token, and an expired token.

The per-operation ``unauthenticated`` mode sends every operation without a
login and with an invalid token. The ``authentication`` flow repeats both on
the profile resources, so a run of the flows alone notices a target that
serves data without a login. The ``expired-token`` flow sends every operation
that needs a login with an ``authentication-token`` that has expired.

An expired token takes time to make. Against the embedded server the flow
starts a second server instance whose tokens live one second; against a real
target it needs a known-expired token (``ICM_EXPIRED_TOKEN``).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

from hypothesis import strategies as st
from schemathesis.core import NOT_SET

from conformance.config import B2B_SITE, embedded_accounts
from conformance.flows.base import PRIVATE, Flow, Principal, Steps, describe
from conformance.safety import SAFE_METHODS
from conformance.target import TOKEN_HEADER, Target, basic_authorization

logger = logging.getLogger(__name__)

INVALID_TOKEN = "icm-conformance-invalid-token"
TOKEN_INVALID = "AuthenticationTokenInvalid"
TOKEN_OUTDATED = "AuthenticationTokenOutdated"
# Lifetime of the tokens of the second embedded server, and the wait until they expire.
SHORT_TOKEN_LIFETIME = 1.0
EXPIRY_WAIT = 1.2
UNKNOWN_KEY = "icmc-unknown"
EXPIRED_TOKEN_HINT = (
    "against a real target the expired-token checks need an expired authentication-token "
    "of the private customer's site in ICM_EXPIRED_TOKEN"
)


def profile_probes(steps: Steps) -> list[tuple[str, str]]:
    """Return (operation key, base URL) of the profile reads on both sites."""
    target = steps.target
    return [
        ("GET /privatecustomers/{CustomerKey}", target.base_url),
        ("GET /customers/{CustomerKey}", target.business_base_url),
    ]


class AuthenticationFlow(Flow):
    """No login and an invalid token on the profile resources of both sites."""

    name = "authentication"
    writes = False

    def run(self, steps: Steps, data: st.DataObject) -> None:
        current = {"CustomerKey": "-"}
        for key, base_url in profile_probes(steps):
            anonymous = steps.call(
                key, None, path=current, base_url=base_url, mode="unauthenticated"
            )
            steps.expect_status(anonymous, {401}, "AUTH-REQUIRED-401")
            invalid = steps.call(
                key,
                None,
                path=current,
                base_url=base_url,
                headers={TOKEN_HEADER: INVALID_TOKEN},
                mode="invalid-token",
            )
            error_key = invalid.response.headers.get("error-key")
            steps.expect(
                invalid.response.status_code == 400 and error_key == TOKEN_INVALID,
                "AUTH-TOKEN-INVALID-400",
                invalid,
                "Invalid token accepted",
                f"{describe(invalid)} with authentication-token {INVALID_TOKEN!r} answered "
                f"{invalid.response.status_code} with error-key {error_key!r}; expected 400 "
                f"with {TOKEN_INVALID}.",
            )


class ExpiredTokenFlow(Flow):
    """Every operation that needs a login, sent with an expired authentication-token."""

    name = "expired-token"
    writes = False

    def skip_reason(self, steps: Steps) -> str | None:
        settings = steps.context.settings
        if settings.embedded or settings.expired_token:
            return None
        return EXPIRED_TOKEN_HINT

    def run(self, steps: Steps, data: st.DataObject) -> None:
        settings = steps.context.settings
        if settings.embedded:
            self._run_on_short_lived_server(steps)
            return
        assert settings.expired_token is not None
        # The given token belongs to the private customer's site.
        tokens = {PRIVATE: (settings.expired_token, steps.target.base_url)}
        send_everything(steps, tokens)

    def _run_on_short_lived_server(self, steps: Steps) -> None:
        from conformance.server import ReferenceServer

        settings = steps.context.settings
        server = ReferenceServer(
            host="127.0.0.1",
            port=0,
            fault=settings.server_fault,
            token_lifetime=SHORT_TOKEN_LIFETIME,
        )
        server.start()
        try:
            base_url = server.base_url()
            business_url = server.base_url(site=B2B_SITE)
            accounts = embedded_accounts(base_url, business_url)
            target = Target(
                dataclasses.replace(settings, accounts=accounts), base_url, business_url
            )
            short_lived = Steps(steps.context, steps.result, self.name, target=target)
            tokens = {
                PRIVATE: (session_token(target, Principal.of(accounts["private"])), base_url),
                "customers": (session_token(target, Principal.of(accounts["admin"])), business_url),
            }
            time.sleep(EXPIRY_WAIT)
            send_everything(short_lived, tokens)
        finally:
            server.stop()


def session_token(target: Target, who: Principal) -> str:
    """Log in with Basic and return the authentication-token of the response."""
    response = target.request(
        "GET",
        f"{who.base_url}/customers/-",
        headers={"Authorization": basic_authorization(who.login, who.password)},
    )
    return response.headers.get(TOKEN_HEADER, "")


def send_everything(steps: Steps, tokens: dict[str, tuple[str, str]]) -> None:
    """Send each operation that needs a login with the expired token of its collection.

    ``tokens`` maps a collection (privatecustomers or customers) to an expired
    token and the base URL of the site it belongs to.
    """
    read_only = steps.context.settings.read_only
    requirement = steps.context.catalogue.get("AUTH-REQUIRED-401")
    for operation_key in requirement.operations:
        method, path = operation_key.split(" ", 1)
        collection = path.strip("/").split("/", 1)[0]
        if collection not in tokens or (read_only and method not in SAFE_METHODS):
            continue
        token, base_url = tokens[collection]
        exchange = steps.call(
            operation_key,
            None,
            path=placeholder_keys(path),
            body=placeholder_body(method, path),
            headers={TOKEN_HEADER: token},
            base_url=base_url,
            mode="expired-token",
        )
        error_key = exchange.response.headers.get("error-key")
        steps.expect(
            exchange.response.status_code == 401 and error_key == TOKEN_OUTDATED,
            "AUTH-TOKEN-EXPIRED",
            exchange,
            "Expired token not treated as anonymous",
            f"{describe(exchange)} with an expired authentication-token answered "
            f"{exchange.response.status_code} with error-key {error_key!r}; expected 401 with "
            f"{TOKEN_OUTDATED}.",
        )


def placeholder_keys(path: str) -> dict[str, str]:
    """Return path keys for a request that must be refused before any key is looked up."""
    keys = {}
    for name in ("CustomerKey", "CustomerItemUserKey"):
        if f"{{{name}}}" in path:
            keys[name] = "-"
    for name in ("CustomerAddressKey", "CustomerPaymentKey"):
        if f"{{{name}}}" in path:
            keys[name] = UNKNOWN_KEY
    if "{CustomerGiftCardAndCertificateResourceKey}" in path:
        keys["CustomerGiftCardAndCertificateResourceKey"] = UNKNOWN_KEY
    return keys


def placeholder_body(method: str, path: str) -> Any:
    """Return a minimal body for POST and PUT; the login check comes before the body's."""
    if method not in ("POST", "PUT"):
        return NOT_SET
    return {"elements": []} if path.endswith("/users") else {}
