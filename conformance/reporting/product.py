"""The product file a vendor fills in: who certifies which product on which target.

The file is YAML (see ``docs/product-example.yaml``)::

    vendor: Example Commerce GmbH
    product: Example Storefront
    version: "4.2.0"
    contact:
      name: Jane Doe
      email: conformance@example.com
    target_environment:
      name: staging
      icm_version: "11.10.0"
      base_url: https://icm.example.com/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-
      notes: optional free text
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from conformance.errors import ConfigurationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOP_FIELDS = ("vendor", "product", "version", "contact", "target_environment")
CONTACT_FIELDS = ("name", "email")
TARGET_REQUIRED = ("name", "icm_version")
TARGET_OPTIONAL = ("base_url", "notes")


class ProductFileError(ConfigurationError):
    """The product file is missing, unparseable or has invalid fields."""


@dataclass(frozen=True, slots=True)
class Contact:
    """The person who answers questions about the certification."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class TargetEnvironment:
    """The ICM installation the run tested."""

    name: str
    icm_version: str
    base_url: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Product:
    """The vendor's product as stated in the product file."""

    vendor: str
    product: str
    version: str
    contact: Contact
    target_environment: TargetEnvironment

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_product(path: Path) -> Product:
    """Read and validate a product file; raise ``ProductFileError`` naming each bad field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProductFileError(
            f"{path}: product file not found; copy docs/product-example.yaml and fill it in"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProductFileError(f"{path}: cannot read the product file: {exc}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ProductFileError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    return parse_product(document, str(path))


def parse_product(document: Any, source: str) -> Product:
    """Validate a parsed product mapping; ``source`` names it in error messages."""
    problems: list[str] = []
    if not isinstance(document, dict):
        raise ProductFileError(
            f"{source}: expected a mapping with the fields {', '.join(TOP_FIELDS)}, "
            f"found {type(document).__name__}"
        )
    _unknown_fields(document, TOP_FIELDS, "", problems)
    vendor = _text(document, "vendor", "", problems)
    product = _text(document, "product", "", problems)
    version = _text(document, "version", "", problems)
    contact = _contact(_mapping(document, "contact", problems), problems)
    target = _target(_mapping(document, "target_environment", problems), problems)
    if problems:
        raise ProductFileError(f"{source}: invalid product file:\n  " + "\n  ".join(problems))
    return Product(
        vendor=vendor,
        product=product,
        version=version,
        contact=contact,
        target_environment=target,
    )


def _contact(mapping: dict[str, Any] | None, problems: list[str]) -> Contact:
    if mapping is None:
        return Contact(name="", email="")
    _unknown_fields(mapping, CONTACT_FIELDS, "contact.", problems)
    name = _text(mapping, "name", "contact.", problems)
    email = _text(mapping, "email", "contact.", problems)
    if email and not _EMAIL.match(email):
        problems.append(
            f"field 'contact.email': {email!r} is not an email address; "
            "write it as name@example.com"
        )
    return Contact(name=name, email=email)


def _target(mapping: dict[str, Any] | None, problems: list[str]) -> TargetEnvironment:
    if mapping is None:
        return TargetEnvironment(name="", icm_version="")
    prefix = "target_environment."
    _unknown_fields(mapping, TARGET_REQUIRED + TARGET_OPTIONAL, prefix, problems)
    name = _text(mapping, "name", prefix, problems)
    icm_version = _text(mapping, "icm_version", prefix, problems)
    base_url = _optional_text(mapping, "base_url", prefix, problems)
    if base_url and not _is_http_url(base_url):
        problems.append(
            f"field 'target_environment.base_url': {base_url!r} is not an http or "
            "https URL; write it as https://host/INTERSHOP/rest/WFS/SITE/-"
        )
    notes = _optional_text(mapping, "notes", prefix, problems)
    return TargetEnvironment(name=name, icm_version=icm_version, base_url=base_url, notes=notes)


def _unknown_fields(
    mapping: dict[str, Any], known: tuple[str, ...], prefix: str, problems: list[str]
) -> None:
    for key in mapping:
        if key not in known:
            problems.append(
                f"field '{prefix}{key}' is not known; the allowed fields here are "
                f"{', '.join(prefix + name for name in known)}"
            )


def _mapping(document: dict[str, Any], key: str, problems: list[str]) -> dict[str, Any] | None:
    value = document.get(key)
    if value is None:
        problems.append(f"field '{key}' is missing")
        return None
    if not isinstance(value, dict):
        problems.append(
            f"field '{key}' must be a mapping of fields, found {type(value).__name__} {value!r:.40}"
        )
        return None
    return value


def _text(mapping: dict[str, Any], key: str, prefix: str, problems: list[str]) -> str:
    if mapping.get(key) is None:
        problems.append(f"field '{prefix}{key}' is missing or has no value")
        return ""
    value = _optional_text(mapping, key, prefix, problems)
    if value == "":
        problems.append(f"field '{prefix}{key}' is empty")
    return value or ""


def _optional_text(
    mapping: dict[str, Any], key: str, prefix: str, problems: list[str]
) -> str | None:
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip()
    # YAML reads 4.2 as a float and 2025-01-01 as a date, which would lose the written form.
    problems.append(
        f"field '{prefix}{key}' must be text, found {type(value).__name__} "
        f'{value!r}; put the value in quotes, e.g. {key}: "{value}"'
    )
    return None


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
