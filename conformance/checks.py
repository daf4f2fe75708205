"""Checks run on every response: Schemathesis' own and the ICM ones a generic fuzzer lacks.

Each check returns ``Finding`` records: the requirement ids it evaluated and,
when the response breaks one, a ``CheckFailure``. A requirement that a check
evaluated without a failure counts as passed for that response.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import requests
from schemathesis import Case
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi import checks as st_checks

from conformance.contract import Contract, OperationInfo
from conformance.target import TOKEN_HEADER, Target, basic_authorization
from conformance.xmlcheck import check_xml_body

logger = logging.getLogger(__name__)

XML = "text/xml"
JSON = "application/json"
# error-key values that ICM's authentication layer adds to any operation.
AUTHENTICATION_ERROR_KEYS = {
    400: {"AuthenticationTokenInvalid"},
    None: {"AuthenticationTokenOutdated"},
}

# Registration is anonymous: these operations need no login.
REGISTRATION_OPERATIONS = frozenset(
    {"POST /customers", "POST /privatecustomers", "POST /privatecustomers/simple"}
)

# Schemathesis' built-in checks and the catalogue requirement each one verifies.
SCHEMATHESIS_CHECKS: dict[str, str] = {
    "not_a_server_error": "GENERAL-NO-SERVER-ERROR",
    "status_code_conformance": "GENERAL-STATUS-DOCUMENTED",
    "content_type_conformance": "GENERAL-CONTENT-TYPE",
    "response_headers_conformance": "GENERAL-RESPONSE-HEADERS",
    "response_schema_conformance": "GENERAL-RESPONSE-SCHEMA",
    "negative_data_rejection": "GENERAL-REJECT-INVALID",
}


@dataclass(frozen=True, slots=True)
class CheckFailure:
    """One way a response breaks the contract."""

    check: str
    requirements: tuple[str, ...]
    title: str
    message: str
    severity: str = "high"

    def key(self) -> tuple[str, str, str]:
        """Return the identity used to report a failure once, however many cases hit it."""
        return (self.check, ",".join(self.requirements), self.title)


@dataclass(slots=True)
class Finding:
    """Requirements a check evaluated on one response, and the failure if it found one."""

    check: str
    requirements: tuple[str, ...]
    failure: CheckFailure | None = None


@dataclass
class Exchange:
    """One request the suite sent and the response it received."""

    operation: OperationInfo
    case: Case | None
    response: requests.Response
    mode: str
    headers_sent: dict[str, str] = field(default_factory=dict)
    sent_body: Any = None


CheckFunction = Callable[[Exchange, Contract, Target], Iterable[Finding]]


def run_schemathesis_checks(exchange: Exchange) -> list[Finding]:
    """Run Schemathesis' built-in checks that apply to the exchange's generation mode."""
    case = exchange.case
    if case is None:
        return []
    names = [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
    ]
    if _media_type(exchange.response) != XML:
        names.append("response_schema_conformance")
    if exchange.mode == "negative" and case.media_type != XML:
        # NOTE: XML carries every scalar as text, so a boolean sent for a string is still
        # a valid XML body. Only negative JSON bodies are judged.
        names.append("negative_data_rejection")
    if exchange.mode == "invalid-token":
        # ICM rejects an invalid token with 400 on every operation, documented or not.
        # AUTH-TOKEN-INVALID-400 checks that response instead.
        names.remove("status_code_conformance")
    elif is_undocumented_rejection(exchange):
        # ICM's REST framework rejects unparseable or unmappable input with 400 on every
        # operation. The run lists these as contract gaps instead of failures.
        names.remove("status_code_conformance")
    findings = []
    for name in names:
        if name == "not_a_server_error" and _documented(exchange):
            findings.append(Finding(name, (SCHEMATHESIS_CHECKS[name],)))
            continue
        function = getattr(st_checks, name, None)
        if function is None:
            from schemathesis import checks as core_checks

            function = getattr(core_checks, name)
        findings.append(_run_one(exchange, name, function))
    return findings


def _run_one(exchange: Exchange, name: str, function: Any) -> Finding:
    requirement = SCHEMATHESIS_CHECKS[name]
    assert exchange.case is not None
    try:
        exchange.case.validate_response(
            exchange.response, checks=[function], headers=exchange.headers_sent
        )
    except FailureGroup as group:
        failure = group.exceptions[0]
        message = getattr(failure, "message", str(failure))
        return Finding(
            name,
            (requirement,),
            CheckFailure(name, (requirement,), str(getattr(failure, "title", name)), message),
        )
    return Finding(name, (requirement,))


def is_undocumented_rejection(exchange: Exchange) -> bool:
    """Return whether a negative case got a 400 that the operation does not document."""
    return (
        exchange.mode == "negative"
        and exchange.response.status_code == 400
        and 400 not in exchange.operation.statuses
    )


def _documented(exchange: Exchange) -> bool:
    return exchange.response.status_code in exchange.operation.statuses


def check_positive_acceptance(
    exchange: Exchange, contract: Contract, target: Target
) -> list[Finding]:
    """Check that a valid request is rejected only for a documented business reason.

    ICM checks mandatory fields that the contract does not mark as required and
    returns 400 with a documented ``error-key``. That response is conformant.
    """
    if exchange.mode != "positive":
        return []
    status = exchange.response.status_code
    allowed = status < 400 or status in (401, 403, 404, 409, 429) or status >= 500
    if status in exchange.operation.error_keys:
        allowed = True
    requirement = ("GENERAL-ACCEPT-VALID",)
    if allowed:
        return [Finding("positive_data_acceptance", requirement)]
    message = (
        f"A request that matches the schema was rejected with {status}, and the contract "
        f"documents no error-key for {status} on this operation.\n"
        f"Received: {_snippet(exchange.response)}"
    )
    failure = CheckFailure("positive_data_acceptance", requirement, "Valid data rejected", message)
    return [Finding("positive_data_acceptance", requirement, failure)]


def check_error_key(exchange: Exchange, contract: Contract, target: Target) -> list[Finding]:
    """Check that a documented error status carries a documented ``error-key`` value."""
    status = exchange.response.status_code
    operation = exchange.operation
    value = exchange.response.headers.get("error-key")
    documented = operation.error_keys.get(status)
    auth_keys = AUTHENTICATION_ERROR_KEYS[None] | AUTHENTICATION_ERROR_KEYS.get(status, set())
    if documented is None:
        return []
    findings = []
    present = ("ERROR-KEY-PRESENT",)
    if value is None and exchange.mode == "negative":
        # Input that breaks the schema is rejected by ICM's REST framework before any
        # handler runs, and the framework sets no error-key; only the handlers' own
        # rejections of schema-valid input must name their cause.
        return []
    if value is None:
        listed = sorted(documented) + list(operation.error_key_patterns.get(status, ()))
        message = (
            f"{status} on {operation.key} has no error-key header.\n"
            f"Documented values: {', '.join(listed)}"
        )
        failure = CheckFailure("error_key", present, "Missing error-key header", message)
        return [Finding("error_key", present, failure)]
    findings.append(Finding("error_key", present))
    valid = ("ERROR-KEY-DOCUMENTED",)
    values = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [
        item
        for item in values
        if item not in documented
        and item not in auth_keys
        and not _matches_pattern(item, operation.error_key_patterns.get(status, ()))
    ]
    if unknown:
        message = (
            f"error-key {', '.join(unknown)!s} on {status} of {operation.key} is not documented.\n"
            f"Documented: {', '.join(sorted(documented))}"
        )
        failure = CheckFailure("error_key", valid, "Undocumented error-key value", message)
        findings.append(Finding("error_key", valid, failure))
    else:
        findings.append(Finding("error_key", valid))
    return findings


def _matches_pattern(value: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        prefix = pattern.replace("{failureCode}", "")
        rest = value[len(prefix) :]
        if value.startswith(prefix) and rest and "." not in rest:
            return True
    return False


def check_authentication_token(
    exchange: Exchange, contract: Contract, target: Target
) -> list[Finding]:
    """Check for the ``authentication-token`` header that ICM sends on every REST response."""
    requirement = ("AUTH-TOKEN-HEADER",)
    if exchange.response.headers.get(TOKEN_HEADER):
        return [Finding("authentication_token", requirement)]
    message = (
        f"{exchange.response.status_code} on {exchange.operation.key} has no "
        f"{TOKEN_HEADER} header; ICM sends one on every REST response."
    )
    failure = CheckFailure(
        "authentication_token", requirement, "Missing authentication-token", message
    )
    return [Finding("authentication_token", requirement, failure)]


def check_links(exchange: Exchange, contract: Contract, target: Target) -> list[Finding]:
    """Check that a Link's ``uri`` is relative to the server root and a GET on it finds the item."""
    if _media_type(exchange.response) != JSON or exchange.response.status_code >= 300:
        return []
    if exchange.mode == "negative":
        # A negative case tests rejection; what its body becomes once serialised (XML
        # especially) need not match the dict the credentials would be read from.
        return []
    link = _first_link(_json(exchange.response))
    if link is None:
        return []
    requirement = ("LINK-RESOLVES",)
    uri = str(link.get("uri", ""))
    if not uri:
        return []
    if uri.startswith(("/", "http://", "https://")):
        message = (
            f"Link uri {uri!r} from {exchange.operation.key} is not relative to the server "
            f"root {target.root_url}; ICM writes e.g. 'inSPIRED-inTRONICS-Site/-/customers/-'."
        )
        failure = CheckFailure("link", requirement, "Link uri not relative", message)
        return [Finding("link", requirement, failure)]
    url = target.root_url + uri
    headers = {key: value for key, value in exchange.headers_sent.items() if _is_auth(key)}
    credentials = _registered_credentials(exchange)
    if credentials is not None:
        # A new registration is only visible to the customer it created.
        headers = {"Authorization": basic_authorization(*credentials)}
    try:
        followed = target.request("GET", url, headers={**headers, "Accept": JSON})
    except requests.RequestException as exc:
        failure = CheckFailure(
            "link", requirement, "Link not reachable", f"GET {url} failed: {exc}"
        )
        return [Finding("link", requirement, failure)]
    if followed.status_code != 200:
        message = (
            f"GET {url} (Link from {exchange.response.status_code} of {exchange.operation.key}) "
            f"answered {followed.status_code}, expected 200.\nReceived: {_snippet(followed)}"
        )
        failure = CheckFailure("link", requirement, "Link does not resolve", message)
        return [Finding("link", requirement, failure)]
    return [Finding("link", requirement)]


