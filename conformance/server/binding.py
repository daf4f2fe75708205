"""Bind a decoded request body to a resource object shape, the way ICM's JSON mapper does.

Unknown properties are ignored, and scalars are coerced leniently: a number sent for a string
property becomes its text. A value that cannot map at all, such as an object where a string
belongs, is a client error, because ICM responds to unmappable JSON with 400.
"""

from __future__ import annotations

import math
from typing import Any

from conformance.server.errors import bad_request
from conformance.server.schemas import SCHEMAS, Field


def _scalar(value: Any, kind: str, path: str) -> Any:
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and math.isfinite(value):
            return str(value)
    elif kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
    elif kind in ("number", "integer"):
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and math.isfinite(value):
            return value
    elif kind == "any":
        return value
    raise bad_request(f"Property {path} cannot take the value {value!r}: expected a {kind}.")


def _value(value: Any, spec: Field, path: str) -> Any:
    if value is None or spec.raw_input:
        return value
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


def bind(data: Any, schema_name: str, path: str = "body") -> dict[str, Any]:
    """Return the known properties of ``data`` coerced to the shape ``schema_name``.

    Raises ApiError(400) when ``data`` is not an object or a property cannot be mapped.
    """
    if not isinstance(data, dict):
        raise bad_request(
            f"The {path} must be a JSON object ({schema_name}), got {type(data).__name__}."
        )
    shape = SCHEMAS[schema_name]
    result: dict[str, Any] = {}
    for prop, spec in shape.fields.items():
        if prop in data:
            result[prop] = _value(data[prop], spec, f"{path}.{prop}")
    return result
