"""Check spec/customer-1.2.1.yaml: its known defects, its operations and its error keys.

The file reproduces Intershop's published Customer REST API 1.2.1 document for
ICM 11, defects included, so openapi-spec-validator must report exactly those
defects and nothing else. The expected error keys are the `error-key` header
values that the published response descriptions list, per operation and status.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import schemathesis
import yaml
from jsonschema.exceptions import ValidationError
from openapi_spec_validator import OpenAPIV30SpecValidator
from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError
from schemathesis.core.result import Err

SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "customer-1.2.1.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PUBLISHED_OPERATION_COUNT = 38

# Matrix parameters that the published file declares `in: path` with `required: false`.
MATRIX_PARAMETERS = ("loc", "cur", "regionals", "pgid", "spgid")
# The second operation that reuses the operationId `getAddresses`.
DUPLICATE_OPERATION_ID = "getAddresses"
DUPLICATE_OPERATION = ("get", "/privatecustomers/{CustomerKey}/addresses")
REPAIRED_OPERATION_ID = "getAddresses_1"
INDEX_EXPRESSION = "{$index}"
# List operations whose `itemInfo` link passes an `{$index}` expression.
INDEX_LINK_OPERATIONS = (
    "/customers/{CustomerKey}/addresses",
    "/customers/{CustomerKey}/payments",
    "/privatecustomers/{CustomerKey}/addresses",
    "/privatecustomers/{CustomerKey}/payments",
)
ONE_OF_FAILURE = "is not valid under any of the schemas listed in the 'oneOf' keyword"

EXPECTED_DEFECT_ERRORS = sorted(
    [f"matrix-parameter-not-required:{name}" for name in MATRIX_PARAMETERS]
    + ["duplicate-operation-id"]
)


class DocumentedErrorKeys(NamedTuple):
    """The error-key header values that one response of the published file documents."""

    method: str
    path: str
    status: str
    keys: tuple[str, ...]
    extensible: tuple[str, ...] = ()


DOCUMENTED_ERROR_KEYS = (
    DocumentedErrorKeys(
        "POST",
        "/customers/{CustomerKey}/addresses",
        "400",
        ("customer.address.invalid_fields.usage.error", "customer.address.missing_fields.error"),
    ),
    DocumentedErrorKeys(
        "POST", "/customers/{CustomerKey}/addresses", "404", ("customer.address.not_found.error",)
    ),
    DocumentedErrorKeys(
        "GET",
        "/customers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "404",
        ("customer.address_not_found.error",),
    ),
    DocumentedErrorKeys(
        "PUT",
        "/customers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "400",
        (
            "customer.address.missing_fields.error",
            "customer.address.update.error.inconsistentUsage",
        ),
        extensible=("customer.address.update.error.{failureCode}",),
    ),
    DocumentedErrorKeys(
        "PUT",
        "/customers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "403",
        ("customer.address.update.error.AddressNotUpdatable",),
    ),
    DocumentedErrorKeys(
        "PUT",
        "/customers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "404",
        ("customer.address.not_found.error",),
    ),
    DocumentedErrorKeys(
        "DELETE",
        "/customers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "409",
        (
            "customer.address.deletion.error.LastAddress",
            "customer.address.deletion.error.WrongAddressRepository",
        ),
        extensible=("customer.address.deletion.error.{failureCode}",),
    ),
    DocumentedErrorKeys(
        "GET", "/customers/{CustomerKey}/payments", "404", ("payment.instrument.not_found.error",)
    ),
    DocumentedErrorKeys(
        "POST",
        "/customers/{CustomerKey}/payments",
        "400",
        (
            "shopping_cart.payment.paymentdata.error",
            "shopping_cart.payment.missing_fields.error",
            "shopping_cart.payment.invalid_fields.error",
            "shopping_cart.payment.name.error",
            "shopping_cart.payment.dublicate.error",
        ),
    ),
    DocumentedErrorKeys(
        "GET",
        "/customers/{CustomerKey}/payments/{CustomerPaymentKey}",
        "404",
        ("payment.instrument.not_found.error",),
    ),
    DocumentedErrorKeys(
        "PUT",
        "/customers/{CustomerKey}/payments/{CustomerPaymentKey}",
        "400",
        (
            "shopping_cart.payment.paymentdata.error",
            "shopping_cart.payment.missing_fields.error",
            "shopping_cart.payment.invalid_fields.error",
        ),
    ),
    DocumentedErrorKeys(
        "POST",
        "/privatecustomers",
        "400",
        (
            "customer.already_exists.error",
            "customer.customerno.already_exists.error",
            "customer.missing_fields.error",
            "customer.invalid_fields.error",
            "customer.credentials.missing_fields.error",
            "customer.credentials.login.not_acceptable.error",
            "customer.credentials.login.not_unique.error",
            "customer.credentials.password.invalid.error",
            "customer.address.missing_fields.error",
        ),
    ),
    DocumentedErrorKeys(
        "POST", "/privatecustomers/simple", "409", ("customer.already_exists.error",)
    ),
    DocumentedErrorKeys(
        "POST", "/privatecustomers/simple", "501", ("customer.simpleaccount.not_possible.error",)
    ),
    DocumentedErrorKeys(
        "POST",
        "/privatecustomers/{CustomerKey}/addresses",
        "400",
        ("customer.address.invalid_fields.usage.error", "customer.address.missing_fields.error"),
    ),
    DocumentedErrorKeys(
        "POST",
        "/privatecustomers/{CustomerKey}/addresses",
        "404",
        ("customer.address.not_found.error",),
    ),
    DocumentedErrorKeys(
        "GET",
        "/privatecustomers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "404",
        ("customer.address_not_found.error",),
    ),
    DocumentedErrorKeys(
        "PUT",
        "/privatecustomers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "400",
        (
            "customer.address.missing_fields.error",
            "customer.address.update.error.inconsistentUsage",
        ),
        extensible=("customer.address.update.error.{failureCode}",),
    ),
    DocumentedErrorKeys(
        "PUT",
        "/privatecustomers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "403",
        ("customer.address.update.error.AddressNotUpdatable",),
    ),
    DocumentedErrorKeys(
        "PUT",
        "/privatecustomers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "404",
        ("customer.address.not_found.error",),
    ),
    DocumentedErrorKeys(
        "DELETE",
        "/privatecustomers/{CustomerKey}/addresses/{CustomerAddressKey}",
        "409",
        (
            "customer.address.deletion.error.LastAddress",
            "customer.address.deletion.error.WrongAddressRepository",
        ),
        extensible=("customer.address.deletion.error.{failureCode}",),
    ),
    DocumentedErrorKeys(
        "GET",
        "/privatecustomers/{CustomerKey}/payments",
        "404",
        ("payment.instrument.not_found.error",),
    ),
    DocumentedErrorKeys(
        "POST",
        "/privatecustomers/{CustomerKey}/payments",
        "400",
        (
            "shopping_cart.payment.paymentdata.error",
            "shopping_cart.payment.missing_fields.error",
            "shopping_cart.payment.invalid_fields.error",
            "shopping_cart.payment.name.error",
            "shopping_cart.payment.dublicate.error",
        ),
    ),
    DocumentedErrorKeys(
        "GET",
        "/privatecustomers/{CustomerKey}/payments/{CustomerPaymentKey}",
        "404",
        ("payment.instrument.not_found.error",),
    ),
    DocumentedErrorKeys(
        "PUT",
        "/privatecustomers/{CustomerKey}/payments/{CustomerPaymentKey}",
        "400",
        (
            "shopping_cart.payment.paymentdata.error",
            "shopping_cart.payment.missing_fields.error",
            "shopping_cart.payment.invalid_fields.error",
        ),
    ),
)


class _StringDatesLoader(yaml.SafeLoader):
    """Keep YAML timestamps as the strings they were written as, like a JSON reader."""


_StringDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """Load the contract file as plain data."""
    document = yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Loader=_StringDatesLoader)
    assert isinstance(document, dict), f"{SPEC_PATH}: expected a YAML mapping"
    return document


def iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (method, path, operation) for every operation of the document."""
    for path, path_item in document["paths"].items():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def classify(error: ValidationError, document: dict[str, Any]) -> str | None:
    """Return the defect label of a validator error, or None when no known defect explains it."""
    location = list(error.path)
    if isinstance(error, DuplicateOperationIDError):
        method, path = DUPLICATE_OPERATION
        if f"'{DUPLICATE_OPERATION_ID}' for '{method}' in '{path}'" in error.message:
            return "duplicate-operation-id"
        return None
    is_matrix_parameter = (
        len(location) == 3
        and location[:2] == ["components", "parameters"]
        and location[2] in MATRIX_PARAMETERS
    )
    if is_matrix_parameter and ONE_OF_FAILURE in error.message:
        # The wrapped error's `instance` is the whole document, so read the parameter itself.
        parameter = document["components"]["parameters"][location[2]]
        if parameter.get("in") == "path" and parameter.get("required") is False:
            return f"matrix-parameter-not-required:{location[2]}"
    return None


