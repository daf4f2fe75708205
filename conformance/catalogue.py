"""Requirement catalogue: the stable ids of what a conforming Customer REST API must do.

Each requirement names the operations (``"METHOD /path"`` as written in the contract, or
``"*"`` for all) and status codes it is about, the ``error-key`` header values that go with
them, and where the rule comes from. Checks report failures by requirement id, and reports
list every requirement with its outcome. This module imports nothing else from the package
except ``conformance.paths``, so that tools can read the catalogue without the suite.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Final

import yaml

from conformance.paths import REQUIREMENTS_DIR

logger = logging.getLogger(__name__)

DEFAULT_CATALOGUE_NAME: Final = "customer-1.2.1.yaml"
SCHEMA_VERSION: Final = 1
ALL_OPERATIONS: Final = "*"
LEVELS: Final = ("MUST", "SHOULD")
SOURCES: Final = ("contract", "prose", "icm")

REQUIRED_FIELDS: Final = ("id", "level", "operations", "statuses", "source", "text")
OPTIONAL_FIELDS: Final = ("error_keys", "error_key_patterns", "tags")

_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
_OPERATION = re.compile(r"(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) (/\S*)")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
# A placeholder such as {failureCode} stands for one segment of a dotted error key.
_PLACEHOLDER_VALUE = r"[^.\s]+"


class CatalogueError(ValueError):
    """A requirement catalogue file is missing, unparseable or has an invalid entry."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """One conformance requirement with its stable id."""

    id: str
    level: str
    operations: tuple[str, ...]
    statuses: tuple[int, ...]
    error_keys: tuple[str, ...]
    error_key_patterns: tuple[str, ...]
    source: str
    text: str
    tags: tuple[str, ...]

    @property
    def is_cross_cutting(self) -> bool:
        """Return whether the requirement applies to every operation."""
        return ALL_OPERATIONS in self.operations

    def applies_to(self, method: str, path: str) -> bool:
        """Return whether the requirement covers the operation ``method path``."""
        return self.is_cross_cutting or operation_key(method, path) in self.operations

    def matches_error_key(self, value: str) -> bool:
        """Return whether ``value`` is one of the error keys or fits one of the key patterns."""
        if value in self.error_keys:
            return True
        return any(pattern_regex(pattern).fullmatch(value) for pattern in self.error_key_patterns)


def operation_key(method: str, path: str) -> str:
    """Return the ``"METHOD /path"`` key that the catalogue uses for an operation."""
    return f"{method.upper()} {path}"


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """Compile an error-key pattern such as ``a.b.{failureCode}`` into a full-match regex."""
    parts = _PLACEHOLDER.split(pattern)
    return re.compile(_PLACEHOLDER_VALUE.join(re.escape(part) for part in parts))


class Catalogue:
    """The requirements of one API version, searchable by id, operation and status."""

    def __init__(
        self,
        requirements: Iterable[Requirement],
        *,
        source: Path | None = None,
        api_title: str = "",
        api_version: str = "",
    ) -> None:
        self.requirements: tuple[Requirement, ...] = tuple(requirements)
        self.source = source
        self.api_title = api_title
        self.api_version = api_version
        self._by_id = {requirement.id: requirement for requirement in self.requirements}
        if len(self._by_id) != len(self.requirements):
            raise CatalogueError(f"{source or 'catalogue'}: requirement ids are not unique")
        self._by_operation: dict[str, tuple[Requirement, ...]] = {}

    @classmethod
    def load(cls, path: Path | str | None = None) -> Catalogue:
        """Load and validate a catalogue file; without ``path``, the bundled Customer 1.2.1 one."""
        file = Path(path) if path is not None else REQUIREMENTS_DIR / DEFAULT_CATALOGUE_NAME
        document = _read_yaml(file)
        title, version = _parse_header(file, document)
        requirements = [
            _parse_requirement(file, index, entry)
            for index, entry in enumerate(document["requirements"])
        ]
        _reject_duplicate_ids(file, requirements)
        logger.debug("Loaded %d requirements from %s", len(requirements), file)
        return cls(requirements, source=file, api_title=title, api_version=version)

    def __len__(self) -> int:
        return len(self.requirements)

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements)

    def __contains__(self, requirement_id: object) -> bool:
        return requirement_id in self._by_id

    def all_ids(self) -> tuple[str, ...]:
        """Return every requirement id in file order."""
        return tuple(self._by_id)

    def get(self, requirement_id: str) -> Requirement:
        """Return the requirement with this id, or raise ``KeyError`` that names close ids."""
        try:
            return self._by_id[requirement_id]
        except KeyError:
            close = difflib.get_close_matches(requirement_id, self._by_id, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            where = f" in {self.source.name}" if self.source else ""
            raise KeyError(f"no requirement {requirement_id!r}{where}{hint}") from None

    def for_operation(self, method: str, path: str) -> tuple[Requirement, ...]:
        """Return the requirements that cover an operation, cross-cutting ones included."""
        key = operation_key(method, path)
        found = self._by_operation.get(key)
        if found is None:
            found = tuple(req for req in self.requirements if req.applies_to(method, path))
            self._by_operation[key] = found
        return found

    def for_status(self, method: str, path: str, status: int) -> tuple[Requirement, ...]:
        """Return the requirements about an operation that returns ``status``."""
        return tuple(req for req in self.for_operation(method, path) if status in req.statuses)

    def error_keys(self, method: str, path: str, status: int) -> set[str]:
        """Return the exact error-key values known for an operation and status."""
        return {key for req in self.for_status(method, path, status) for key in req.error_keys}

    def error_key_patterns(self, method: str, path: str, status: int) -> set[str]:
        """Return the extensible error-key patterns known for an operation and status."""
        requirements = self.for_status(method, path, status)
        return {pattern for req in requirements for pattern in req.error_key_patterns}

    def matches_error_key(self, method: str, path: str, status: int, value: str) -> bool:
        """Return whether an error-key value is known for an operation and status."""
        return any(req.matches_error_key(value) for req in self.for_status(method, path, status))

    @cached_property
    def operations(self) -> frozenset[str]:
        """Return every ``"METHOD /path"`` that some requirement names explicitly."""
        named = {op for req in self.requirements for op in req.operations}
        return frozenset(named - {ALL_OPERATIONS})


def _read_yaml(file: Path) -> Mapping[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueError(
            f"requirement catalogue {file} not found; pass an existing file, "
            "or no path for the bundled catalogue"
        ) from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{file}: invalid YAML: {exc}") from exc
    if not isinstance(document, Mapping):
        raise CatalogueError(
            f"{file}: expected a mapping at the top, got {type(document).__name__}"
        )
    return document


def _parse_header(file: Path, document: Mapping[str, Any]) -> tuple[str, str]:
    version = document.get("schema_version")
    if version != SCHEMA_VERSION:
        raise CatalogueError(
            f"{file}: schema_version is {version!r}; this loader reads version {SCHEMA_VERSION}"
        )
    api = document.get("api")
    if not isinstance(api, Mapping) or not api.get("title") or not api.get("version"):
        raise CatalogueError(f"{file}: 'api' must be a mapping with 'title' and 'version'")
    requirements = document.get("requirements")
    if not isinstance(requirements, list) or not requirements:
        raise CatalogueError(f"{file}: 'requirements' must be a non-empty list")
    return str(api["title"]), str(api["version"])


class _EntryContext:
    """Location of one catalogue entry, used to word validation errors."""

    def __init__(self, file: Path, index: int, entry: Mapping[str, Any]) -> None:
        raw_id = entry.get("id")
        self.where = f"{file}: requirements[{index}]"
        if isinstance(raw_id, str) and raw_id:
            self.where += f" ({raw_id})"

    def error(self, field: str, message: str) -> CatalogueError:
        return CatalogueError(f"{self.where}: field '{field}' {message}")


def _parse_requirement(file: Path, index: int, entry: object) -> Requirement:
    if not isinstance(entry, Mapping):
        where = f"{file}: requirements[{index}]"
        raise CatalogueError(f"{where}: expected a mapping, got {type(entry).__name__}")
    context = _EntryContext(file, index, entry)
    _check_field_names(context, entry)
    return Requirement(
        id=_parse_id(context, entry["id"]),
        level=_parse_choice(context, "level", entry["level"], LEVELS),
        operations=_parse_operations(context, entry["operations"]),
        statuses=_parse_statuses(context, entry["statuses"]),
        error_keys=_parse_error_keys(context, entry.get("error_keys", [])),
        error_key_patterns=_parse_patterns(context, entry.get("error_key_patterns", [])),
        source=_parse_choice(context, "source", entry["source"], SOURCES),
        text=_parse_text(context, entry["text"]),
        tags=_parse_strings(context, "tags", entry.get("tags", [])),
    )


def _check_field_names(context: _EntryContext, entry: Mapping[str, Any]) -> None:
    for field in REQUIRED_FIELDS:
        if field not in entry:
            raise context.error(field, "is missing; every requirement needs it")
    known = REQUIRED_FIELDS + OPTIONAL_FIELDS
    for field in entry:
        if field not in known:
            close = difflib.get_close_matches(str(field), known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {known}"
            raise context.error(str(field), f"is unknown{hint}")


def _parse_id(context: _EntryContext, value: object) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise context.error(
            "id", f"is {value!r}; use upper-case words joined by hyphens, like ADDRESS-CREATE-201"
        )
    return value


def _parse_choice(
    context: _EntryContext, field: str, value: object, choices: tuple[str, ...]
) -> str:
    if value not in choices:
        raise context.error(field, f"is {value!r}; use one of {', '.join(choices)}")
    return str(value)


def _parse_strings(context: _EntryContext, field: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise context.error(field, f"is {value!r}; expected a list of strings")
    for item in value:
        if not isinstance(item, str) or not item:
            raise context.error(field, f"contains {item!r}; expected a non-empty string")
    return tuple(value)


def _parse_operations(context: _EntryContext, value: object) -> tuple[str, ...]:
    operations = _parse_strings(context, "operations", value)
    if not operations:
        raise context.error("operations", "is empty; list operations or use ['*']")
    for operation in operations:
        if operation != ALL_OPERATIONS and not _OPERATION.fullmatch(operation):
            raise context.error(
                "operations",
                f"contains {operation!r}; write 'METHOD /path' as in the contract, or '*'",
            )
    if ALL_OPERATIONS in operations and len(operations) > 1:
        raise context.error("operations", f"mixes '*' with named operations: {list(operations)}")
    return operations


def _parse_statuses(context: _EntryContext, value: object) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise context.error("statuses", f"is {value!r}; expected a list of status codes")
    for status in value:
        # bool is an int subclass, and YAML reads `yes` as True.
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise context.error(
                "statuses", f"contains {status!r}; expected an integer status code from 100 to 599"
            )
    return tuple(value)


def _parse_error_keys(context: _EntryContext, value: object) -> tuple[str, ...]:
    keys = _parse_strings(context, "error_keys", value)
    for key in keys:
        if _PLACEHOLDER.search(key):
            raise context.error(
                "error_keys", f"contains the pattern {key!r}; move it to error_key_patterns"
            )
    return keys


def _parse_patterns(context: _EntryContext, value: object) -> tuple[str, ...]:
    patterns = _parse_strings(context, "error_key_patterns", value)
    for pattern in patterns:
        if not _PLACEHOLDER.search(pattern):
            raise context.error(
                "error_key_patterns",
                f"contains {pattern!r} without a {{placeholder}}; move it to error_keys",
            )
    return patterns


def _parse_text(context: _EntryContext, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise context.error("text", f"is {value!r}; expected one non-empty sentence")
    return value.strip()


def _reject_duplicate_ids(file: Path, requirements: list[Requirement]) -> None:
    first_index: dict[str, int] = {}
    for index, requirement in enumerate(requirements):
        if requirement.id in first_index:
            raise CatalogueError(
                f"{file}: requirements[{index}] ({requirement.id}): field 'id' repeats "
                f"requirements[{first_index[requirement.id]}]; ids must be unique"
            )
        first_index[requirement.id] = index
