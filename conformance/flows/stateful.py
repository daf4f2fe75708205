"""Schemathesis' own stateful testing over the contract's links, run bounded against the target.

The published links use ``{$index}``, which is no OpenAPI runtime
expression; the contract loader repairs them in memory, and only then can
Schemathesis build its state machine. Each step goes through ``Steps``, so
it is logged in the ledger, rate-limited, authenticated as the configured
account of its collection and checked like every other request.

The machine runs on a copy of the contract without the registration
operations, because every customer they create stays on the target for good,
and whose paths name the logged-in customer, ``/privatecustomers/-/addresses`` instead of
``/privatecustomers/{CustomerKey}/addresses``. Schemathesis starts scenarios
only at operations without path parameters (and at POSTs); with the key
pinned, the collection reads become starting points and their ``itemInfo``
links get followed.

The machine may follow a link from a created item to its update. A PUT or
DELETE is only sent for an item that the ledger lists as created by this
run; any other step is rejected before it is sent, so the machine never
changes data the suite did not create.
"""

from __future__ import annotations

import copy
import itertools
import logging
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.core.transport import Response

from conformance.checks import REGISTRATION_OPERATIONS
from conformance.contract import Contract, OperationInfo
from conformance.entities import created_ids
from conformance.flows.base import GeneratingFlow, Principal, Steps
from conformance.flows.payments import parameter_values

logger = logging.getLogger(__name__)

# Bounds of one run: scenarios per generated data set, and steps per scenario.
SCENARIOS_PER_EXAMPLE = 5
MAX_STEPS = 6
WRITES = ("PUT", "DELETE", "PATCH")
CUSTOMER_KEY = "{CustomerKey}"
CURRENT = "-"
_numbers = itertools.count(1)


class StatefulFlow(GeneratingFlow):
    """Run Schemathesis' state machine for the contract's links."""

    name = "schemathesis-stateful"
    roles = ("private",)

    def execute(self, steps: Steps, seed: int) -> None:
        machine = build_machine(steps)
        settings = hypothesis.settings(
            max_examples=SCENARIOS_PER_EXAMPLE * steps.context.settings.flow_examples,
            stateful_step_count=MAX_STEPS,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            print_blob=False,
        )
        machine.rule_order_seed = seed
        try:
            machine.run(settings=settings)
        except Unsatisfiable:
            steps.result.errors.append(
                "the state machine found no scenario whose steps the suite may send; every "
                "update or delete named an item this run did not create"
            )


def pin_customer_key(contract: Contract) -> tuple[dict[str, Any], dict[str, OperationInfo]]:
    """Return a contract copy for the machine, and its operations.

    The copy has no registration operations, and ``{CustomerKey}`` is replaced by ``-``.

    The second value maps ``METHOD /pinned/path`` to the contract's operation.
    """
    document = copy.deepcopy(contract.effective)
    paths: dict[str, Any] = {}
    operations: dict[str, OperationInfo] = {}
    for path, item in document["paths"].items():
        for key in REGISTRATION_OPERATIONS:
            method, registration_path = key.split(" ", 1)
            if registration_path == path:
                item.pop(method.lower(), None)
        pinned = path.replace(CUSTOMER_KEY, CURRENT)
        paths[pinned] = item
        for method, definition in item.items():
            if method == "parameters" or not isinstance(definition, dict):
                continue
            definition["parameters"] = _without_customer_key(
                contract, definition.get("parameters", [])
            )
            operations[f"{method.upper()} {pinned}"] = contract.operation(method, path)
        if "parameters" in item:
            item["parameters"] = _without_customer_key(contract, item["parameters"])
    document["paths"] = paths
    return document, operations


def _without_customer_key(contract: Contract, parameters: list[Any]) -> list[Any]:
    return [
        parameter
        for parameter in parameters
        if not (
            contract.resolve(parameter).get("in") == "path"
            and contract.resolve(parameter).get("name") == CUSTOMER_KEY.strip("{}")
        )
    ]


def build_machine(steps: Steps) -> Any:
    """Return a state machine class whose steps are sent and checked through ``steps``."""
    document, operations = pin_customer_key(steps.context.contract)
    schema = schemathesis.openapi.from_dict(document)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])
    base = schema.as_state_machine()

    class ConformanceMachine(base):  # type: ignore[misc, valid-type]
        def before_call(self, case: Case) -> None:
            prepare_case(steps, case)

        def call(self, case: Case, **kwargs: Any) -> Response:
            principal = principal_for(steps, case.operation.path)
            hypothesis.assume(principal is not None)
            hypothesis.assume(may_send(steps, case))
            operation = operations[f"{case.operation.method.upper()} {case.operation.path}"]
            exchange = steps.send_case(case, principal, mode="stateful", operation=operation)
            return Response.from_requests(exchange.response, verify=True)

        def validate_response(self, response: Response, case: Case, *args: Any, **kwargs: Any):
            # ``steps.send_case`` ran every check and recorded the failures already.
            return None

    return ConformanceMachine


def principal_for(steps: Steps, path: str) -> Principal | None:
    """Return the configured account that owns the collection of ``path``."""
    role = "private" if path.startswith("/privatecustomers") else "admin"
    account = steps.target.accounts.get(role)
    return Principal.of(account) if account is not None else None


def prepare_case(steps: Steps, case: Case) -> None:
    """Give request bodies values that ICM accepts."""
    path = case.operation.path
    method = case.operation.method.upper()
    if method not in ("POST", "PUT"):
        return
    if path.endswith("/addresses") or path.endswith("/{CustomerAddressKey}"):
        case.body = stateful_address(steps.run_id)
    elif path.endswith("/payments") or path.endswith("/{CustomerPaymentKey}"):
        parameters: list[Any] = parameter_values(["holder", "IBAN"], steps.run_id, next(_numbers))
        case.body = {"name": "ISH_DEBIT_TRANSFER", "parameters": parameters}
    if case.media_type is None or "json" not in case.media_type:
        case.media_type = "application/json"


def stateful_address(run_id: str) -> dict[str, Any]:
    """Return an address that no other request of this process posted."""
    number = next(_numbers)
    return {
        "firstName": "Stateful",
        "lastName": f"Conformance {run_id}",
        "addressLine1": "Intershop Tower",
        "addressLine2": f"Floor {number}",
        "postalCode": "07743",
        "city": "Jena",
        "countryCode": "DE",
    }


def may_send(steps: Steps, case: Case) -> bool:
    """Return whether a step may be sent: reads and creates always, writes only to own items."""
    if case.operation.method.upper() not in WRITES:
        return True
    # The item a write changes is named by the last path segment, e.g. {CustomerAddressKey};
    # a write on the customer itself ({CustomerKey} is "-") is never sent either.
    item = case.operation.path.rstrip("/").rsplit("/", 1)[-1].strip("{}")
    key = str((case.path_parameters or {}).get(item, ""))
    return key in created_ids(steps.context.entities.ledger)