def _registered_credentials(exchange: Exchange) -> tuple[str, str] | None:
    if exchange.operation.key not in REGISTRATION_OPERATIONS:
        return None
    body = exchange.sent_body if isinstance(exchange.sent_body, dict) else {}
    credentials = body.get("credentials", body)
    if not isinstance(credentials, dict):
        return None
    login, password = credentials.get("login"), credentials.get("password")
    if isinstance(login, str) and isinstance(password, str):
        return login, password
    return None


def _first_link(body: Any) -> dict[str, Any] | None:
    if isinstance(body, dict) and body.get("type") == "Link" and "uri" in body:
        return body
    if isinstance(body, dict) and isinstance(body.get("elements"), list):
        for element in body["elements"]:
            if isinstance(element, dict) and element.get("type") == "Link" and element.get("uri"):
                return element
    return None


def check_xml(exchange: Exchange, contract: Contract, target: Target) -> list[Finding]:
    """``Accept: text/xml`` gives well-formed XML that follows the schema's xml hints."""
    accept = exchange.headers_sent.get("Accept", "")
    status = exchange.response.status_code
    operation = exchange.operation
    if XML not in accept or XML not in operation.response_media_types(contract, status):
        return []
    well_formed = ("XML-WELL-FORMED",)
    media_type = _media_type(exchange.response)
    body = exchange.response.content
    if media_type != XML:
        if not body:
            return [Finding("xml", well_formed)]
        message = (
            f"Accept: text/xml was sent and {status} of {operation.key} documents text/xml, "
            f"but the response is {media_type or 'untyped'}.\n"
            f"Received: {_snippet(exchange.response)}"
        )
        return [
            Finding(
                "xml", well_formed, CheckFailure("xml", well_formed, "JSON instead of XML", message)
            )
        ]
    if not body.strip():
        return [Finding("xml", well_formed)]
    definition = contract.response_definition(operation.method, operation.path, status) or {}
    schema = definition.get("content", {}).get(XML, {}).get("schema")
    if schema is None:
        return [Finding("xml", well_formed)]
    problems = check_xml_body(body, schema, contract.resolve)
    malformed = [problem for problem in problems if problem.kind == "malformed"]
    if malformed:
        failure = CheckFailure("xml", well_formed, "Malformed XML", malformed[0].message)
        return [Finding("xml", well_formed, failure)]
    matches = ("XML-MATCHES-SCHEMA",)
    if problems:
        message = "\n".join(problem.message for problem in problems[:5])
        failure = CheckFailure("xml", matches, "XML does not match the schema", message)
        return [Finding("xml", well_formed), Finding("xml", matches, failure)]
    return [Finding("xml", well_formed), Finding("xml", matches)]


