"""Load the contract: parse, validate, repair the published defects, index the operations.

The published Customer REST API files do not pass openapi-spec-validator, and
one of their defects stops Schemathesis from building its stateful tests. Users
point the suite at the official download, so the loader recognises each known
defect by name, repairs it in a copy held in memory and reports the workaround.
Any other validator error stops the run unless the user allows unknown defects.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator

from conformance.errors import SpecError

logger = logging.getLogger(__name__)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# A documented error key: a dotted identifier such as customer.address.missing_fields.error.
_ERROR_KEY_ITEM = re.compile(r"^\s*[-*]\s+`?([A-Za-z][\w]*(?:\.[\w{}]+)+)`?", re.MULTILINE)
# A family of keys that handlers may extend, written with a failureCode placeholder.
_ERROR_KEY_PATTERN = re.compile(r"`([A-Za-z][\w]*(?:\.[\w]+)*\.\{?failureCode\}?)`")
_INDEX_EXPRESSION = "{$index}"


@dataclass(frozen=True, slots=True)
class Defect:
    """A known defect of the published contract and the workaround the suite applies."""

    name: str
    summary: str
    workaround: str
    locations: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "workaround": self.workaround,
            "locations": list(self.locations),
        }


@dataclass(frozen=True, slots=True)
class OperationInfo:
    """The contract's facts about one operation, keyed by ``METHOD /path``."""

    method: str
    path: str
    operation_id: str
    published_operation_id: str
    tag: str
    statuses: tuple[int, ...]
    error_keys: dict[int, frozenset[str]]
    error_key_patterns: dict[int, tuple[str, ...]]
    requires_login: bool
    request_media_types: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def response_media_types(self, contract: Contract, status: int) -> tuple[str, ...]:
        response = contract.response_definition(self.method, self.path, status)
        return tuple((response or {}).get("content", {}))


@dataclass
class Contract:
    """The loaded contract: the file as published and the repaired copy the suite tests with."""

    path: Path
    sha256: str
    published: dict[str, Any]
    effective: dict[str, Any]
    defects: list[Defect]
    unknown_errors: list[str]
    operations: list[OperationInfo] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.published.get("info", {}).get("title", ""))

    @property
    def version(self) -> str:
        return str(self.published.get("info", {}).get("version", ""))

    @property
    def slug(self) -> str:
        """Return the name used as the first part of test ids, e.g. ``customer-1.2.1``."""
        return f"{self.title.lower().replace(' ', '-')}-{self.version}"

    def operation(self, method: str, path: str) -> OperationInfo:
        key = f"{method.upper()} {path}"
        for info in self.operations:
            if info.key == key:
                return info
        raise KeyError(f"operation {key!r} is not in {self.path}")

    def response_definition(self, method: str, path: str, status: int) -> dict[str, Any] | None:
        responses = self.effective["paths"][path][method.lower()].get("responses", {})
        definition = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
        if definition is None:
            definition = responses.get("default")
        return self.resolve(definition) if definition is not None else None

    def resolve(self, node: Any) -> Any:
        """Follow a local ``$ref`` chain and return the object it points to."""
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            reference = node["$ref"]
            if reference in seen or not reference.startswith("#/"):
                raise SpecError(f"{self.path}: cannot resolve $ref {reference!r}")
            seen.add(reference)
            node = self.effective
            for part in reference[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node


def load_contract(path: Path, *, allow_unknown_defects: bool = False) -> Contract:
    """Read, validate and repair the contract at ``path``.

    Raises ``SpecError`` naming the file (and the line, where known) when it is
    missing, unparseable, not OpenAPI 3.0, or has a validator error that no
    known defect explains and ``allow_unknown_defects`` is false.
    """
    raw_bytes = _read(path)
    published = _parse(path, raw_bytes)
    effective = copy.deepcopy(published)
    defects = [defect for detect in DEFECT_DETECTORS if (defect := detect(effective)) is not None]
    for defect in defects:
        logger.info("contract %s: applied workaround %s (%s)", path, defect.name, defect.workaround)
    unknown = [_describe_error(error, path, raw_bytes) for error in _validator_errors(effective)]
    if unknown and not allow_unknown_defects:
        listing = "\n  ".join(unknown[:10])
        more = f"\n  ... and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        raise SpecError(
            f"{path}: openapi-spec-validator reports {len(unknown)} error(s) that are not known "
            f"defects of the published contract:\n  {listing}{more}\n"
            "Fix the file, or pass --icm-allow-unknown-defects to test against it anyway."
        )
    for message in unknown:
        logger.warning("contract %s: unknown defect allowed by option: %s", path, message)
    contract = Contract(
        path=path,
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        published=published,
        effective=effective,
        defects=defects,
        unknown_errors=unknown,
    )
    contract.operations = list(_index_operations(contract))
    return contract


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SpecError(f"{path}: spec file not found; pass an existing file to --spec") from None
    except OSError as exc:
        raise SpecError(f"{path}: cannot read the spec file: {exc.strerror}") from None


