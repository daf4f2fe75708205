"""Map resource objects to ``text/xml`` and back, following the schemas' XML hints.

Rules, as OpenAPI 3.0 describes the ``xml`` object:

* the root element is the schema's ``xml.name``;
* properties marked ``xml.attribute`` (``name`` and ``type``) become attributes;
* a nested object becomes an element named after the property;
* a wrapped array becomes an element named after the property (or its ``xml.name``), which
  contains one element per item;
* an unwrapped array repeats the item element directly;
* an item element is named by the item's ``xml.name``, else by the referenced schema's
  ``xml.name``, else by the property name.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from conformance.server.schemas import SCHEMAS, Field, Schema

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class XmlBodyError(ValueError):
    """The XML request body is not well-formed or does not match the expected resource."""


# Characters that XML 1.0 cannot carry, not even as character references.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REPLACEMENT_CHARACTER = "\ufffd"


def xml_safe(text: str) -> str:
    """Replace the characters that XML 1.0 forbids (most control characters) with U+FFFD."""
    return _NOT_XML_CHAR.sub(REPLACEMENT_CHARACTER, text)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))


def _item_name(prop: str, spec: Field) -> str:
    if spec.item_xml_name:
        return spec.item_xml_name
    if spec.ref:
        return SCHEMAS[spec.ref].xml_root
    return spec.xml_name or prop


def _append_any(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            if item is not None:
                _append_any(element, str(key), item)
    elif isinstance(value, list):
        for item in value:
            _append_any(element, "item", item)
    else:
        element.text = _scalar_text(value)


def _fill(element: ET.Element, payload: dict[str, Any], shape: Schema) -> None:
    for prop, spec in shape.fields.items():
        value = payload.get(prop)
        if value is None:
            continue
        if spec.attribute:
            element.set(prop, _scalar_text(value))
        elif spec.kind == "object" and spec.ref and isinstance(value, dict):
            child = ET.SubElement(element, spec.xml_name or prop)
            _fill(child, value, SCHEMAS[spec.ref])
        elif spec.kind == "array" and isinstance(value, list):
            _append_array(element, prop, spec, value)
        elif spec.kind == "any":
            _append_any(element, spec.xml_name or prop, value)
        else:
            ET.SubElement(element, spec.xml_name or prop).text = _scalar_text(value)


def _append_array(element: ET.Element, prop: str, spec: Field, items: list[Any]) -> None:
    holder = ET.SubElement(element, spec.xml_name or prop) if spec.wrapped else element
    item_tag = _item_name(prop, spec)
    for item in items:
        if spec.ref and isinstance(item, dict):
            _fill(ET.SubElement(holder, item_tag), item, SCHEMAS[spec.ref])
        elif item is not None:
            ET.SubElement(holder, item_tag).text = _scalar_text(item)


def to_xml(payload: dict[str, Any], schema_name: str, root_name: str | None = None) -> bytes:
    """Serialize a resource object to an XML document; ``root_name`` overrides the root."""
    shape = SCHEMAS[schema_name]
    root = ET.Element(root_name or shape.xml_root)
    _fill(root, payload, shape)
    return XML_DECLARATION + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def string_to_xml(text: str) -> bytes:
    """Serialize a plain string response (an error message) as an ``<error>`` document."""
    root = ET.Element("error")
    root.text = xml_safe(text)
    return XML_DECLARATION + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _local(tag: Any) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def _element_text(element: ET.Element) -> str:
    return element.text or ""


def _parse_scalar(element: ET.Element, kind: str) -> Any:
    text = _element_text(element).strip() if kind != "string" else _element_text(element)
    if kind == "string":
        return text
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true"
        raise XmlBodyError(f"element <{_local(element.tag)}> must be true or false, got {text!r}")
    if kind in ("number", "integer"):
        try:
            number = float(text) if kind == "number" else int(text)
        except ValueError as error:
            raise XmlBodyError(
                f"element <{_local(element.tag)}> must be a {kind}, got {text!r}"
            ) from error
        return number
    return text


def _parse_any(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return _element_text(element)
    return {_local(child.tag): _parse_any(child) for child in children}


def _read_object(element: ET.Element, shape: Schema) -> dict[str, Any]:
    """Read the properties of ``shape`` from the attributes and children of ``element``.

    A nested object may also arrive under its referenced schema's XML name, and repeated
    items under the array's property name, because OpenAPI 3.0 leaves both readings open.
    Several properties can share a referenced name (three AddressRO properties of
    NewCustomerRO), so each such element fills the first of them that is still empty.
    """
    result: dict[str, Any] = {}
    by_tag: dict[str, tuple[str, Field]] = {}
    by_schema_name: dict[str, list[tuple[str, Field]]] = {}
    unwrapped: dict[str, tuple[str, Field]] = {}
    for prop, spec in shape.fields.items():
        if spec.attribute:
            if prop in element.attrib:
                result[prop] = element.attrib[prop]
        elif spec.kind == "array" and not spec.wrapped:
            unwrapped.setdefault(_item_name(prop, spec), (prop, spec))
            unwrapped.setdefault(spec.xml_name or prop, (prop, spec))
        else:
            by_tag[spec.xml_name or prop] = (prop, spec)
            if spec.kind == "object" and spec.ref:
                alias = SCHEMAS[spec.ref].xml_root
                by_schema_name.setdefault(alias, []).append((prop, spec))
    for child in element:
        tag = _local(child.tag)
        if tag in by_tag:
            prop, spec = by_tag[tag]
            result[prop] = _read_value(child, spec)
        elif tag in unwrapped:
            prop, spec = unwrapped[tag]
            result.setdefault(prop, []).append(_read_item(child, spec))
        else:
            free = [pair for pair in by_schema_name.get(tag, []) if pair[0] not in result]
            if free:
                prop, spec = free[0]
                result[prop] = _read_value(child, spec)
    return result


def _read_item(element: ET.Element, spec: Field) -> Any:
    if spec.ref:
        return _read_object(element, SCHEMAS[spec.ref])
    return _parse_scalar(element, spec.item_kind)


def _read_value(element: ET.Element, spec: Field) -> Any:
    if spec.kind == "object" and spec.ref:
        return _read_object(element, SCHEMAS[spec.ref])
    if spec.kind == "array":
        return [_read_item(child, spec) for child in element]
    if spec.kind == "any":
        return _parse_any(element)
    return _parse_scalar(element, spec.kind)


def from_xml(data: bytes, schema_name: str) -> dict[str, Any]:
    """Parse an XML request body into the same dict a JSON body would give.

    Raises XmlBodyError for a document that is not well-formed, declares a DTD (rejected to rule
    out entity expansion), or whose root element is neither the resource's XML name nor its
    component name.
    """
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise XmlBodyError("XML bodies with a document type declaration are not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise XmlBodyError(f"XML body is not well-formed: {error}") from error
    shape = SCHEMAS[schema_name]
    # The component name is accepted too: tools that lose the xml hint fall back to it.
    if _local(root.tag) not in (shape.xml_root, shape.name):
        raise XmlBodyError(f"XML root element must be <{shape.xml_root}>, got <{_local(root.tag)}>")
    return _read_object(root, shape)