def describe(error: ValidationError) -> str:
    """Summarise a validator error in one line: where it is and how its message starts."""
    location = ".".join(str(part) for part in error.path) or "(document)"
    return f"{location}: {error.message.splitlines()[0][:160]}"


def repair(document: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of the document with the four published defects repaired."""
    repaired = copy.deepcopy(document)
    for name in MATRIX_PARAMETERS:
        repaired["components"]["parameters"][name]["required"] = True
    method, path = DUPLICATE_OPERATION
    repaired["paths"][path][method]["operationId"] = REPAIRED_OPERATION_ID
    for _method, _path, operation in iter_operations(repaired):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                link["parameters"] = {
                    name: expression.replace(INDEX_EXPRESSION, "0")
                    for name, expression in link["parameters"].items()
                }
    for server in repaired["servers"]:
        for variable in server.get("variables", {}).values():
            if "enum" in variable:
                variable["enum"] = list(dict.fromkeys(variable["enum"]))
    return repaired


def validator_errors(document: dict[str, Any]) -> list[ValidationError]:
    """Collect every error that openapi-spec-validator reports for an OpenAPI 3.0 document."""
    return list(OpenAPIV30SpecValidator(document).iter_errors())


def test_validator_reports_no_unknown_error(spec: dict[str, Any]) -> None:
    unknown = [describe(error) for error in validator_errors(spec) if classify(error, spec) is None]
    assert unknown == [], (
        f"{SPEC_PATH.name}: openapi-spec-validator reports errors that no known published "
        f"defect explains. Fix the file, or name the new defect in this test: {unknown}"
    )


def test_validator_reports_each_known_defect(spec: dict[str, Any]) -> None:
    found = sorted(label for error in validator_errors(spec) if (label := classify(error, spec)))
    missing = sorted(set(EXPECTED_DEFECT_ERRORS) - set(found))
    assert missing == [], (
        f"{SPEC_PATH.name}: known published defects are missing, so the file no longer "
        f"matches the published document: {missing}"
    )
    assert found == EXPECTED_DEFECT_ERRORS


def test_repaired_copy_validates_cleanly(spec: dict[str, Any]) -> None:
    errors = [describe(error) for error in validator_errors(repair(spec))]
    assert errors == [], f"repairing the known defects left validator errors: {errors}"


def test_spec_has_published_operation_count(spec: dict[str, Any]) -> None:
    operations = list(iter_operations(spec))
    assert len(operations) == PUBLISHED_OPERATION_COUNT


def test_schemathesis_loads_every_operation() -> None:
    results = list(schemathesis.openapi.from_path(SPEC_PATH).get_all_operations())
    failures = [str(result.err()) for result in results if isinstance(result, Err)]
    assert failures == [], f"Schemathesis failed to load operations: {failures}"
    assert len(results) == PUBLISHED_OPERATION_COUNT


def test_matrix_parameters_are_unreferenced(spec: dict[str, Any]) -> None:
    # Repairing `required` on these parameters is safe only because no operation uses them.
    text = SPEC_PATH.read_text(encoding="utf-8")
    assert "#/components/parameters/" not in text
    assert sorted(spec["components"]["parameters"]) == sorted(MATRIX_PARAMETERS)


def test_operation_id_duplicate_is_published(spec: dict[str, Any]) -> None:
    owners = [
        (method, path)
        for method, path, operation in iter_operations(spec)
        if operation.get("operationId") == DUPLICATE_OPERATION_ID
    ]
    assert owners == [("get", "/customers/{CustomerKey}/addresses"), DUPLICATE_OPERATION]


def test_index_links_are_published(spec: dict[str, Any]) -> None:
    for path in INDEX_LINK_OPERATIONS:
        link = spec["paths"][path]["get"]["responses"]["200"]["links"]["itemInfo"]
        expressions = list(link["parameters"].values())
        assert expressions == [f"$response.body#/elements/{INDEX_EXPRESSION}/itemId"], path


def test_index_links_only_on_list_operations(spec: dict[str, Any]) -> None:
    owners = sorted(
        path
        for _method, path, operation in iter_operations(spec)
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
        if any(INDEX_EXPRESSION in expression for expression in link["parameters"].values())
    )
    assert owners == sorted(INDEX_LINK_OPERATIONS)


def test_index_links_break_state_machine(spec: dict[str, Any]) -> None:
    with pytest.raises(schemathesis.errors.InvalidStateMachine, match="Unmatched bracket"):
        schemathesis.openapi.from_dict(copy.deepcopy(spec)).as_state_machine()


def test_repaired_links_build_state_machine(spec: dict[str, Any]) -> None:
    machine = schemathesis.openapi.from_dict(repair(spec)).as_state_machine()
    assert machine is not None


def test_duplicate_server_enum_is_present(spec: dict[str, Any]) -> None:
    # The ICM 11 page of version 1.2.1 lists `rest` twice, but the ICM 7.10 page lists it once.
    values = spec["servers"][0]["variables"]["appUrl"]["enum"]
    assert values == ["rest", "rest", "example", "-"]
    assert len(set(values)) < len(values)


@pytest.mark.parametrize(
    "documented",
    DOCUMENTED_ERROR_KEYS,
    ids=[f"{entry.method} {entry.path} {entry.status}" for entry in DOCUMENTED_ERROR_KEYS],
)
def test_response_lists_error_keys(spec: dict[str, Any], documented: DocumentedErrorKeys) -> None:
    response = spec["paths"][documented.path][documented.method.lower()]["responses"]
    description = response[documented.status]["description"]
    lines = [line.strip() for line in description.splitlines()]
    assert "error-key" in description
    for key in documented.keys:
        assert f"- {key}" in lines, f"error key {key} is not listed"
    for pattern in documented.extensible:
        assert f"`{pattern}`" in description, f"extensible key family {pattern} is not named"


def test_no_undocumented_error_key_lists(spec: dict[str, Any]) -> None:
    listed = {
        (method.upper(), path, status)
        for method, path, operation in iter_operations(spec)
        for status, response in operation["responses"].items()
        if "error-key" in response.get("description", "")
    }
    expected = {(entry.method, entry.path, entry.status) for entry in DOCUMENTED_ERROR_KEYS}
    assert listed == expected
