"""Results built with the suite's own result classes, contract and catalogue.

``build_results`` runs the real ``RunResults.to_json`` over made-up test
outcomes, so the fixtures have exactly the shape a run writes.
"""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.catalogue import Catalogue
from conformance.contract import Contract, load_contract
from conformance.paths import default_spec_path
from conformance.results import FailureRecord, RunResults, TestResult, write_json

UNEXERCISED_SHOULD = "GENERAL-METHOD-NOT-ALLOWED"
SCRIPT_BODY = '{"message": "<script>alert(1)</script> & friends"}'

PRODUCT_YAML = """\
vendor: Example Commerce GmbH
product: Example Storefront
version: "4.2.0"
contact:
  name: Jane Doe
  email: conformance@example.com
target_environment:
  name: staging
  icm_version: "11.10.0"
  base_url: http://127.0.0.1:8080/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-
"""


@functools.cache
def contract() -> Contract:
    return load_contract(default_spec_path())


@functools.cache
def catalogue() -> Catalogue:
    return Catalogue.load()


@dataclass(frozen=True)
class Failure:
    """A made-up check failure of one test."""

    test_id: str
    check: str
    requirements: tuple[str, ...]
    title: str
    status_code: int = 500


@dataclass
class Outcomes:
    """What the made-up run observed; the defaults describe a clean run."""

    failures: list[Failure] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    only: set[str] | None = None


def all_test_ids() -> list[str]:
    """Return the ids of every test a run collects: two modes per operation."""
    slug = contract().slug
    return [
        f"{slug}::{info.tag.replace(' ', '-')}::{info.operation_id}::{mode}"
        for info in contract().operations
        for mode in ("positive", "negative")
    ]


def item_id(operation_id: str, mode: str = "positive") -> str:
    """Return the id of the test of ``operation_id`` in ``mode``."""
    for candidate in all_test_ids():
        if candidate.endswith(f"::{operation_id}::{mode}"):
            return candidate
    raise KeyError(operation_id)


def failing_outcomes() -> Outcomes:
    """Return outcomes with two failures, one test error and one skipped test."""
    return Outcomes(
        failures=[
            Failure(
                item_id("createAddress"),
                "status_code_conformance",
                ("GENERAL-STATUS-DOCUMENTED",),
                "Undocumented HTTP status code",
                500,
            ),
            Failure(
                item_id("getCustomer", "negative"),
                "not_a_server_error",
                ("GENERAL-NO-SERVER-ERROR",),
                "Server error",
                503,
            ),
        ],
        errors={item_id("getPayments"): "the target timed out after 10 s"},
        skipped={item_id("getPaymentOptions"): "the target does not offer OPTIONS"},
    )


def build_results(
    outcomes: Outcomes | None = None,
    *,
    mode: str = "standard",
    seed: int = 1234,
    started: str = "2025-01-01T02:00:00+00:00",
    run_extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a results.json dict with the suite's own code."""
    outcomes = outcomes or Outcomes()
    results = RunResults()
    failures_by_test: dict[str, list[Failure]] = {}
    for failure in outcomes.failures:
        failures_by_test.setdefault(failure.test_id, []).append(failure)
    for identifier in all_test_ids():
        if outcomes.only is not None and identifier not in outcomes.only:
            continue
        results.add(_test_result(identifier, outcomes, failures_by_test.get(identifier, [])))
    results.metadata = {
        "run_id": "a1b2c3",
        "target": "http://127.0.0.1:8080/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-",
        "business_target": "http://127.0.0.1:8080/INTERSHOP/rest/WFS/inSPIRED-inTRONICS_Business-Site/-",
        "embedded_server": True,
        "seed": seed,
        "remaining_entities": [],
    }
    data = results.to_json(
        contract=contract(),
        requirements=list(catalogue().requirements),
        settings={"examples": 2, "auth": "basic", "password": "[masked]"},
        started=started,
        finished=started.replace("02:00:00", "02:03:00"),
        requests_sent=420,
    )
    data["run"]["mode"] = mode
    data["run"]["keyword"] = None
    data["run"]["deselected"] = 0
    data["run"].update(run_extra or {})
    # Round-trip through JSON, as a reader of results.json would see the data.
    return json.loads(json.dumps(data))


def _test_result(identifier: str, outcomes: Outcomes, failures: list[Failure]) -> TestResult:
    _slug, _tag, operation_id, mode = identifier.split("::")
    info = next(op for op in contract().operations if op.operation_id == operation_id)
    result = TestResult(
        test_id=identifier,
        operation=info.key,
        operation_id=operation_id,
        tag=info.tag,
        mode=mode,
        cases=2,
        duration=0.25,
    )
    if identifier in outcomes.skipped:
        result.status = "skipped"
        result.reason = outcomes.skipped[identifier]
        return result
    result.observed_statuses = {"200": 2}
    result.exercised = {
        requirement.id
        for requirement in catalogue().for_operation(info.method, info.path)
        if requirement.id != UNEXERCISED_SHOULD
    }
    for failure in failures:
        result.failures.append(_failure_record(identifier, info.key, failure))
    if failures:
        result.status = "failed"
    if identifier in outcomes.errors:
        # A test that broke off before its first response exercised nothing.
        result.exercised = set()
        result.status = "error"
        result.errors.append(outcomes.errors[identifier])
    return result


def _failure_record(identifier: str, operation: str, failure: Failure) -> FailureRecord:
    method, path = operation.split(" ", 1)
    url = "http://127.0.0.1:8080/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-" + path
    return FailureRecord(
        test_id=identifier,
        operation=operation,
        check=failure.check,
        requirements=list(failure.requirements),
        title=failure.title,
        message=f"Received: {failure.status_code}\nDocumented: 200, 400, 401",
        severity="high",
        status_code=failure.status_code,
        request={
            "method": method,
            "url": url,
            "headers": {"Authorization": "[masked]", "Accept": "application/json"},
            "body": '{"login": "patricia@test.intershop.de"}',
        },
        response={
            "status_code": failure.status_code,
            "headers": {"Content-Type": "application/json"},
            "body": SCRIPT_BODY,
            "elapsed": 0.012,
        },
        curl=f"curl -X {method} -H 'Authorization: [masked]' '{url}'",
        occurrences=2,
    )


def write_junit(path: Path, data: dict[str, Any]) -> None:
    """Write a junit.xml with one test case per test, named the way pytest names them."""
    suite = ET.Element("testsuite", name="pytest", tests=str(len(data["tests"])))
    for test in data["tests"]:
        parts = test["id"].split("::")
        case = ET.SubElement(
            suite, "testcase", classname=".".join(parts[:-1]), name=parts[-1], time="0.250"
        )
        if test["status"] in ("failed", "error"):
            ET.SubElement(case, "failure", message="conformance failure")
        elif test["status"] == "skipped":
            ET.SubElement(case, "skipped", message=test["reason"])
    root = ET.Element("testsuites", name="pytest tests")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_run(run_dir: Path, data: dict[str, Any]) -> Path:
    """Write results.json and junit.xml as a run leaves them; return the folder."""
    run_dir.mkdir(parents=True, exist_ok=True)
    write_json(run_dir / "results.json", data)
    write_junit(run_dir / "junit.xml", data)
    return run_dir
