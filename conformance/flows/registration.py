"""Register customers anonymously and log in with the new credentials by every method."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from conformance import generators
from conformance.checks import Exchange
from conformance.flows.base import (
    PRIVATE,
    TOKEN_OPERATION,
    Principal,
    RegisteredCustomer,
    Steps,
    body_of,
    describe,
    differences,
    item_id,
    snippet,
)
from conformance.target import TOKEN_HEADER

SECURITY_QUESTION = "What was the name of your first pet?"


def registration_body(
    data: st.DataObject, run_id: str, *, business: bool, security_answer: bool = False
) -> dict[str, Any]:
    """Draw a registration body; with ``security_answer``, the credentials carry one."""
    body = data.draw(generators.new_customer_values(run_id, business), label="registration")
    if security_answer:
        suffix = data.draw(st.text(alphabet=string.ascii_lowercase, min_size=8, max_size=12))
        body["credentials"]["securityQuestion"] = SECURITY_QUESTION
        # Long and run-specific, so finding it in a response cannot be a coincidence.
        body["credentials"]["securityQuestionAnswer"] = f"answer-{run_id}-{suffix}"
    return body


def register(
    steps: Steps,
    operation_key: str,
    base_url: str,
    body: dict[str, Any],
    requirement: str,
    segment: str,
) -> RegisteredCustomer:
    """Register a customer anonymously; raise ``FlowAborted`` unless the target returns 201."""
    credentials = body["credentials"]
    login, password = credentials["login"], credentials["password"]
    answer = credentials.get("securityQuestionAnswer", "")
    steps.add_secret(password)
    steps.add_secret(answer)
    # Kept in memory only, so that the cleanup can delete what the new customer owns.
    steps.target.registered[login] = password
    exchange = steps.call(operation_key, None, body=body, base_url=base_url)
    steps.require_status(exchange, {201}, requirement)
    steps.result.exercised.add("REGISTRATION-ANONYMOUS")
    customer_no = item_id(body_of(exchange))
    steps.require(
        customer_no is not None,
        requirement,
        exchange,
        "Registration names no customer",
        f"{describe(exchange)} answered 201 without a Link to the new customer.\n"
        f"Received: {snippet(exchange.response)}",
    )
    assert customer_no is not None
    principal = Principal(login, password, base_url, segment)
    return RegisteredCustomer(principal, customer_no, body, answer)


def check_logins(steps: Steps, customer: RegisteredCustomer) -> Exchange:
    """Log in with the new credentials by Basic, authentication-token and bearer token.

    Returns the exchange of the Basic login, which read the customer's profile.
    """
    principal = customer.principal
    profile_key = (
        "GET /privatecustomers/{CustomerKey}"
        if principal.segment == PRIVATE
        else "GET /customers/{CustomerKey}"
    )
    current = {"CustomerKey": "-"}
    basic = steps.call(profile_key, principal, path=current)
    steps.require_status(basic, {200}, "REGISTRATION-CREDENTIALS-WORK")
    steps.result.exercised.add("AUTH-BASIC")
    profile = body_of(basic) or {}

    token = basic.response.headers.get(TOKEN_HEADER)
    if token:
        reused = steps.call(
            profile_key,
            None,
            path=current,
            headers={TOKEN_HEADER: token},
            base_url=principal.base_url,
        )
        same = _customer_no(body_of(reused)) == profile.get("customerNo")
        steps.expect(
            reused.response.status_code == 200 and same,
            "AUTH-TOKEN-REUSE",
            reused,
            "authentication-token does not log in",
            f"{describe(reused)} with the authentication-token of the Basic login answered "
            f"{reused.response.status_code}; expected 200 with customer "
            f"{profile.get('customerNo')!r}.\nReceived: {snippet(reused.response)}",
        )
    check_bearer(steps, principal, profile_key, profile.get("customerNo"))
    return basic


def check_bearer(steps: Steps, principal: Principal, profile_key: str, customer_no: Any) -> None:
    """Get a bearer token from ``POST {base}/token``, use it, log out and see it refused."""
    issued = steps.send_raw(
        "POST",
        f"{principal.base_url}/token",
        TOKEN_OPERATION,
        data={
            "grant_type": "password",
            "username": principal.login,
            "password": principal.password,
        },
        headers={"Accept": "application/json"},
    )
    access_token = (body_of(issued) or {}).get("access_token")
    steps.expect(
        issued.response.status_code == 200 and bool(access_token),
        "AUTH-BEARER",
        issued,
        "No bearer token for valid credentials",
        f"{describe(issued)} answered {issued.response.status_code} without an access_token "
        f"for the new login.\nReceived: {snippet(issued.response)}",
    )
    if not access_token:
        return

    bearer = {"Authorization": f"Bearer {access_token}"}
    current = {"CustomerKey": "-"}
    used = steps.call(profile_key, None, path=current, headers=bearer, base_url=principal.base_url)
    same = _customer_no(body_of(used)) == customer_no
    steps.expect(
        used.response.status_code == 200 and same,
        "AUTH-BEARER",
        used,
        "Bearer token does not log in",
        f"{describe(used)} with the issued bearer token answered {used.response.status_code}; "
        f"expected 200 with customer {customer_no!r}.\nReceived: {snippet(used.response)}",
    )

    steps.send_raw("PUT", f"{principal.base_url}/token/logout", TOKEN_OPERATION, headers=bearer)
    after = steps.call(
        profile_key,
        None,
        path=current,
        headers=bearer,
        base_url=principal.base_url,
        mode="expected-error",
    )
    steps.expect(
        after.response.status_code == 401,
        "AUTH-BEARER",
        after,
        "Bearer token works after logout",
        f"{describe(after)} with a bearer token ended by PUT {{base}}/token/logout answered "
        f"{after.response.status_code}; expected 401.",
    )


def check_profile(
    steps: Steps,
    customer: RegisteredCustomer,
    read: Exchange,
    fields: Mapping[str, Any],
    requirement: str,
) -> None:
    """Compare the profile ``read`` after registration with the ``fields`` it must repeat."""
    problems = differences(fields, body_of(read))
    steps.expect(
        not problems,
        requirement,
        read,
        "Registered profile differs from the registration",
        f"{describe(read)} after the registration differs from what was sent:\n"
        + "\n".join(problems),
    )


def _customer_no(body: Any) -> Any:
    """Return the customerNo of a profile body; a 401's JSON string body names no customer."""
    return body.get("customerNo") if isinstance(body, dict) else None
