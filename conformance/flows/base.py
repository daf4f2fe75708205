"""Building blocks of every flow: principals, the step runner and behavioural assertions.

A flow is a sequence of requests in which later steps depend on earlier ones
(register, log in, add an address, read it back ...). Each step is a contract
operation sent through ``Steps.call``: the request is built from the
operation's Schemathesis ``Case`` and its response goes through every check of
``conformance.checks``, exactly like a generated case. Behaviour that no
single response shows (the address is listed, the update persists) is
asserted with ``Steps.expect``, which names the requirement it judges.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.core import NOT_SET

from conformance.checks import CheckFailure, Exchange
from conformance.config import Account
from conformance.contract import OperationInfo
from conformance.recording import Recorder
from conformance.results import TestResult
from conformance.runner import RunContext
from conformance.target import TOKEN_HEADER, Target, basic_authorization

logger = logging.getLogger(__name__)

JSON = "application/json"
PRIVATE = "privatecustomers"
BUSINESS = "customers"
# Statuses by which a target refuses access to data of another customer.
DENIED_STATUSES = frozenset({401, 403, 404})


class FlowAborted(Exception):
    """A step failed so that the later steps of the flow cannot run meaningfully."""


@dataclass(frozen=True)
class Principal:
    """Someone a flow acts as: a configured account or a customer the suite registered."""

    login: str
    password: str = field(repr=False)
    base_url: str
    # The collection the principal's own data lives under: privatecustomers or customers.
    segment: str
    # A configured account's role; "registered" for a customer the suite registered.
    role: str = "registered"

    @classmethod
    def of(cls, account: Account) -> Principal:
        segment = PRIVATE if account.role == "private" else BUSINESS
        return cls(account.login, account.password, account.base_url, segment, account.role)


@dataclass
class RegisteredCustomer:
    """A customer the suite registered during this run, with what the registration sent."""

    principal: Principal
    customer_no: str
    sent: dict[str, Any]
    security_answer: str = field(default="", repr=False)


# A request that is not an operation of the Customer API, for failures of the login steps.
TOKEN_OPERATION = OperationInfo(
    method="POST",
    path="/token",
    operation_id="token",
    published_operation_id="token",
    tag="Authentication",
    statuses=(200,),
    error_keys={},
    error_key_patterns={},
    requires_login=False,
    request_media_types=("application/x-www-form-urlencoded",),
)


class Steps:
    """Sends the steps of one flow, checks every response and records failures."""

    def __init__(
        self,
        context: RunContext,
        result: TestResult,
        flow_name: str,
        target: Target | None = None,
    ) -> None:
        self.context = context
        self.result = result
        self.flow_name = flow_name
        self.target = target or context.target
        self.recorder = Recorder(
            result, context.contract, context.catalogue, self.target, context.settings.secrets()
        )
        # Passwords and security answers of registered customers: no response may contain one.
        self.secrets: set[str] = set()

    @property
    def run_id(self) -> str:
        return self.context.run_id

    # Authentication ---------------------------------------------------------------

    def auth(self, principal: Principal | None) -> dict[str, str]:
        """Return the headers that log in as ``principal``; none for an anonymous request."""
        if principal is None:
            return {}
        account = self.target.accounts.get(principal.role)
        if account is not None and account.login == principal.login:
            return self.target.auth_headers(account)
        return {"Authorization": basic_authorization(principal.login, principal.password)}

    def add_secret(self, value: str) -> None:
        """Scan every later response for ``value`` and mask it in recorded failures."""
        if value:
            self.secrets.add(value)
            self.recorder.secrets.append(value)

    # Sending ------------------------------------------------------------------------

    def call(
        self,
        operation_key: str,
        principal: Principal | None,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: Any = NOT_SET,
        headers: Mapping[str, str] | None = None,
        base_url: str | None = None,
        mode: str = "positive",
    ) -> Exchange:
        """Send one contract operation, run every check on the response and return both.

        ``mode`` is ``positive`` for a request that should succeed and ``expected-error``
        (or a more specific name) for one that should be refused. Raises ``FlowAborted``
        when no response arrives.
        """
        operation = self.context.operations[operation_key]
        case = operation.Case(
            path_parameters=dict(path or {}),
            query=dict(query or {}),
            body=body,
            media_type=JSON if body is not NOT_SET else None,
        )
        return self.send_case(case, principal, headers=headers, base_url=base_url, mode=mode)

    def send_case(
        self,
        case: Case,
        principal: Principal | None,
        *,
        headers: Mapping[str, str] | None = None,
        base_url: str | None = None,
        mode: str = "positive",
        operation: OperationInfo | None = None,
    ) -> Exchange:
        """Send a Schemathesis case as ``principal`` and check the response.

        ``operation`` names the contract operation when the case comes from a derived schema
        whose paths differ from the contract's.
        """
        info = operation or self.context.contract.operation(
            case.operation.method, case.operation.path
        )
        sent_headers = {"Accept": JSON, **self.auth(principal), **(headers or {})}
        kwargs = case.as_transport_kwargs(
            base_url=base_url or self._base_url(principal, info.path), headers=sent_headers
        )
        # Schemathesis may draw values for the declared security schemes; the step's own
        # login replaces them.
        drawn = {
            name: value
            for name, value in kwargs.get("headers", {}).items()
            if name.lower() not in ("authorization", TOKEN_HEADER)
        }
        kwargs["headers"] = {**drawn, **sent_headers}
        method = kwargs.pop("method")
        url = kwargs.pop("url")
        response = self._send(method, url, kwargs)
        exchange = Exchange(
            operation=info,
            case=case,
            response=response,
            mode=mode,
            headers_sent=dict(response.request.headers),
            sent_body=case.body if isinstance(case.body, dict | list) else None,
        )
        # Refusing another customer's keys is required, whether or not the contract lists
        # the status the target refuses with.
        gaps = DENIED_STATUSES if mode == "cross-customer" else frozenset()
        self.recorder.check(exchange, gap_statuses=gaps)
        self.scan_secrets(exchange)
        return exchange

    def send_raw(self, method: str, url: str, operation: OperationInfo, **kwargs: Any) -> Exchange:
        """Send a request outside the contract (e.g. ``POST /token``); only scan for secrets."""
        response = self._send(method, url, kwargs)
        exchange = Exchange(operation=operation, case=None, response=response, mode="positive")
        self.scan_secrets(exchange)
        return exchange

    def follow(self, uri: str, principal: Principal | None) -> requests.Response:
        """GET a Link's ``uri``, which is relative to the server root."""
        url = uri if uri.startswith(("http://", "https://")) else self.target.root_url + uri
        headers = {"Accept": JSON, **self.auth(principal)}
        return self._send("GET", url, {"headers": headers})

    def _send(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        self.result.cases += 1
        try:
            response = self.target.request(method, url, **kwargs)
        except requests.RequestException as exc:
            self.result.errors.append(f"{method} {url} failed: {exc}")
            raise FlowAborted(f"{method} {url} failed") from None
        status = str(response.status_code)
        self.result.observed_statuses[status] = self.result.observed_statuses.get(status, 0) + 1
        return response

    def _base_url(self, principal: Principal | None, path: str) -> str:
        if principal is not None:
            return principal.base_url
        return self.target.base_for(path)

    # Assertions ---------------------------------------------------------------------

    def expect(
        self, condition: bool, requirement: str, exchange: Exchange, title: str, message: str
    ) -> bool:
        """Count ``requirement`` as exercised if ``condition`` holds, else record a failure."""
        if condition:
            self.result.exercised.add(requirement)
            return True
        failure = CheckFailure(f"flow:{self.flow_name}", (requirement,), title, message)
        self.recorder.record(exchange, failure)
        return False

    def require(
        self, condition: bool, requirement: str, exchange: Exchange, title: str, message: str
    ) -> None:
        """Like ``expect``, but stop the flow when ``condition`` fails."""
        if not self.expect(condition, requirement, exchange, title, message):
            raise FlowAborted(title)

    def expect_status(
        self, exchange: Exchange, statuses: set[int] | frozenset[int], requirement: str
    ) -> bool:
        """Expect one of ``statuses``; the failure message shows what came back."""
        status = exchange.response.status_code
        expected = " or ".join(str(value) for value in sorted(statuses))
        return self.expect(
            status in statuses,
            requirement,
            exchange,
            f"{exchange.operation.key} answered {status}, expected {expected}",
            f"{describe(exchange)} answered {status}; expected {expected}.\n"
            f"Received: {snippet(exchange.response)}",
        )

    def require_status(
        self, exchange: Exchange, statuses: set[int] | frozenset[int], requirement: str
    ) -> None:
        if not self.expect_status(exchange, statuses, requirement):
            raise FlowAborted(f"{exchange.operation.key} returned {exchange.response.status_code}")

    def scan_secrets(self, exchange: Exchange) -> None:
        """Check that no registered password or security answer comes back."""
        if not self.secrets:
            return
        response = exchange.response
        headers = " ".join(
            value for name, value in response.headers.items() if name.lower() != TOKEN_HEADER
        )
        leaked = [secret for secret in self.secrets if secret in response.text or secret in headers]
        self.expect(
            not leaked,
            "SECRETS-NOT-RETURNED",
            exchange,
            "Secret returned",
            f"{describe(exchange)} answered {response.status_code} with {len(leaked)} value(s) "
            "that only the registration request carried (a password or security answer).",
        )


class Flow:
    """A stateful scenario; subclasses set the class attributes and implement ``run``."""

    name: ClassVar[str]
    # Configured account roles the flow needs; it is skipped when one is missing.
    roles: ClassVar[tuple[str, ...]] = ()
    # Whether the flow sends requests that change data (disabled by --icm-read-only).
    writes: ClassVar[bool] = True
    # Whether the flow registers customers (skipped by --icm-reuse-customers).
    registers: ClassVar[bool] = False

    def __init__(self, environment: Any) -> None:
        self.environment = environment

    def skip_reason(self, steps: Steps) -> str | None:
        """Return why the flow cannot run against this target, or None."""
        return None

    def run(self, steps: Steps, data: st.DataObject) -> None:
        raise NotImplementedError


class GeneratingFlow(Flow):
    """A flow that runs its own Hypothesis engine instead of drawing from ``st.data()``."""

    def run(self, steps: Steps, data: st.DataObject) -> None:
        raise TypeError(f"{self.name} generates its own data; call execute()")

    def execute(self, steps: Steps, seed: int) -> None:
        raise NotImplementedError


# Helpers for reading responses ------------------------------------------------------------


def body_of(exchange: Exchange | requests.Response) -> Any:
    """Return the JSON body of a response, or None if it has none or is not JSON."""
    response = exchange.response if isinstance(exchange, Exchange) else exchange
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return None


def item_id(link: Any) -> str | None:
    """Return the id a Link names: its ``itemId``, else the last segment of its ``uri``."""
    if not isinstance(link, dict):
        return None
    if link.get("itemId"):
        return str(link["itemId"])
    uri = str(link.get("uri") or "")
    return uri.rstrip("/").rsplit("/", 1)[-1] or None


def element_ids(exchange: Exchange) -> list[str]:
    """Return the item ids of a collection of Links, in the order listed."""
    body = body_of(exchange)
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        return []
    return [identifier for identifier in map(item_id, elements) if identifier]


def differences(sent: Mapping[str, Any], received: Any) -> list[str]:
    """Return ``field: sent != received`` for every sent field the response does not repeat."""
    if not isinstance(received, dict):
        return ["the response has no JSON object body"]
    return [
        f"{name}: sent {value!r}, received {received.get(name)!r}"
        for name, value in sent.items()
        if received.get(name) != value
    ]


def describe(exchange: Exchange) -> str:
    request = exchange.response.request
    return f"{request.method} {request.url}"


def snippet(response: requests.Response, limit: int = 300) -> str:
    text = response.text
    return text if len(text) <= limit else text[: limit - 3] + "..."
