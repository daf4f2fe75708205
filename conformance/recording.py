"""Check exchanges and record their failures into a ``TestResult``, each distinct failure once.

Both the per-operation tests (``conformance.runner``) and the stateful flows
(``conformance.flows``) send requests, run every check on each response and
report what broke with the first exchange that showed it, secrets masked.
"""

from __future__ import annotations

import logging
from typing import Any

import requests

from conformance.catalogue import Catalogue
from conformance.checks import CheckFailure, Exchange, is_undocumented_rejection, run_all
from conformance.contract import Contract
from conformance.masking import mask_curl, mask_headers, mask_text
from conformance.results import FailureRecord, TestResult
from conformance.target import Target

logger = logging.getLogger(__name__)


class Recorder:
    """Runs the checks on exchanges of one test and fills its ``TestResult``."""

    def __init__(
        self,
        result: TestResult,
        contract: Contract,
        catalogue: Catalogue,
        target: Target,
        secrets: list[str],
    ) -> None:
        self.result = result
        self.contract = contract
        self.catalogue = catalogue
        self.target = target
        self.secrets = secrets
        self._seen: dict[tuple[str, str, str], FailureRecord] = {}

    def check(self, exchange: Exchange, gap_statuses: frozenset[int] = frozenset()) -> None:
        """Run every check on ``exchange``; record what it exercised and what failed.

        An undocumented status in ``gap_statuses`` is listed as a contract gap instead of
        a failure, e.g. the 403 or 404 by which a target refuses another customer's keys.
        """
        info = exchange.operation
        if is_undocumented_rejection(exchange):
            self.result.contract_gaps.add(
                f"{info.key}: rejects invalid input with 400, which the contract "
                "does not document for this operation"
            )
        findings = run_all(exchange, self.contract, self.target)
        status = exchange.response.status_code
        if status in gap_statuses and status not in info.statuses:
            findings = [f for f in findings if f.check != "status_code_conformance"]
            self.result.contract_gaps.add(
                f"{info.key}: refuses another customer's keys with {status}, which the "
                "contract does not document for this operation"
            )
        status_requirements = self.status_requirements(
            info.method, info.path, exchange.response.status_code
        )
        self.result.exercised.update(status_requirements)
        for finding in findings:
            if finding.failure is None:
                self.result.exercised.update(finding.requirements)
                continue
            failure = finding.failure
            if status_requirements:
                failure = CheckFailure(
                    failure.check,
                    tuple(dict.fromkeys(failure.requirements + status_requirements)),
                    failure.title,
                    failure.message,
                    failure.severity,
                )
            self.record(exchange, failure)

    def status_requirements(self, method: str, path: str, status: int) -> tuple[str, ...]:
        """Return the contract requirements about this operation answering ``status``."""
        requirements = self.catalogue.for_status(method, path, status)
        # Only the per-operation entries (one operation or its /customers-/privatecustomers
        # twin); broad ones such as AUTH-REQUIRED-401 are judged by their own checks.
        return tuple(
            req.id
            for req in requirements
            if req.source == "contract" and not req.is_cross_cutting and len(req.operations) <= 2
        )

    def record(self, exchange: Exchange, failure: CheckFailure) -> None:
        """Add ``failure`` to the result, or count it again if the same failure was seen."""
        key = failure.key()
        if key in self._seen:
            self._seen[key].occurrences += 1
            return
        record = FailureRecord(
            test_id=self.result.test_id,
            operation=exchange.operation.key,
            check=failure.check,
            requirements=list(failure.requirements),
            title=failure.title,
            message=mask_text(failure.message, self.secrets),
            severity=failure.severity,
            status_code=exchange.response.status_code,
            request=self._captured_request(exchange.response.request),
            response=self._captured_response(exchange.response),
            curl=self._curl(exchange.response.request),
        )
        self._seen[key] = record
        self.result.failures.append(record)

    def _captured_request(self, request: requests.PreparedRequest) -> dict[str, Any]:
        body = request.body
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
        return {
            "method": request.method,
            "url": request.url,
            "headers": mask_headers(request.headers),
            "body": mask_text(str(text)[:4000], self.secrets),
        }

    def _captured_response(self, response: requests.Response) -> dict[str, Any]:
        return {
            "status_code": response.status_code,
            "headers": mask_headers(response.headers),
            "body": mask_text(response.text[:4000], self.secrets),
            "elapsed": response.elapsed.total_seconds(),
        }

    def _curl(self, request: requests.PreparedRequest) -> str:
        parts = [f"curl -X {request.method}"]
        for name, value in mask_headers(request.headers).items():
            if name.lower() in ("user-agent", "accept-encoding", "connection", "content-length"):
                continue
            parts.append(f"-H '{name}: {value}'")
        body = request.body
        if body:
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
            parts.append("-d '" + text.replace("'", "'\\''") + "'")
        parts.append(f"'{request.url}'")
        return mask_curl(" ".join(parts), self.secrets)
