"""Bind a decoded request body to a resource object shape.

Unknown properties are ignored, because the shapes allow additional properties. Values must
have the declared JSON type, and null is accepted only where the contract marks a property or
its shape nullable. Anything else cannot map and is a client error (400), as ICM treats
unmappable JSON.
"""

from __future__ import annotations

import math
from typing import Any

from conformance.server.errors import ApiError, bad_request
from conformance.server.schemas import SCHEMAS, Field


def _scalar(value: Any, kind: str, path: str) -> Any:
    if kind == "any":
        return value
    if kind == "string" and isinstance(value, str):
        return value
    if kind == "boolean" and isinstance(value, bool):
        return value
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "number" and is_number and math.isfinite(value):
        return value
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    raise bad_request(f"Property {path} cannot take the value {value!r}: expected a {kind}.")


def _nullable(spec: Field) -> bool:
    return spec.nullable or (spec.ref is not None and SCHEMAS[spec.ref].nullable)


def _value(value: Any, spec: Field, path: str, top_level: bool = False) -> Any:
    # Only the handler of the request's own shape validates raw input; nested copies (such as
    # the preferred addresses of a profile update) are type-checked here like any property.
    if spec.raw_input and top_level:
        return value
    if value is None:
        if _nullable(spec) or spec.kind == "any":
            return None
        raise bad_request(f"Property {path} must not be null.")
    if spec.kind == "object" and spec.ref:
        return bind(value, spec.ref, path)
    if spec.kind == "array":
        if not isinstance(value, list):
            raise bad_request(f"Property {path} must be an array, got {type(value).__name__}.")
        if spec.ref:
            return [bind(item, spec.ref, f"{path}[{index}]") for index, item in enumerate(value)]
        return [
            _scalar(item, spec.item_kind, f"{path}[{index}]") for index, item in enumerate(value)
        ]
    return _scalar(value, spec.kind, path)


def bind(data: Any, schema_name: str, path: str = "body", lenient: bool = False) -> dict[str, Any]:
    """Return the known properties of ``data``, type-checked against the shape ``schema_name``.

    Raises ApiError(400) when ``data`` is not an object or a property cannot be mapped.
    ``lenient`` (the invalid-body-accepted fault) drops such a property instead.
    """
    if not isinstance(data, dict):
        raise bad_request(
            f"The {path} must be a JSON object ({schema_name}), got {type(data).__name__}."
        )
    shape = SCHEMAS[schema_name]
    result: dict[str, Any] = {}
    for prop, spec in shape.fields.items():
        if prop not in data:
            continue
        try:
            result[prop] = _value(data[prop], spec, f"{path}.{prop}", top_level=path == "body")
        except ApiError:
            if not lenient:
                raise
    return result
