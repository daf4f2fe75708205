"""Tests of the contract loader: parsing errors, known defects and their workarounds."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from conformance.contract import KNOWN_DEFECTS, load_contract, parse_error_keys
from conformance.errors import SpecError
from conformance.paths import default_spec_path


@pytest.fixture(scope="module")
def contract():
    return load_contract(default_spec_path())


def test_bundled_contract_has_38_operations(contract):
    assert len(contract.operations) == 38
    assert contract.slug == "customer-1.2.1"


def test_bundled_contract_has_every_known_defect(contract):
    assert [defect.name for defect in contract.defects] == list(KNOWN_DEFECTS)
    assert contract.unknown_errors == []


def test_duplicate_operation_id_is_renamed(contract):
    info = contract.operation("GET", "/privatecustomers/{CustomerKey}/addresses")
    assert info.published_operation_id == "getAddresses"
    assert info.operation_id == "getAddresses_1"
    ids = [operation.operation_id for operation in contract.operations]
    assert len(ids) == len(set(ids))


def test_published_document_is_left_unchanged(contract):
    links = contract.published["paths"]["/customers/{CustomerKey}/addresses"]["get"]["responses"]
    expression = links["200"]["links"]["itemInfo"]["parameters"]["CustomerAddressKey"]
    assert "{$index}" in expression
    repaired = contract.effective["paths"]["/customers/{CustomerKey}/addresses"]["get"]
    fixed = repaired["responses"]["200"]["links"]["itemInfo"]["parameters"]["CustomerAddressKey"]
    assert fixed == "$response.body#/elements/0/itemId"


def test_error_keys_are_indexed(contract):
    path = "/privatecustomers/{CustomerKey}/addresses/{CustomerAddressKey}"
    info = contract.operation("DELETE", path)
    assert "customer.address.deletion.error.LastAddress" in info.error_keys[409]
    assert info.error_key_patterns[409] == ("customer.address.deletion.error.{failureCode}",)


def test_official_wording_of_error_keys_is_parsed():
    description = (
        "Conflict\npossible values for header error-key:\n"
        "- customer.address.deletion.error.LastAddress\n"
        "- shopping_cart.payment.paymentdata.error (e.g. wrong giftcard number)\n"
        "Other errors (`customer.address.deletion.error.failureCode`) may be returned"
    )
    keys, patterns = parse_error_keys(description)
    assert keys == {
        "customer.address.deletion.error.LastAddress",
        "shopping_cart.payment.paymentdata.error",
    }
    assert patterns == ("customer.address.deletion.error.{failureCode}",)


def test_missing_spec_names_the_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(SpecError, match=r"nope\.yaml: spec file not found"):
        load_contract(missing)


def test_invalid_yaml_names_line_and_column(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.1\npaths:\n  /a: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"broken.yaml:\d+:\d+: invalid YAML"):
        load_contract(broken)


def test_swagger_2_is_rejected(tmp_path):
    old = tmp_path / "old.yaml"
    old.write_text("swagger: '2.0'\npaths: {}\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not supported"):
        load_contract(old)


def _write_variant(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(default_spec_path().read_text(encoding="utf-8"))
    document = copy.deepcopy(document)
    change(document)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _break_response(document):
    document["paths"]["/customers"]["post"]["responses"]["201"] = {"content": {}}


def test_unknown_defect_stops_with_position(tmp_path):
    path = _write_variant(tmp_path, _break_response)
    with pytest.raises(SpecError) as raised:
        load_contract(path)
    message = str(raised.value)
    assert "not known defects" in message
    assert "paths//customers/post/responses/201" in message
    assert "variant.yaml:" in message
    assert "--icm-allow-unknown-defects" in message


def test_unknown_defect_can_be_allowed(tmp_path):
    path = _write_variant(tmp_path, _break_response)
    contract = load_contract(path, allow_unknown_defects=True)
    assert len(contract.unknown_errors) == 1


def test_repaired_file_reports_no_defects(tmp_path):
    def repair(document):
        for parameter in document["components"]["parameters"].values():
            parameter["required"] = True
        private = document["paths"]["/privatecustomers/{CustomerKey}/addresses"]["get"]
        private["operationId"] = "getPrivateAddresses"
        for item in document["paths"].values():
            for operation in item.values():
                for response in operation.get("responses", {}).values():
                    for link in (response.get("links") or {}).values():
                        for name, value in link["parameters"].items():
                            link["parameters"][name] = value.replace("{$index}", "0")
        variable = document["servers"][0]["variables"]["appUrl"]
        variable["enum"] = list(dict.fromkeys(variable["enum"]))

    contract = load_contract(_write_variant(tmp_path, repair))
    assert contract.defects == []
