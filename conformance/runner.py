"""Run the generated cases of one operation in one mode and check every response.

A test is one operation in one mode:

- ``positive``: schema-valid requests, ICM-valid field values and real item
  keys, answered as JSON or XML;
- ``negative``: requests that break the schema, which the target must reject;
- ``unauthenticated``: a valid request with no login, then with an invalid
  ``authentication-token`` (only for operations that need a login);
- ``xml``: one valid request with ``Accept: text/xml``.

Failures are collected rather than raised, so one run reports every distinct
way an operation breaks the contract, each once, with the first exchange that
showed it. Hypothesis does not shrink: a shrunk HTTP case would cost many more
requests on a shared target and rarely reads better than the first one.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hypothesis
import requests
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.schemas import APIOperation

from conformance import generators
from conformance.catalogue import Catalogue
from conformance.checks import REGISTRATION_OPERATIONS, CheckFailure, Exchange
from conformance.config import Settings
from conformance.contract import Contract, OperationInfo
from conformance.entities import Entities, EntityError
from conformance.recording import Recorder
from conformance.results import TestResult
from conformance.target import TOKEN_HEADER, Target

logger = logging.getLogger(__name__)

MODES = ("positive", "negative", "unauthenticated", "xml")
ANONYMOUS_OPERATIONS = REGISTRATION_OPERATIONS
INVALID_TOKEN = "icm-conformance-invalid-token"
ACCEPT_TYPES = ("application/json", "text/xml")
# A query value that no enum of the contract contains.
OUTSIDE_ENUM = "icm-conformance-not-in-enum"


@dataclass
class RunContext:
    """Everything a test needs, shared by all tests of a session."""

    settings: Settings
    contract: Contract
    catalogue: Catalogue
    operations: dict[str, APIOperation]
    target: Target
    entities: Entities
    run_id: str


def modes_for(info: OperationInfo, contract: Contract) -> list[str]:
    """Return the test modes that apply to an operation."""
    modes = ["positive"]
    if _has_negatable_input(info, contract):
        modes.append("negative")
    if info.key not in ANONYMOUS_OPERATIONS and 401 in info.statuses:
        modes.append("unauthenticated")
    successes = [status for status in info.statuses if 200 <= status < 300]
    if any("text/xml" in info.response_media_types(contract, status) for status in successes):
        modes.append("xml")
    return modes


def _has_negatable_input(info: OperationInfo, contract: Contract) -> bool:
    """Return whether a request can break the schema anywhere but in its path.

    Negative cases keep real path keys: an invented customer key only tests the
    target's 404, which most of these operations do not document.
    """
    definition = contract.effective["paths"][info.path][info.method.lower()]
    parameters = [contract.resolve(parameter) for parameter in definition.get("parameters", [])]
    return bool(definition.get("requestBody")) or any(
        parameter.get("in") in ("query", "header") for parameter in parameters
    )


class OperationTest:
    """Runs one test (one operation in one mode) and fills a ``TestResult``."""

    def __init__(self, context: RunContext, info: OperationInfo, mode: str, test_id: str) -> None:
        self.context = context
        self.info = info
        self.mode = mode
        self.operation = context.operations[info.key]
        self.result = TestResult(
            test_id=test_id,
            operation=info.key,
            operation_id=info.operation_id,
            tag=info.tag,
            mode=mode,
        )
        self.recorder = Recorder(
            self.result,
            context.contract,
            context.catalogue,
            context.target,
            context.settings.secrets(),
        )

    # Entry point ----------------------------------------------------------------

    def run(self) -> TestResult:
        started = time.monotonic()
        try:
            account = self.context.target.account_for(self.info.path)
            needs_login = self.info.key not in ANONYMOUS_OPERATIONS
            if needs_login and account is None and self.mode != "unauthenticated":
                self._skip(
                    f"no {_role_name(self.info.path)} credentials are configured; set "
                    f"{_credential_hint(self.info.path)} to test {self.info.key}"
                )
            elif self.mode == "positive":
                self._run_generated(GenerationMode.POSITIVE)
            elif self.mode == "negative":
                self._run_generated(GenerationMode.NEGATIVE)
                self._run_enum_violations()
            elif self.mode == "unauthenticated":
                self._run_unauthenticated()
            else:
                self._run_xml()
        except EntityError as exc:
            self.result.status = "error"
            self.result.errors.append(str(exc))
        self.result.duration = time.monotonic() - started
        if self.result.status == "passed" and self.result.failures:
            self.result.status = "failed"
        if self.result.status == "passed" and self.result.errors:
            self.result.status = "error"
        return self.result

    def _skip(self, reason: str) -> None:
        self.result.status = "skipped"
        self.result.reason = reason

    # Generated cases ------------------------------------------------------------

    def _run_generated(self, mode: GenerationMode) -> None:
        path_parameters = self._path_parameters()
        strategy = self.operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
        settings = self.context.settings

        @hypothesis.settings(
            max_examples=settings.examples,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=False,
            print_blob=False,
        )
        @hypothesis.given(case=strategy, data=st.data())
        def test(case: Case, data: st.DataObject) -> None:
            case_mode = case.meta.generation.mode.value if case.meta else mode.value
            if case_mode == "positive":
                self._patch_positive(case, data)
            accept = data.draw(st.sampled_from(ACCEPT_TYPES), label="Accept")
            self._execute(case, accept, self._login_headers(), case_mode)

        seed = settings.seed ^ zlib.crc32(self.result.test_id.encode())
        hypothesis.seed(seed)(test)()

    def _run_enum_violations(self) -> None:
        """Send each query parameter that has an enum once with a value outside it.

        A negative case breaks one of several inputs, so a small example budget may never
        try an unknown ``sort`` key; this fixed case always does.
        """
        for name in _enum_query_parameters(self.info, self.context.contract):
            case = self._example_case(path_parameters=self._path_parameters())
            case.query = {**(case.query or {}), name: OUTSIDE_ENUM}
            reported = self._failure_count()
            exchange = self._execute(case, "application/json", self._login_headers(), "negative")
            if exchange is None:
                continue
            status = exchange.response.status_code
            if 400 <= status < 500:
                self.result.exercised.add("GENERAL-REJECT-INVALID")
            elif self._failure_count() == reported:
                # Schemathesis' own check flags the changed query when it treats the case as
                # negative; otherwise this records the failure.
                self._record(exchange, _enum_failure(self.info.key, name, exchange))

    def _failure_count(self) -> int:
        return sum(failure.occurrences for failure in self.result.failures)

    def _patch_positive(self, case: Case, data: st.DataObject) -> None:
        """Replace the fields ICM validates with values it accepts."""
        if self.info.key == "GET /customers/{CustomerKey}/users":
            case.query = {**(case.query or {}), **data.draw(generators.paging_query())}
        schema_name = self._request_schema_name()
        if schema_name is None:
            return
        body = case.body if isinstance(case.body, dict) else {}
        run_id = self.context.run_id
        if schema_name == "AddressRO":
            values = data.draw(generators.addresses(run_id, incomplete=True))
            case.body = generators.patch_address(body, values)
        elif schema_name == "PaymentRO":
            patched = {k: v for k, v in body.items() if k not in _PAYMENT_CHECKED}
            case.body = {**patched, **data.draw(generators.payment_values(run_id))}
        elif schema_name == "NewCustomerRO":
            # POST /customers is tested on the business site, where it registers an SMB customer.
            business = self.info.path == "/customers"
            values = data.draw(generators.new_customer_values(run_id, business))
            patched = {k: v for k, v in body.items() if k not in _NEW_CUSTOMER_CHECKED}
            case.body = {**patched, **values}
        elif schema_name == "CredentialsRO":
            login = data.draw(generators.logins(run_id))
            case.body = {"login": login, "password": data.draw(generators.passwords())}
        elif schema_name == "SMBCustomerUserROCollection":
            users = data.draw(st.lists(generators.user_values(run_id), min_size=1, max_size=3))
            case.body = {"elements": list[Any](users)}
        elif schema_name == "SMBCustomerUserRO":
            values = data.draw(generators.user_values(run_id))
            values.pop("login")
            case.body = {k: v for k, v in body.items() if k not in _USER_CHECKED} | values
        elif schema_name in ("PrivateCustomerRO", "SMBCustomerRO"):
            case.body = {k: v for k, v in body.items() if k not in _PROFILE_CHECKED}
            case.body["lastName" if schema_name == "PrivateCustomerRO" else "companyName"] = (
                f"Conformance {run_id}"
            )

    def _request_schema_name(self) -> str | None:
        definition = self.context.contract.effective["paths"][self.info.path][
            self.info.method.lower()
        ]
        body = definition.get("requestBody")
        if not body:
            return None
        for media in body.get("content", {}).values():
            reference = media.get("schema", {}).get("$ref", "")
            if reference:
                return str(reference.rsplit("/", 1)[-1])
        return None

    def _path_parameters(self) -> dict[str, Any]:
        """Return real item keys for the operation's path, creating entities where needed."""
        path = self.info.path
        parameters: dict[str, Any] = {}
        if "{CustomerKey}" in path:
            parameters["CustomerKey"] = "-"
        account = self.context.target.account_for(path)
        if account is None:
            return parameters
        customers = "privatecustomers" if path.startswith("/privatecustomers") else "customers"
        entities = self.context.entities
        writes = self.info.method in ("PUT", "DELETE")
        if "{CustomerAddressKey}" in path:
            base = f"{account.base_url}/{customers}/-/addresses"
            existing = None if writes else entities.first_item(account, base)
            parameters["CustomerAddressKey"] = existing or entities.create_address(
                account, customers
            )
        if "{CustomerPaymentKey}" in path:
            base = f"{account.base_url}/{customers}/-/payments"
            existing = None if writes else entities.first_item(account, base)
            parameters["CustomerPaymentKey"] = existing or entities.create_payment(
                account, customers
            )
        if "{CustomerItemUserKey}" in path:
            if "giftcardsandcertificates" in path:
                parameters["CustomerItemUserKey"] = "-"
            else:
                parameters["CustomerItemUserKey"] = entities.create_user(account) if writes else "-"
        if "{CustomerGiftCardAndCertificateResourceKey}" in path:
            base = f"{account.base_url}/{path.split('{CustomerKey}')[0].strip('/')}/-"
            base += "/users/-" if "/users/" in path else ""
            card = entities.first_item(account, f"{base}/giftcardsandcertificates")
            if card:
                parameters["CustomerGiftCardAndCertificateResourceKey"] = card
        return parameters

    def _login_headers(self) -> dict[str, str]:
        if self.info.key in ANONYMOUS_OPERATIONS:
            return {}
        account = self.context.target.account_for(self.info.path)
        return self.context.target.auth_headers(account)

    # Fixed cases ----------------------------------------------------------------

    def _run_unauthenticated(self) -> None:
        case = self._example_case()
        anonymous = self._execute(case, "application/json", {}, "unauthenticated")
        if anonymous is not None:
            self._expect_status(
                anonymous, {401}, "AUTH-REQUIRED-401", "Restricted data without login"
            )
        invalid = self._execute(
            case, "application/json", {TOKEN_HEADER: INVALID_TOKEN}, "invalid-token"
        )
        if invalid is not None:
            self._expect_invalid_token(invalid)

    def _run_xml(self) -> None:
        account = self.context.target.account_for(self.info.path)
        if account is None and self.info.key not in ANONYMOUS_OPERATIONS:
            return
        case = self._example_case(path_parameters=self._path_parameters())
        self._execute(case, "text/xml", self._login_headers(), "positive")

    def _example_case(self, path_parameters: dict[str, Any] | None = None) -> Case:
        strategy = self.operation.as_strategy(
            generation_mode=GenerationMode.POSITIVE,
            path_parameters=path_parameters or {name: "-" for name in _path_names(self.info.path)},
        )
        drawn: list[Case] = []

        @hypothesis.settings(
            max_examples=1,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=strategy, data=st.data())
        def draw(case: Case, data: st.DataObject) -> None:
            self._patch_positive(case, data)
            drawn.append(case)

        seed = self.context.settings.seed ^ zlib.crc32(self.result.test_id.encode())
        hypothesis.seed(seed)(draw)()
        return drawn[0]

    def _expect_status(
        self, exchange: Exchange, statuses: set[int], requirement: str, title: str
    ) -> None:
        status = exchange.response.status_code
        if status in statuses:
            self.result.exercised.add(requirement)
            return
        message = (
            f"{self.info.key} without a login answered {status}; expected "
            f"{' or '.join(map(str, sorted(statuses)))}.\nReceived: {exchange.response.text[:300]}"
        )
        self._record(exchange, CheckFailure("authentication", (requirement,), title, message))

    def _expect_invalid_token(self, exchange: Exchange) -> None:
        response = exchange.response
        key = response.headers.get("error-key")
        if response.status_code == 400 and key == "AuthenticationTokenInvalid":
            self.result.exercised.add("AUTH-TOKEN-INVALID-400")
            return
        message = (
            f"{self.info.key} with authentication-token {INVALID_TOKEN!r} answered "
            f"{response.status_code} with error-key {key!r}; expected 400 with "
            "error-key AuthenticationTokenInvalid."
        )
        failure = CheckFailure(
            "authentication", ("AUTH-TOKEN-INVALID-400",), "Invalid token accepted", message
        )
        self._record(exchange, failure)

    # Sending and checking ---------------------------------------------------------

    def _execute(self, case: Case, accept: str, auth: dict[str, str], mode: str) -> Exchange | None:
        target = self.context.target
        base_url = target.base_for(self.info.path)
        headers = {"Accept": accept, **auth}
        kwargs = case.as_transport_kwargs(base_url=base_url, headers=headers)
        # Schemathesis draws values for the declared security schemes too. The suite
        # authenticates by itself, and the probes for missing or invalid logins are
        # the unauthenticated mode's job, so drawn credentials are removed.
        generated = {
            name: value
            for name, value in kwargs.get("headers", {}).items()
            if name.lower() not in ("authorization", TOKEN_HEADER)
        }
        kwargs["headers"] = {**generated, **auth}
        method = kwargs.pop("method")
        url = kwargs.pop("url")
        self.result.cases += 1
        try:
            response = target.request(method, url, **kwargs)
        except requests.Timeout:
            self.result.errors.append(
                f"{method} {url} timed out after {self.context.settings.timeout} s"
            )
            return None
        except requests.RequestException as exc:
            self.result.errors.append(f"{method} {url} failed: {exc}")
            return None
        status = str(response.status_code)
        self.result.observed_statuses[status] = self.result.observed_statuses.get(status, 0) + 1
        exchange = Exchange(
            operation=self.info,
            case=case,
            response=response,
            mode=mode,
            headers_sent=dict(response.request.headers),
            sent_body=case.body if isinstance(case.body, dict | list) else None,
        )
        self._check(exchange)
        return exchange

    def _check(self, exchange: Exchange) -> None:
        self.recorder.check(exchange)

    def _record(self, exchange: Exchange, failure: CheckFailure) -> None:
        self.recorder.record(exchange, failure)