def _parse(path: Path, raw_bytes: bytes) -> dict[str, Any]:
    try:
        document = yaml.load(raw_bytes.decode("utf-8"), Loader=_StringDatesLoader)
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"{where}: invalid YAML: {problem}") from None
    if not isinstance(document, dict):
        raise SpecError(
            f"{path}:1: expected an OpenAPI document (a mapping), found {document!r:.40}"
        )
    document = _string_keys(document)
    version = str(document.get("openapi", ""))
    if not version.startswith("3.0"):
        raise SpecError(
            f"{path}: 'openapi: {version or '(missing)'}' is not supported; "
            "the suite reads OpenAPI 3.0 documents such as the published Customer REST API"
        )
    if not isinstance(document.get("paths"), dict) or not document["paths"]:
        raise SpecError(f"{path}: the document has no 'paths'; is this the Customer REST API?")
    return document


class _StringDatesLoader(yaml.SafeLoader):
    """Keep YAML timestamps as the strings they were written as, like a JSON reader would."""


_StringDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _string_keys(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key): _string_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_string_keys(item) for item in node]
    return node


# Known defects. Each detector repairs the document in place and returns the
# Defect it found, or None when the document does not have it.


def _repair_matrix_parameters(document: dict[str, Any]) -> Defect | None:
    parameters = document.get("components", {}).get("parameters", {})
    broken = [
        name
        for name, parameter in parameters.items()
        if isinstance(parameter, dict)
        and parameter.get("in") == "path"
        and parameter.get("required") is not True
    ]
    if not broken:
        return None
    for name in broken:
        parameters[name]["required"] = True
    return Defect(
        name="matrix-parameter-not-required",
        summary="matrix parameters are declared 'in: path' with 'required: false'",
        workaround="mark them required; no operation references them, so no request changes",
        locations=tuple(f"components.parameters.{name}" for name in broken),
    )


def _repair_duplicate_operation_ids(document: dict[str, Any]) -> Defect | None:
    seen: set[str] = set()
    renamed: list[str] = []
    for path, method, operation in _iter_operations(document):
        operation_id = operation.get("operationId")
        if not operation_id:
            continue
        if operation_id in seen:
            new_id = _unused_operation_id(operation_id, seen)
            operation["operationId"] = new_id
            renamed.append(f"{method.upper()} {path}: {operation_id} -> {new_id}")
            operation_id = new_id
        seen.add(operation_id)
    if not renamed:
        return None
    return Defect(
        name="duplicate-operation-id",
        summary="an operationId is used by more than one operation",
        workaround="give the later operation the next free '_N' suffix, as ICM names its twins",
        locations=tuple(renamed),
    )


def _unused_operation_id(operation_id: str, seen: set[str]) -> str:
    suffix = 1
    while f"{operation_id}_{suffix}" in seen:
        suffix += 1
    return f"{operation_id}_{suffix}"


def _repair_index_link_expressions(document: dict[str, Any]) -> Defect | None:
    locations: list[str] = []
    for path, method, operation in _iter_operations(document):
        for status, response in operation.get("responses", {}).items():
            for name, link in (response.get("links") or {}).items():
                for parameter, expression in (link.get("parameters") or {}).items():
                    if isinstance(expression, str) and _INDEX_EXPRESSION in expression:
                        link["parameters"][parameter] = expression.replace(_INDEX_EXPRESSION, "0")
                        locations.append(f"{method.upper()} {path} {status} links.{name}")
    if not locations:
        return None
    return Defect(
        name="index-link-expression",
        summary="links use '{$index}', which is not an OpenAPI runtime expression",
        workaround="follow the first element of the collection ('/elements/0/itemId')",
        locations=tuple(locations),
    )


