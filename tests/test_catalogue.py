"""Tests of the requirement catalogue: its loader and the bundled Customer 1.2.1 data.

The tables below restate the published Customer REST API 1.2.1 contract (ICM 11): every
operation with its documented status codes, and the error-key values its response
descriptions list. They let the coverage tests run without the contract file, and the
spec-agreement tests check that ``spec/customer-1.2.1.yaml`` matches them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.catalogue import (
    ALL_OPERATIONS,
    Catalogue,
    CatalogueError,
    Requirement,
    pattern_regex,
)
from conformance.contract import parse_error_keys
from conformance.paths import REQUIREMENTS_DIR

SPEC_FILE = Path(__file__).resolve().parents[1] / "spec" / "customer-1.2.1.yaml"
CATALOGUE_FILE = REQUIREMENTS_DIR / "customer-1.2.1.yaml"

SMB = "/customers/{CustomerKey}"
PRIVATE = "/privatecustomers/{CustomerKey}"
USER = "/users/{CustomerItemUserKey}"
ADDRESS = "/addresses/{CustomerAddressKey}"
PAYMENT = "/payments/{CustomerPaymentKey}"
GIFT_CARDS = "/giftcardsandcertificates"
GIFT_CARD = GIFT_CARDS + "/{CustomerGiftCardAndCertificateResourceKey}"

OPERATION_STATUSES: dict[str, tuple[int, ...]] = {
    "POST /customers": (201, 400, 401, 403),
    f"GET {SMB}": (200, 401, 403, 404),
    f"PUT {SMB}": (200, 401, 404),
    f"GET {SMB}/addresses": (200, 401),
    f"POST {SMB}/addresses": (200, 201, 400, 401, 404),
    f"GET {SMB}{ADDRESS}": (200, 401, 404),
    f"PUT {SMB}{ADDRESS}": (200, 400, 401, 403, 404),
    f"DELETE {SMB}{ADDRESS}": (204, 401, 404, 409),
    f"GET {SMB}/payments": (200, 401, 404),
    f"POST {SMB}/payments": (201, 400, 401),
    f"OPTIONS {SMB}/payments": (200, 401),
    f"GET {SMB}{PAYMENT}": (200, 401, 404),
    f"PUT {SMB}{PAYMENT}": (200, 400, 401),
    f"DELETE {SMB}{PAYMENT}": (200, 401, 404),
    f"GET {SMB}/users": (200, 401, 404),
    f"POST {SMB}/users": (201, 207, 400, 401, 409, 500),
    f"GET {SMB}{USER}": (200, 401, 404),
    f"PUT {SMB}{USER}": (200, 400, 401, 404, 409, 500),
    f"DELETE {SMB}{USER}": (204, 401, 403, 404),
    f"GET {SMB}{USER}{GIFT_CARDS}": (200, 401, 403, 404),
    f"GET {SMB}{USER}{GIFT_CARD}": (200, 401, 403, 404),
    "POST /privatecustomers": (201, 400, 401, 403, 409),
    "POST /privatecustomers/simple": (201, 400, 409, 501),
    f"GET {PRIVATE}": (200, 401, 403, 404),
    f"PUT {PRIVATE}": (200, 400, 401, 404),
    f"GET {PRIVATE}/addresses": (200, 401),
    f"POST {PRIVATE}/addresses": (200, 201, 400, 401, 404),
    f"GET {PRIVATE}{ADDRESS}": (200, 401, 404),
    f"PUT {PRIVATE}{ADDRESS}": (200, 400, 401, 403, 404),
    f"DELETE {PRIVATE}{ADDRESS}": (204, 401, 404, 409),
    f"GET {PRIVATE}{GIFT_CARDS}": (200, 401, 403, 404),
    f"GET {PRIVATE}{GIFT_CARD}": (200, 401, 403, 404),
    f"GET {PRIVATE}/payments": (200, 401, 404),
    f"POST {PRIVATE}/payments": (201, 400, 401),
    f"OPTIONS {PRIVATE}/payments": (200, 401),
    f"GET {PRIVATE}{PAYMENT}": (200, 401, 404),
    f"PUT {PRIVATE}{PAYMENT}": (200, 400, 401),
    f"DELETE {PRIVATE}{PAYMENT}": (200, 401, 404),
}

ADDRESS_CREATE_400 = (
    "customer.address.invalid_fields.usage.error",
    "customer.address.missing_fields.error",
)
ADDRESS_UPDATE_400 = (
    "customer.address.missing_fields.error",
    "customer.address.update.error.inconsistentUsage",
)
ADDRESS_DELETE_409 = (
    "customer.address.deletion.error.LastAddress",
    "customer.address.deletion.error.WrongAddressRepository",
)
PAYMENT_CREATE_400 = (
    "shopping_cart.payment.paymentdata.error",
    "shopping_cart.payment.missing_fields.error",
    "shopping_cart.payment.invalid_fields.error",
    "shopping_cart.payment.name.error",
    "shopping_cart.payment.dublicate.error",
)
PAYMENT_UPDATE_400 = (
    "shopping_cart.payment.paymentdata.error",
    "shopping_cart.payment.missing_fields.error",
    "shopping_cart.payment.invalid_fields.error",
)

ERROR_KEYS: dict[tuple[str, int], tuple[str, ...]] = {
    (f"POST {SMB}/addresses", 400): ADDRESS_CREATE_400,
    (f"POST {SMB}/addresses", 404): ("customer.address.not_found.error",),
    (f"GET {SMB}{ADDRESS}", 404): ("customer.address_not_found.error",),
    (f"PUT {SMB}{ADDRESS}", 400): ADDRESS_UPDATE_400,
    (f"PUT {SMB}{ADDRESS}", 403): ("customer.address.update.error.AddressNotUpdatable",),
    (f"PUT {SMB}{ADDRESS}", 404): ("customer.address.not_found.error",),
    (f"DELETE {SMB}{ADDRESS}", 409): ADDRESS_DELETE_409,
    (f"GET {SMB}/payments", 404): ("payment.instrument.not_found.error",),
    (f"POST {SMB}/payments", 400): PAYMENT_CREATE_400,
    (f"GET {SMB}{PAYMENT}", 404): ("payment.instrument.not_found.error",),
    (f"PUT {SMB}{PAYMENT}", 400): PAYMENT_UPDATE_400,
    ("POST /privatecustomers", 400): (
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
    ("POST /privatecustomers/simple", 409): ("customer.already_exists.error",),
    ("POST /privatecustomers/simple", 501): ("customer.simpleaccount.not_possible.error",),
    (f"POST {PRIVATE}/addresses", 400): ADDRESS_CREATE_400,
    (f"POST {PRIVATE}/addresses", 404): ("customer.address.not_found.error",),
    (f"GET {PRIVATE}{ADDRESS}", 404): ("customer.address_not_found.error",),
    (f"PUT {PRIVATE}{ADDRESS}", 400): ADDRESS_UPDATE_400,
    (f"PUT {PRIVATE}{ADDRESS}", 403): ("customer.address.update.error.AddressNotUpdatable",),
    (f"PUT {PRIVATE}{ADDRESS}", 404): ("customer.address.not_found.error",),
    (f"DELETE {PRIVATE}{ADDRESS}", 409): ADDRESS_DELETE_409,
    (f"GET {PRIVATE}/payments", 404): ("payment.instrument.not_found.error",),
    (f"POST {PRIVATE}/payments", 400): PAYMENT_CREATE_400,
    (f"GET {PRIVATE}{PAYMENT}", 404): ("payment.instrument.not_found.error",),
    (f"PUT {PRIVATE}{PAYMENT}", 400): PAYMENT_UPDATE_400,
}

ERROR_KEY_PATTERNS: dict[tuple[str, int], tuple[str, ...]] = {
    (f"PUT {SMB}{ADDRESS}", 400): ("customer.address.update.error.{failureCode}",),
    (f"DELETE {SMB}{ADDRESS}", 409): ("customer.address.deletion.error.{failureCode}",),
    (f"PUT {PRIVATE}{ADDRESS}", 400): ("customer.address.update.error.{failureCode}",),
    (f"DELETE {PRIVATE}{ADDRESS}", 409): ("customer.address.deletion.error.{failureCode}",),
}

# Ids that the suite's checks emit; renaming one breaks the mapping from checks to reports.
CROSS_CUTTING_IDS = (
    "GENERAL-NO-SERVER-ERROR",
    "GENERAL-STATUS-DOCUMENTED",
    "GENERAL-CONTENT-TYPE",
    "GENERAL-RESPONSE-SCHEMA",
    "GENERAL-RESPONSE-HEADERS",
    "GENERAL-REJECT-INVALID",
    "GENERAL-ACCEPT-VALID",
    "GENERAL-METHOD-NOT-ALLOWED",
    "ERROR-KEY-PRESENT",
    "ERROR-KEY-DOCUMENTED",
    "AUTH-TOKEN-HEADER",
    "AUTH-TOKEN-REUSE",
    "AUTH-TOKEN-INVALID-400",
    "AUTH-TOKEN-EXPIRED",
    "AUTH-REQUIRED-401",
    "AUTH-BASIC",
    "AUTH-BEARER",
    "LINK-RESOLVES",
    "XML-WELL-FORMED",
    "XML-MATCHES-SCHEMA",
    "XML-REQUEST-ACCEPTED",
    "CURRENT-ALIAS",
    "MATRIX-PARAMETERS",
    "AUTHZ-CROSS-CUSTOMER",
    "SECRETS-NOT-RETURNED",
)
# These two name the operations on an existing customer instead of "*".
OPERATION_SCOPED_CROSS_CUTTING_IDS = ("AUTH-REQUIRED-401", "AUTHZ-CROSS-CUSTOMER")

ID_FORMAT = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+")
# A sentence break: end punctuation, space, then a capital letter.
SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")


def split_operation(operation: str) -> tuple[str, str]:
    method, path = operation.split(" ", 1)
    return method, path


def named_requirements(catalogue: Catalogue, operation: str) -> list[Requirement]:
    """Return the requirements that name ``operation`` explicitly, not through ``*``."""
    return [req for req in catalogue if operation in req.operations]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load()


# --- Bundled data ----------------------------------------------------------------------------


def test_tables_cover_38_operations() -> None:
    assert len(OPERATION_STATUSES) == 38


def test_bundled_catalogue_header(catalogue: Catalogue) -> None:
    assert catalogue.api_title == "Customer"
    assert catalogue.api_version == "1.2.1"
    assert catalogue.source == CATALOGUE_FILE


def test_ids_unique_in_file() -> None:
    entries = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))["requirements"]
    counts = Counter(entry["id"] for entry in entries)
    repeated = sorted(requirement_id for requirement_id, n in counts.items() if n > 1)
    assert repeated == []


def test_ids_well_formed(catalogue: Catalogue) -> None:
    malformed = [rid for rid in catalogue.all_ids() if not ID_FORMAT.fullmatch(rid)]
    assert malformed == []


def test_every_operation_named(catalogue: Catalogue) -> None:
    unnamed = [op for op in OPERATION_STATUSES if not named_requirements(catalogue, op)]
    assert unnamed == []


def test_every_documented_status_covered(catalogue: Catalogue) -> None:
    missing = []
    for operation, statuses in OPERATION_STATUSES.items():
        covered = {s for req in named_requirements(catalogue, operation) for s in req.statuses}
        missing += [f"{operation} {status}" for status in statuses if status not in covered]
    assert missing == []


def test_only_documented_operations_named(catalogue: Catalogue) -> None:
    unknown = sorted(catalogue.operations - OPERATION_STATUSES.keys())
    assert unknown == []


def test_contract_requirements_name_documented_statuses(catalogue: Catalogue) -> None:
    undocumented = []
    for req in catalogue:
        if req.source != "contract" or req.is_cross_cutting:
            continue
        for operation in req.operations:
            extra = set(req.statuses) - set(OPERATION_STATUSES[operation])
            undocumented += [f"{req.id}: {operation} {status}" for status in sorted(extra)]
    assert undocumented == []


@pytest.mark.parametrize(("operation", "status"), sorted(ERROR_KEYS))
def test_documented_error_keys_present(catalogue: Catalogue, operation: str, status: int) -> None:
    method, path = split_operation(operation)
    missing = set(ERROR_KEYS[operation, status]) - catalogue.error_keys(method, path, status)
    assert missing == set()


@pytest.mark.parametrize(("operation", "status"), sorted(ERROR_KEY_PATTERNS))
def test_documented_key_patterns_present(catalogue: Catalogue, operation: str, status: int) -> None:
    method, path = split_operation(operation)
    known = catalogue.error_key_patterns(method, path, status)
    assert set(ERROR_KEY_PATTERNS[operation, status]) <= known


def test_operation_error_keys_documented(catalogue: Catalogue) -> None:
    undocumented = []
    for req in catalogue:
        if req.is_cross_cutting:
            continue
        for operation in req.operations:
            for status in req.statuses:
                documented = set(ERROR_KEYS.get((operation, status), ()))
                extra = set(req.error_keys) - documented
                undocumented += [f"{req.id}: {operation} {status} {key}" for key in extra]
    assert undocumented == []


def test_texts_are_short_sentences(catalogue: Catalogue) -> None:
    for req in catalogue:
        assert req.text.endswith("."), req.id
        assert len(req.text) < 200, req.id
        assert not SENTENCE_BREAK.search(req.text[:-1]), req.id


@pytest.mark.parametrize("requirement_id", CROSS_CUTTING_IDS)
def test_cross_cutting_id_exists(catalogue: Catalogue, requirement_id: str) -> None:
    assert requirement_id in catalogue
    if requirement_id not in OPERATION_SCOPED_CROSS_CUTTING_IDS:
        assert catalogue.get(requirement_id).operations == (ALL_OPERATIONS,)


def test_auth_required_names_customer_operations(catalogue: Catalogue) -> None:
    # Registration may run anonymously; everything under an existing customer needs a login.
    expected = {op for op in OPERATION_STATUSES if "{CustomerKey}" in op}
    assert set(catalogue.get("AUTH-REQUIRED-401").operations) == expected
    assert set(catalogue.get("AUTHZ-CROSS-CUSTOMER").operations) == expected


def test_levels_and_sources_valid(catalogue: Catalogue) -> None:
    assert {req.level for req in catalogue} <= {"MUST", "SHOULD"}
    assert {req.source for req in catalogue} == {"contract", "prose", "icm"}


# --- Lookups ---------------------------------------------------------------------------------


def test_for_operation_includes_cross_cutting(catalogue: Catalogue) -> None:
    ids = {req.id for req in catalogue.for_operation("get", f"{SMB}{ADDRESS}")}
    assert "ADDRESS-GET-200" in ids
    assert "GENERAL-NO-SERVER-ERROR" in ids
    assert "ADDRESS-CREATE-201" not in ids


def test_for_status_selects_status(catalogue: Catalogue) -> None:
    ids = {req.id for req in catalogue.for_status("DELETE", f"{PRIVATE}{ADDRESS}", 409)}
    assert ids == {"ADDRESS-DELETE-LAST-409", "ADDRESS-DELETE-409"}


def test_for_status_unknown_operation_empty(catalogue: Catalogue) -> None:
    assert catalogue.for_status("PATCH", SMB, 200) == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("customer.address.deletion.error.LastAddress", True),
        ("customer.address.deletion.error.CustomHandlerVeto", True),
        ("customer.address.deletion.error.", False),
        ("customer.address.deletion.error.two.words", False),
        ("customer.address.update.error.CustomHandlerVeto", False),
        ("customer.address.not_found.error", False),
    ],
)
def test_matches_error_key_delete_409(catalogue: Catalogue, value: str, expected: bool) -> None:
    assert catalogue.matches_error_key("DELETE", f"{SMB}{ADDRESS}", 409, value) is expected


def test_matches_error_key_wrong_status(catalogue: Catalogue) -> None:
    value = "customer.address.deletion.error.LastAddress"
    assert not catalogue.matches_error_key("DELETE", f"{SMB}{ADDRESS}", 404, value)


def test_pattern_regex_escapes_dots() -> None:
    regex = pattern_regex("a.b.{failureCode}")
    assert regex.fullmatch("a.b.Code")
    assert not regex.fullmatch("aXb.Code")


def test_get_unknown_id_suggests_close(catalogue: Catalogue) -> None:
    with pytest.raises(KeyError) as raised:
        catalogue.get("ADRESS-CREATE-201")
    assert "ADDRESS-CREATE-201" in str(raised.value)


# --- Loader validation -----------------------------------------------------------------------


def valid_entry(requirement_id: str) -> dict[str, Any]:
    return {
        "id": requirement_id,
        "level": "MUST",
        "operations": ["GET /customers/{CustomerKey}"],
        "statuses": [200],
        "error_keys": [],
        "source": "contract",
        "text": "Reading a customer returns 200.",
        "tags": ["General"],
    }


def write_catalogue(directory: Path, entries: list[dict[str, Any]]) -> Path:
    document = {
        "schema_version": 1,
        "api": {"title": "Customer", "version": "1.2.1"},
        "requirements": entries,
    }
    file = directory / "broken-catalogue.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return file


def test_valid_temp_catalogue_loads(tmp_path: Path) -> None:
    file = write_catalogue(tmp_path, [valid_entry("FIRST-200"), valid_entry("SECOND-200")])
    assert Catalogue.load(file).all_ids() == ("FIRST-200", "SECOND-200")


@pytest.mark.parametrize(
    ("field", "value", "expected_in_message"),
    [
        ("level", "MAY", "'MAY'"),
        ("source", "folklore", "'folklore'"),
        ("statuses", ["200"], "'200'"),
        ("statuses", [True], "True"),
        ("statuses", [42], "42"),
        ("operations", ["getCustomer"], "'getCustomer'"),
        ("id", "address-create-201", "'address-create-201'"),
        ("error_keys", ["a.b.{failureCode}"], "'a.b.{failureCode}'"),
        ("error_key_patterns", ["a.b.c"], "'a.b.c'"),
        ("levle", "MUST", "did you mean 'level'"),
    ],
)
def test_loader_error_names_value(
    tmp_path: Path, field: str, value: object, expected_in_message: str
) -> None:
    broken = valid_entry("SECOND-200")
    broken[field] = value
    file = write_catalogue(tmp_path, [valid_entry("FIRST-200"), broken])
    with pytest.raises(CatalogueError) as raised:
        Catalogue.load(file)
    message = str(raised.value)
    assert file.name in message
    assert "requirements[1]" in message
    assert f"'{field}'" in message
    assert expected_in_message in message


def test_loader_error_missing_id(tmp_path: Path) -> None:
    broken = valid_entry("SECOND-200")
    del broken["id"]
    file = write_catalogue(tmp_path, [valid_entry("FIRST-200"), broken])
    with pytest.raises(CatalogueError) as raised:
        Catalogue.load(file)
    message = str(raised.value)
    assert file.name in message
    assert "requirements[1]" in message
    assert "'id' is missing" in message


def test_loader_error_duplicate_id(tmp_path: Path) -> None:
    file = write_catalogue(tmp_path, [valid_entry("SAME-200"), valid_entry("SAME-200")])
    with pytest.raises(CatalogueError) as raised:
        Catalogue.load(file)
    message = str(raised.value)
    assert file.name in message
    assert "SAME-200" in message
    assert "requirements[0]" in message
    assert "requirements[1]" in message


def test_loader_error_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match=r"absent\.yaml not found"):
        Catalogue.load(tmp_path / "absent.yaml")


def test_loader_error_schema_version(tmp_path: Path) -> None:
    file = write_catalogue(tmp_path, [valid_entry("FIRST-200")])
    text = file.read_text(encoding="utf-8").replace("schema_version: 1", "schema_version: 2")
    file.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="schema_version is 2"):
        Catalogue.load(file)


# --- Agreement with the contract file --------------------------------------------------------


@pytest.fixture(scope="module")
def spec_operations() -> dict[str, dict[str, Any]]:
    """Return the contract's operations by ``METHOD /path``; skip while it has none."""
    document = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8")) or {}
    operations = {
        f"{method.upper()} {path}": operation
        for path, item in (document.get("paths") or {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    }
    if not operations:
        pytest.skip(f"{SPEC_FILE.name} has no operations yet")
    return operations


def test_spec_statuses_match_table(spec_operations: dict[str, dict[str, Any]]) -> None:
    spec_statuses = {
        operation: tuple(sorted(int(status) for status in definition["responses"]))
        for operation, definition in spec_operations.items()
    }
    assert spec_statuses == OPERATION_STATUSES


def test_spec_error_keys_match_table(spec_operations: dict[str, dict[str, Any]]) -> None:
    spec_keys: dict[tuple[str, int], tuple[str, ...]] = {}
    spec_patterns: dict[tuple[str, int], tuple[str, ...]] = {}
    for operation, definition in spec_operations.items():
        for status, response in definition["responses"].items():
            keys, patterns = parse_error_keys(response.get("description"))
            if keys:
                spec_keys[operation, int(status)] = tuple(sorted(keys))
            if patterns:
                spec_patterns[operation, int(status)] = patterns
    assert spec_keys == {where: tuple(sorted(keys)) for where, keys in ERROR_KEYS.items()}
    assert spec_patterns == ERROR_KEY_PATTERNS