_NEW_CUSTOMER_CHECKED = frozenset(
    {
        "credentials",
        "address",
        "email",
        "login",
        "customerNo",
        "birthday",
        "preferredLanguage",
        "preferredInvoiceToAddress",
        "preferredShipToAddress",
        "preferredPaymentInstrument",
        "userId",
        "type",
        "customerType",
        "externalURN",
    }
)
_PAYMENT_CHECKED = frozenset({"name", "parameters", "attributes", "attribute", "id", "type"})
_USER_CHECKED = frozenset(
    {
        "login",
        "email",
        "birthday",
        "preferredLanguage",
        "preferredPaymentInstrument",
        "preferredInvoiceToAddressUrn",
        "preferredShipToAddressUrn",
        "businessPartnerNo",
        "type",
    }
)
_PROFILE_CHECKED = frozenset(
    {
        "email",
        "birthday",
        "preferredLanguage",
        "preferredInvoiceToAddress",
        "preferredShipToAddress",
        "preferredPaymentInstrument",
        "customerNo",
        "customerType",
        "type",
        "externalURN",
        "login",
    }
)


def _enum_failure(operation_key: str, name: str, exchange: Exchange) -> CheckFailure:
    status = exchange.response.status_code
    message = (
        f"{operation_key} with {name}={OUTSIDE_ENUM!r}, a value outside the parameter's enum, "
        f"answered {status}; expected a 4xx status.\nReceived: {exchange.response.text[:300]}"
    )
    return CheckFailure(
        "negative_data_rejection", ("GENERAL-REJECT-INVALID",), "Enum value accepted", message
    )


def _enum_query_parameters(info: OperationInfo, contract: Contract) -> list[str]:
    """Return the names of the operation's query parameters whose schema has an enum."""
    definition = contract.effective["paths"][info.path][info.method.lower()]
    names = []
    for parameter in definition.get("parameters", []):
        resolved = contract.resolve(parameter)
        schema = contract.resolve(resolved.get("schema", {}))
        if resolved.get("in") == "query" and schema.get("enum"):
            names.append(str(resolved["name"]))
    return names


def _path_names(path: str) -> list[str]:
    import re

    return re.findall(r"\{([^}]+)\}", path)


def _role_name(path: str) -> str:
    return "private customer" if path.startswith("/privatecustomers") else "business admin"


def _credential_hint(path: str) -> str:
    if path.startswith("/privatecustomers"):
        return "ICM_USER and ICM_PASSWORD"
    return "ICM_ADMIN_USER and ICM_ADMIN_PASSWORD"


CheckHook = Callable[[Exchange], None]
