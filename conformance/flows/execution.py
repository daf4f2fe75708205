"""Run one flow as one test: gating, generated data, and its ``TestResult``."""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st

from conformance.flows.base import Flow, FlowAborted, GeneratingFlow, RegisteredCustomer, Steps
from conformance.results import TestResult
from conformance.runner import RunContext
from conformance.safety import ReadOnlyViolation

logger = logging.getLogger(__name__)

FLOWS_TAG = "Flows"
REUSE_REASON = (
    "--icm-reuse-customers is set: this flow registers customers, which the Customer REST API "
    "cannot delete"
)
READ_ONLY_REASON = "--icm-read-only is set: this flow sends requests that change data"


@dataclass
class FlowEnvironment:
    """State shared by the flows of one session, such as customers registered by one flow."""

    context: RunContext
    private_customer: RegisteredCustomer | None = None
    business_customer: RegisteredCustomer | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def run_flow(flow_class: type[Flow], environment: FlowEnvironment, test_id: str) -> TestResult:
    """Run ``flow_class`` with generated data and return its result."""
    result = TestResult(
        test_id=test_id,
        operation=f"{FLOWS_TAG} {flow_class.name}",
        operation_id=flow_class.name,
        tag=FLOWS_TAG,
        mode="flow",
    )

    started = time.monotonic()
    context = environment.context
    flow = flow_class(environment)
    steps = Steps(context, result, flow_class.name)
    reason = _gate(flow, steps)
    if reason is not None:
        result.status, result.reason = reason
        return result

    try:
        _run_examples(flow, steps, context, test_id)
    except ReadOnlyViolation as exc:
        # A flow that declared itself read-only sent a write; the guard stopped it in time.
        result.errors.append(f"a read-only flow tried to write: {exc}")
    except Exception as exc:
        # A bug in a flow must not end the session; the test reports it as an error.
        logger.exception("flow %s raised an unexpected error", flow_class.name)
        result.errors.append(f"flow {flow_class.name} raised {type(exc).__name__}: {exc}")

    result.duration = time.monotonic() - started
    if result.failures:
        result.status = "failed"
    elif result.errors:
        result.status = "error"
    return result


def _gate(flow: Flow, steps: Steps) -> tuple[str, str] | None:
    settings = steps.context.settings
    if settings.read_only and flow.writes:
        return "disabled", READ_ONLY_REASON
    if settings.reuse_customers and flow.registers:
        return "skipped", REUSE_REASON
    missing = [role for role in flow.roles if role not in steps.target.accounts]
    if missing:
        return "skipped", f"no {' or '.join(missing)} account is configured for this flow"
    reason = flow.skip_reason(steps)
    return ("skipped", reason) if reason else None


def _run_examples(flow: Flow, steps: Steps, context: RunContext, test_id: str) -> None:
    settings = context.settings
    seed = settings.seed ^ zlib.crc32(test_id.encode())
    if isinstance(flow, GeneratingFlow):
        flow.execute(steps, seed)
        return

    @hypothesis.settings(
        max_examples=settings.flow_examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @hypothesis.given(data=st.data())
    def example(data: st.DataObject) -> None:
        try:
            flow.run(steps, data)
        except FlowAborted as exc:
            logger.info("flow %s stopped early: %s", flow.name, exc)

    hypothesis.seed(seed)(example)()