def _repair_duplicate_server_enum(document: dict[str, Any]) -> Defect | None:
    locations: list[str] = []
    for index, server in enumerate(document.get("servers") or []):
        for name, variable in (server.get("variables") or {}).items():
            values = variable.get("enum")
            if isinstance(values, list) and len(set(map(str, values))) != len(values):
                variable["enum"] = list(dict.fromkeys(values))
                locations.append(f"servers[{index}].variables.{name}.enum")
    if not locations:
        return None
    return Defect(
        name="duplicate-server-enum",
        summary="a server variable lists the same value twice in its enum",
        workaround="drop the repeated value",
        locations=tuple(locations),
    )


DEFECT_DETECTORS: tuple[Callable[[dict[str, Any]], Defect | None], ...] = (
    _repair_matrix_parameters,
    _repair_duplicate_operation_ids,
    _repair_index_link_expressions,
    _repair_duplicate_server_enum,
)
KNOWN_DEFECTS = (
    "matrix-parameter-not-required",
    "duplicate-operation-id",
    "index-link-expression",
    "duplicate-server-enum",
)


def _validator_errors(document: dict[str, Any]) -> Iterator[Exception]:
    yield from OpenAPIV30SpecValidator(document).iter_errors()


def _describe_error(error: Exception, path: Path, raw_bytes: bytes) -> str:
    location = list(getattr(error, "path", None) or [])
    message = str(getattr(error, "message", error)).splitlines()[0]
    if len(message) > 200:
        message = message[:197] + "..."
    line = _line_of(raw_bytes, [str(part) for part in location]) if location else None
    where = f"{path}:{line}" if line else str(path)
    pointer = "/".join(str(part) for part in location) or "(document)"
    return f"{where} at {pointer}: {message}"


def _line_of(raw_bytes: bytes, parts: list[str]) -> int | None:
    """Return the 1-based line of the node at ``parts`` in the YAML text, if it can be found."""
    try:
        node = yaml.compose(raw_bytes.decode("utf-8"))
    except yaml.YAMLError:
        return None
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            match = next((value for key, value in node.value if str(key.value) == part), None)
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            match = node.value[int(part)]
        else:
            match = None
        if match is None:
            break
        node = match
    return node.start_mark.line + 1 if node is not None else None


def _iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield path, method, operation


def parse_error_keys(description: str | None) -> tuple[frozenset[str], tuple[str, ...]]:
    """Return the error-key values and key patterns listed in a response description."""
    if not description or "error-key" not in description:
        return frozenset(), ()
    tail = description[description.index("error-key") :]
    keys = {key for key in _ERROR_KEY_ITEM.findall(tail) if "failureCode" not in key}
    patterns = tuple(dict.fromkeys(_normalise_pattern(p) for p in _ERROR_KEY_PATTERN.findall(tail)))
    return frozenset(keys), patterns


def _normalise_pattern(pattern: str) -> str:
    return re.sub(r"\{?failureCode\}?$", "{failureCode}", pattern)


def _index_operations(contract: Contract) -> Iterator[OperationInfo]:
    published_ids = {
        (path, method): operation.get("operationId", "")
        for path, method, operation in _iter_operations(contract.published)
    }
    global_security = contract.effective.get("security")
    for path, method, operation in _iter_operations(contract.effective):
        statuses: list[int] = []
        error_keys: dict[int, frozenset[str]] = {}
        patterns: dict[int, tuple[str, ...]] = {}
        for status_text, response in operation.get("responses", {}).items():
            if not status_text.isdigit():
                continue
            status = int(status_text)
            statuses.append(status)
            keys, key_patterns = parse_error_keys(contract.resolve(response).get("description"))
            if keys or key_patterns:
                error_keys[status] = keys
                patterns[status] = key_patterns
        body = operation.get("requestBody")
        media_types = tuple(contract.resolve(body).get("content", {})) if body else ()
        security = operation.get("security", global_security)
        yield OperationInfo(
            method=method.upper(),
            path=path,
            operation_id=operation.get("operationId", f"{method}{path}"),
            published_operation_id=published_ids.get((path, method), ""),
            tag=(operation.get("tags") or ["Untagged"])[0],
            statuses=tuple(sorted(statuses)),
            error_keys=error_keys,
            error_key_patterns=patterns,
            requires_login="401" in operation.get("responses", {}) and bool(security),
            request_media_types=media_types,
        )
