"""Test the certification rules: each broken rule is one reason with the ids involved."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from results_factory import (
    PRODUCT_YAML,
    UNEXERCISED_SHOULD,
    Outcomes,
    build_results,
    failing_outcomes,
    item_id,
)

from conformance.reporting.certification import (
    CERTIFIED,
    NOT_CERTIFIED,
    build_certification,
    certification_notes,
    certification_reasons,
)
from conformance.reporting.product import Product, parse_product


@pytest.fixture
def product() -> Product:
    return parse_product(yaml.safe_load(PRODUCT_YAML), "test")


def codes(data: dict[str, Any], product: Product | None) -> list[str]:
    return [reason.code for reason in certification_reasons(data, product)]


def test_clean_certification_run_is_certified(product: Product) -> None:
    data = build_results(Outcomes(), mode="certification")
    certification = build_certification(data, product)
    assert certification["verdict"] == CERTIFIED
    assert certification["reasons"] == []


def test_skipped_should_requirement_is_only_a_note(product: Product) -> None:
    data = build_results(Outcomes(), mode="certification")
    row = next(row for row in data["requirements"] if row["id"] == UNEXERCISED_SHOULD)
    assert row["status"] == "skipped"
    assert row["level"] == "SHOULD"
    assert codes(data, product) == []
    assert any(UNEXERCISED_SHOULD in note for note in certification_notes(data))


def test_standard_mode_is_not_certified(product: Product) -> None:
    data = build_results(Outcomes(), mode="standard")
    certification = build_certification(data, product)
    assert certification["verdict"] == NOT_CERTIFIED
    assert [reason["code"] for reason in certification["reasons"]] == ["MODE_NOT_CERTIFICATION"]


def test_missing_mode_counts_as_standard(product: Product) -> None:
    data = build_results(Outcomes(), mode="certification")
    del data["run"]["mode"]
    assert codes(data, product) == ["MODE_NOT_CERTIFICATION"]


def test_failures_and_errors_name_tests(product: Product) -> None:
    data = build_results(failing_outcomes(), mode="certification")
    reasons = {reason.code: reason for reason in certification_reasons(data, product)}
    assert reasons["TESTS_FAILED"].items == sorted(
        [item_id("createAddress"), item_id("getCustomer", "negative")]
    )
    assert reasons["TESTS_ERRORED"].items == [item_id("getPayments")]
    assert reasons["REQUIREMENT_FAILED"].items == [
        "GENERAL-NO-SERVER-ERROR",
        "GENERAL-STATUS-DOCUMENTED",
    ]


def test_untested_must_requirement_blocks(product: Product) -> None:
    data = build_results(Outcomes(), mode="certification")
    row = next(row for row in data["requirements"] if row["level"] == "MUST")
    row["status"] = "skipped"
    reasons = certification_reasons(data, product)
    assert [reason.code for reason in reasons] == ["REQUIREMENT_NOT_TESTED"]
    assert reasons[0].items == [row["id"]]


def test_disabled_must_requirement_blocks(product: Product) -> None:
    data = build_results(Outcomes(), mode="certification")
    row = next(row for row in data["requirements"] if row["level"] == "MUST")
    row["status"] = "disabled"
    assert codes(data, product) == ["REQUIREMENT_DISABLED"]


def test_untested_operation_blocks(product: Product) -> None:
    data = build_results(Outcomes(), mode="certification")
    data["operations"][0]["status"] = "skipped"
    reasons = certification_reasons(data, product)
    assert [reason.code for reason in reasons] == ["OPERATION_NOT_TESTED"]
    assert reasons[0].items == [data["operations"][0]["key"]]


@pytest.mark.parametrize(
    ("run_fields", "code"),
    [
        ({"deselected": 3}, "TESTS_DESELECTED"),
        ({"keyword": "Address"}, "KEYWORD_FILTER"),
    ],
)
def test_partial_runs_block(product: Product, run_fields: dict[str, Any], code: str) -> None:
    data = build_results(Outcomes(), mode="certification", run_extra=run_fields)
    assert codes(data, product) == [code]


def test_other_contract_blocks(product: Product) -> None:
    data = build_results(Outcomes(), mode="certification")
    data["spec"]["sha256"] = "0" * 64
    assert codes(data, product) == ["SPEC_NOT_BUNDLED"]


def test_unknown_spec_errors_block(product: Product) -> None:
    data = build_results(Outcomes(), mode="certification")
    data["unknown_spec_errors"] = ["paths./x: invalid"]
    assert codes(data, product) == ["UNKNOWN_SPEC_ERRORS"]


def test_missing_product_blocks() -> None:
    data = build_results(Outcomes(), mode="certification")
    assert codes(data, None) == ["NO_PRODUCT_FILE"]


def test_suite_environment_prefers_run_record(product: Product) -> None:
    recorded = {"dependencies": {"schemathesis": "9.9.9"}, "suite_commit": "abc123"}
    data = build_results(Outcomes(), mode="certification", run_extra=recorded)
    suite = build_certification(data, product)["suite"]
    assert suite["dependencies"] == {"schemathesis": "9.9.9"}
    assert suite["git_commit"] == "abc123"
    assert suite["environment_source"] == "run"


def test_suite_environment_falls_back_to_report(product: Product) -> None:
    data = build_results(Outcomes(), mode="certification")
    suite = build_certification(data, product)["suite"]
    assert suite["environment_source"] == "report"
    assert suite["dependencies"]["pytest"] is not None