def check_secrets(exchange: Exchange, contract: Contract, target: Target) -> list[Finding]:
    """Check that no password or security-question reply is returned in a body or header."""
    requirement = ("SECRETS-NOT-RETURNED",)
    secrets = set(target.settings.secrets()) | _secrets_in(exchange.sent_body)
    secrets = {secret for secret in secrets if isinstance(secret, str) and len(secret) >= 6}
    text = exchange.response.text
    headers = " ".join(
        value for name, value in exchange.response.headers.items() if name.lower() != TOKEN_HEADER
    )
    leaked = sorted(secret for secret in secrets if secret in text or secret in headers)
    if leaked:
        message = (
            f"{exchange.response.status_code} on {exchange.operation.key} contains "
            f"{len(leaked)} secret value(s) sent by the suite (a password or security answer)."
        )
        failure = CheckFailure("secrets", requirement, "Secret returned", message)
        return [Finding("secrets", requirement, failure)]
    return [Finding("secrets", requirement)]


def _secrets_in(body: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if str(key).lower() in ("password", "securityquestionanswer") and isinstance(
                value, str
            ):
                found.add(value)
            else:
                found |= _secrets_in(value)
    elif isinstance(body, list):
        for item in body:
            found |= _secrets_in(item)
    return found


ICM_CHECKS: tuple[CheckFunction, ...] = (
    check_positive_acceptance,
    check_error_key,
    check_authentication_token,
    check_links,
    check_xml,
    check_secrets,
)


def run_all(exchange: Exchange, contract: Contract, target: Target) -> list[Finding]:
    """Run every check on one exchange and return their findings."""
    findings = run_schemathesis_checks(exchange)
    for check in ICM_CHECKS:
        findings.extend(check(exchange, contract, target))
    return findings


def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _json(response: requests.Response) -> Any:
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return None


def _is_auth(name: str) -> bool:
    return name.lower() in ("authorization", TOKEN_HEADER)


def _snippet(response: requests.Response, limit: int = 300) -> str:
    text = response.text
    return text if len(text) <= limit else text[: limit - 3] + "..."
