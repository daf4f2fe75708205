"""Check XML bodies against the OpenAPI 3.0 ``xml`` hints of their schema.

ICM offers every body as JSON and as XML. This module is the suite's own reading of the
OpenAPI 3.0 XML Object: it maps an XML document to the JSON value that the schema describes,
then validates that value with JSON Schema Draft 4 as OpenAPI 3.0 uses it.

The mapping:

- The root element is named by the schema's ``xml.name``, else by its component name.
- A property with ``xml.attribute: true`` is an XML attribute. Any other property is a child
  element named by its ``xml.name``, else by the property name.
- An array with ``xml.wrapped: true`` is one wrapper element (the array's ``xml.name``, else
  the property name) that contains the items. An unwrapped array repeats its items directly in
  the parent. Items are named by the items schema's ``xml.name``, else by the array's name.
- Scalars are element text or attribute values. A null is an absent element or an element with
  ``xsi:nil="true"``.

OpenAPI 3.0 leaves open whether the ``xml.name`` of a component reached through ``$ref`` names
the element of a property or an array item. Swagger UI and Schemathesis 4.32 use it. Java
XML binding (JAXB) uses the property name. The checker accepts both names, so a target is
not failed for either reading.
"""

from __future__ import annotations

import codecs
import logging
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from jsonschema import Draft4Validator

logger = logging.getLogger(__name__)

Resolver = Callable[[Any], Any]
JsonPath = tuple[str | int, ...]

_XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
_XSI_NIL = f"{{{_XSI_NAMESPACE}}}nil"
_MAX_REF_DEPTH = 32
_DTD_MARKERS = ("<!DOCTYPE", "<!ENTITY")
# XML Schema lexical forms of integer and of decimal or double, without NaN and INF (no JSON).
_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# OpenAPI 3.0 keywords that JSON Schema Draft 4 does not know or that do not constrain a value.
_OPENAPI_ONLY_KEYWORDS = frozenset(
    {"xml", "example", "externalDocs", "readOnly", "writeOnly", "deprecated", "discriminator"}
)
_SUBSCHEMA_KEYWORDS = ("items", "additionalProperties", "not")
_SUBSCHEMA_LIST_KEYWORDS = ("allOf", "oneOf", "anyOf")


@dataclass(frozen=True, slots=True)
class XmlProblem:
    """One way in which an XML body departs from its schema."""

    kind: str  # "malformed" | "root-element" | "schema"
    message: str


@dataclass(frozen=True, slots=True)
class _Binding:
    """XML binding of one schema property: where its value sits in the parent element."""

    name: str
    schema: dict[str, Any]
    attribute: bool
    element_names: tuple[str, ...]
    is_array: bool = False
    wrapped: bool = False
    items_schema: dict[str, Any] = field(default_factory=dict)
    item_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Location:
    """Position of a value in the XML document and in the JSON value built from it."""

    xml: str
    json: JsonPath

    def child(self, xml_step: str, json_step: str | int | None) -> _Location:
        json_path = self.json if json_step is None else (*self.json, json_step)
        return _Location(f"{self.xml}/{xml_step}", json_path)


def check_xml_body(
    body: bytes | str,
    schema: dict[str, Any],
    resolve: Resolver,
    *,
    schema_name: str | None = None,
) -> list[XmlProblem]:
    """Parse body, check its root element, convert it by the xml hints and validate the result.

    ``schema_name`` is the component name that names the root element when the schema has no
    ``xml.name`` and is not a ``$ref``. Returns no problems for a conforming body.
    """
    dtd_problem = _find_dtd(body)
    if dtd_problem is not None:
        return [dtd_problem]
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        return [_malformed(error)]

    target = _dereference(schema, resolve)
    if _schema_type(target) == "string":
        # An error body declared as a plain string: any single root element carries the text.
        value: Any = "".join(root.itertext())
        return _validate(value, schema, resolve, {(): f"/{_local_name(root.tag)}"})

    expected = expected_root_name(schema, resolve, schema_name=schema_name)
    found = _local_name(root.tag)
    if expected is not None and found != expected:
        message = f"root element is <{found}>, expected <{expected}>"
        return [XmlProblem("root-element", message)]

    converter = _Converter(resolve)
    value = converter.convert(root, schema, _Location(f"/{found}", ()))
    return converter.problems + _validate(value, schema, resolve, converter.locations)


def xml_to_json(element: ET.Element, schema: dict[str, Any], resolve: Resolver) -> Any:
    """Convert an element to the JSON value the schema describes, with scalars typed by the schema.

    Text that does not parse as the declared scalar type stays a string, so that a later schema
    validation reports it. Structural problems (an attribute sent as a child element, a missing
    array wrapper) are only logged at debug level, because ``check_xml_body`` reports them.
    """
    converter = _Converter(resolve)
    value = converter.convert(element, schema, _Location(f"/{_local_name(element.tag)}", ()))
    for problem in converter.problems:
        logger.debug("XML conversion of <%s>: %s", element.tag, problem.message)
    return value


def expected_root_name(
    schema: dict[str, Any], resolve: Resolver, *, schema_name: str | None = None
) -> str | None:
    """Return the root element name that the schema requires, or None when any root is valid.

    The name is the resolved schema's ``xml.name``, else the component name: the last segment of
    the ``$ref`` when ``schema`` is a reference, else ``schema_name``. A ``type: string`` schema
    accepts any root element and returns None, as does an inline schema without either name.
    """
    name = schema_name
    node: Any = schema
    for _ in range(_MAX_REF_DEPTH):
        if not _is_reference(node):
            break
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        node = resolve(node)
    else:
        raise ValueError(
            f"$ref chain longer than {_MAX_REF_DEPTH} steps at {schema!r}: remove the $ref cycle"
        )
    if _schema_type(node) == "string":
        return None
    xml_name = _xml_options(node).get("name")
    return str(xml_name) if xml_name else name


def _find_dtd(body: bytes | str) -> XmlProblem | None:
    # Rejecting every DTD shuts out entity expansion and external entities from hostile targets.
    text = body if isinstance(body, str) else _decode_for_scan(body)
    upper = text.upper()
    for marker in _DTD_MARKERS:
        if marker in upper:
            return XmlProblem("malformed", f"DTDs are not allowed: the body contains {marker}")
    return None


def _decode_for_scan(body: bytes) -> str:
    """Decode bytes well enough to search them for markup, by BOM, then declaration, then UTF-8."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    declared = _DECLARED_ENCODING.match(body)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        # The parser rejects an unknown encoding itself, so scanning the ASCII bytes suffices.
        return body.decode("latin-1")


def _malformed(error: ET.ParseError) -> XmlProblem:
    line, column = error.position
    reason = expat.ErrorString(error.code) if error.code else str(error)
    # expat counts columns from 0, editors from 1.
    return XmlProblem(
        "malformed", f"XML is not well-formed at {line}:{column + 1} (line:column): {reason}"
    )


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _is_reference(node: Any) -> bool:
    return isinstance(node, dict) and "$ref" in node


def _dereference(node: Any, resolve: Resolver) -> Any:
    for _ in range(_MAX_REF_DEPTH):
        if not _is_reference(node):
            return node
        node = resolve(node)
    raise ValueError(
        f"$ref chain longer than {_MAX_REF_DEPTH} steps at {node!r}: remove the $ref cycle"
    )


def _xml_options(node: Any) -> dict[str, Any]:
    options = node.get("xml") if isinstance(node, dict) else None
    return options if isinstance(options, dict) else {}


def _schema_type(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared
    if "properties" in schema or "allOf" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


def _unique(names: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for name in names if name))


def _is_nil(element: ET.Element) -> bool:
    return element.get(_XSI_NIL, "").strip() in ("true", "1")


def _has_text(element: ET.Element) -> bool:
    return bool(element.text and element.text.strip())


def _coerce_scalar(text: str, schema_type: str | None) -> Any:
    """Type text by the schema, leaving text that does not parse as a string for the validator."""
    stripped = text.strip()
    if schema_type == "integer" and _INTEGER_TEXT.fullmatch(stripped):
        return int(stripped)
    if schema_type == "number" and _NUMBER_TEXT.fullmatch(stripped):
        if _INTEGER_TEXT.fullmatch(stripped):
            return int(stripped)
        return float(stripped)
    if schema_type == "boolean" and stripped in ("true", "false"):
        return stripped == "true"
    return text


@dataclass(frozen=True, slots=True)
class _BindingIndex:
    """Lookup of the bindings of one object schema by the XML names they accept."""

    by_element_name: dict[str, _Binding]
    by_alias: dict[str, list[_Binding]]
    attributes: dict[str, _Binding]
    wrapped_items: dict[str, _Binding]

    @classmethod
    def of(cls, bindings: list[_Binding]) -> _BindingIndex:
        by_alias: dict[str, list[_Binding]] = {}
        for binding in bindings:
            if binding.attribute:
                continue
            for alias in binding.element_names[1:]:
                by_alias.setdefault(alias, []).append(binding)
        return cls(
            by_element_name={b.element_names[0]: b for b in bindings if not b.attribute},
            by_alias=by_alias,
            attributes={b.element_names[0]: b for b in bindings if b.attribute},
            wrapped_items={name: b for b in bindings if b.wrapped for name in b.item_names},
        )

    def pick_alias(self, name: str, result: dict[str, Any], claimed: set[str]) -> _Binding | None:
        """Pick the first unread, unclaimed property whose alias is ``name``.

        Several properties may reference one component, such as three addresses that are all
        named <Address>. Document order then decides which property an element fills.
        """
        candidates = [b for b in self.by_alias.get(name, []) if b.name not in claimed]
        for binding in candidates:
            if binding.name not in result or (binding.is_array and not binding.wrapped):
                return binding
        return candidates[-1] if candidates else None


class _Converter:
    """Convert elements by the xml hints, collecting structural problems and value locations."""

    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve
        self.problems: list[XmlProblem] = []
        self.locations: dict[JsonPath, str] = {}

    def convert(self, element: ET.Element, schema: Any, where: _Location) -> Any:
        """Convert one element, or return None for an element marked xsi:nil."""
        self.locations[where.json] = where.xml
        target = _dereference(schema, self._resolve)
        if _is_nil(element):
            return None
        if isinstance(target, dict) and ("oneOf" in target or "anyOf" in target):
            return self._convert_alternatives(element, target, where)
        schema_type = _schema_type(target)
        if schema_type == "object":
            return self._convert_object(element, target, where)
        if schema_type == "array":
            return self._convert_array_element(element, target, where)
        if schema_type is None:
            return self._convert_untyped(element, where)
        if len(element):
            self._report(where, f"expected text of type {schema_type}, found child elements")
            return "".join(element.itertext())
        return _coerce_scalar(element.text or "", schema_type)

    def _report(self, where: _Location, message: str) -> None:
        self.problems.append(XmlProblem("schema", f"{where.xml}: {message}"))

    def _convert_alternatives(
        self, element: ET.Element, schema: dict[str, Any], where: _Location
    ) -> Any:
        """Convert by the first oneOf/anyOf branch whose reading validates, else by the first."""
        branches = [*schema.get("oneOf", []), *schema.get("anyOf", [])]
        readings = []
        for branch in branches:
            trial = _Converter(self._resolve)
            value = trial.convert(element, branch, where)
            errors = _validate(value, branch, self._resolve, trial.locations)
            if not trial.problems and not errors:
                self.locations.update(trial.locations)
                return value
            readings.append((trial, value))
        if not readings:
            return self._convert_untyped(element, where)
        # NOTE: when no branch fits, only the problems of the first branch are reported.
        first, value = readings[0]
        self.problems.extend(first.problems)
        self.locations.update(first.locations)
        return value

    def _convert_untyped(self, element: ET.Element, where: _Location) -> Any:
        """Convert an element whose schema gives no type: text stays a string, children a dict."""
        if not len(element) and not element.attrib:
            return element.text or ""
        result: dict[str, Any] = dict(self._plain_attributes(element))
        for child in element:
            name = _local_name(child.tag)
            value = self._convert_untyped(child, where.child(name, name))
            if name not in result:
                result[name] = value
            elif isinstance(result[name], list):
                result[name].append(value)
            else:
                result[name] = [result[name], value]
        return result

    def _plain_attributes(self, element: ET.Element) -> list[tuple[str, str]]:
        """Return the attributes as local names, without the xsi: ones that XML itself uses."""
        return [
            (_local_name(key), value)
            for key, value in element.attrib.items()
            if not key.startswith(f"{{{_XSI_NAMESPACE}}}")
        ]

    def _convert_object(self, element: ET.Element, schema: dict[str, Any], where: _Location) -> Any:
        bindings = self._bindings(schema)
        if not len(element) and not element.attrib:
            # Text where an object belongs stays a string, so that the validator names the type.
            return element.text if _has_text(element) else {}
        if not bindings and schema.get("additionalProperties", True) is True:
            # A free-form object: its content is not described, so keep whatever is there.
            return self._convert_untyped(element, where)
        result: dict[str, Any] = {}
        self._read_attributes(element, schema, bindings, result, where)
        self._read_children(element, schema, bindings, result, where)
        return result

    def _read_attributes(
        self,
        element: ET.Element,
        schema: dict[str, Any],
        bindings: list[_Binding],
        result: dict[str, Any],
        where: _Location,
    ) -> None:
        attributes = _BindingIndex.of(bindings).attributes
        elements = {name: b for b in bindings if not b.attribute for name in b.element_names}
        tag = _local_name(element.tag)
        for name, text in self._plain_attributes(element):
            binding = attributes.get(name)
            if binding is not None:
                target = _dereference(binding.schema, self._resolve)
                self.locations[(*where.json, binding.name)] = f"{where.xml}/@{name}"
                result[binding.name] = _coerce_scalar(text, _schema_type(target))
            elif name in elements:
                self._report(
                    where,
                    f"property {elements[name].name!r} must be a child element <{name}>,"
                    f" found attribute {name}= on <{tag}>",
                )
            else:
                self._read_unknown(name, text, schema, result, where.child(f"@{name}", name))

    def _read_children(
        self,
        element: ET.Element,
        schema: dict[str, Any],
        bindings: list[_Binding],
        result: dict[str, Any],
        where: _Location,
    ) -> None:
        index = _BindingIndex.of(bindings)
        names = [_local_name(child.tag) for child in element]
        # An element named exactly like a property belongs to it, so aliases skip that property.
        claimed = {
            index.by_element_name[name].name for name in names if name in index.by_element_name
        }
        counts = Counter(names)
        seen: Counter[str] = Counter()
        tag = _local_name(element.tag)
        for child, name in zip(element, names, strict=True):
            seen[name] += 1
            step = f"{name}[{seen[name]}]" if counts[name] > 1 else name
            binding = index.by_element_name.get(name) or index.pick_alias(name, result, claimed)
            if binding is not None:
                self._read_child(child, binding, result, where, step)
            elif name in index.attributes:
                self._report(
                    where.child(step, None),
                    f"property {index.attributes[name].name!r} must be an XML attribute of"
                    f" <{tag}>, found child element <{name}>",
                )
            elif name in index.wrapped_items:
                wrapped = index.wrapped_items[name]
                self._report(
                    where.child(step, None),
                    f"array {wrapped.name!r} has xml.wrapped: true, so its items belong in"
                    f" <{wrapped.element_names[0]}>, but item <{name}> is directly in <{tag}>",
                )
            else:
                self._read_unknown(name, child, schema, result, where.child(step, name))

    def _read_child(
        self,
        child: ET.Element,
        binding: _Binding,
        result: dict[str, Any],
        where: _Location,
        step: str,
    ) -> None:
        if binding.is_array and not binding.wrapped:
            items = result.setdefault(binding.name, [])
            if isinstance(items, list):
                self._read_unwrapped_item(child, binding, items, where, step)
            return
        if binding.name in result:
            self._report(
                where.child(step, None),
                f"element <{_local_name(child.tag)}> repeats, but property"
                f" {binding.name!r} is a single value, not an array",
            )
            return
        location = where.child(step, binding.name)
        if binding.is_array:
            result[binding.name] = self._convert_wrapped(child, binding, location)
        else:
            result[binding.name] = self.convert(child, binding.schema, location)

    def _read_unwrapped_item(
        self,
        child: ET.Element,
        binding: _Binding,
        items: list[Any],
        where: _Location,
        step: str,
    ) -> None:
        xml_path = f"{where.xml}/{step}"
        if not self._looks_wrapped(child, binding):
            location = _Location(xml_path, (*where.json, binding.name, len(items)))
            items.append(self.convert(child, binding.items_schema, location))
            return
        self._report(
            where.child(step, None),
            f"array {binding.name!r} is not xml.wrapped, so its items repeat directly in"
            f" the parent, but they are inside a <{_local_name(child.tag)}> wrapper",
        )
        # Read the wrapped items anyway, so that their content is still validated.
        for inner in child:
            location = _Location(
                f"{xml_path}/{_local_name(inner.tag)}", (*where.json, binding.name, len(items))
            )
            items.append(self.convert(inner, binding.items_schema, location))

    def _looks_wrapped(self, child: ET.Element, binding: _Binding) -> bool:
        """Tell whether an item element of an unwrapped array is a wrapper containing the items."""
        if not len(child):
            return False
        inner_names = {_local_name(inner.tag) for inner in child}
        if not inner_names <= set(binding.item_names):
            return False
        item_schema = _dereference(binding.items_schema, self._resolve)
        if _schema_type(item_schema) != "object":
            return True
        property_names = {name for b in self._bindings(item_schema) for name in b.element_names}
        return not inner_names & property_names

    def _convert_wrapped(self, wrapper: ET.Element, binding: _Binding, where: _Location) -> Any:
        self.locations[where.json] = where.xml
        if _is_nil(wrapper):
            return None
        if not len(wrapper) and _has_text(wrapper):
            # Text where a list of items belongs: keep it so the validator names the type.
            return wrapper.text
        return self._collect_items(wrapper, binding.items_schema, binding.item_names, where)

    def _convert_array_element(
        self, element: ET.Element, schema: dict[str, Any], where: _Location
    ) -> Any:
        """Convert an element that is itself an array, such as a root element or an array item."""
        items_schema = schema.get("items", {})
        items_target = _dereference(items_schema, self._resolve)
        own_name = _xml_options(items_schema).get("name")
        referenced_name = _xml_options(items_target).get("name")
        item_names = _unique([own_name or referenced_name or _local_name(element.tag)])
        if not len(element) and _has_text(element):
            return element.text
        return self._collect_items(element, items_schema, item_names, where)

    def _collect_items(
        self,
        wrapper: ET.Element,
        items_schema: dict[str, Any],
        item_names: tuple[str, ...],
        where: _Location,
    ) -> list[Any]:
        items: list[Any] = []
        counts = Counter(_local_name(child.tag) for child in wrapper)
        seen: Counter[str] = Counter()
        for child in wrapper:
            name = _local_name(child.tag)
            seen[name] += 1
            step = f"{name}[{seen[name]}]" if counts[name] > 1 else name
            if name not in item_names:
                expected = " or ".join(f"<{item}>" for item in item_names)
                self._report(
                    where.child(step, None),
                    f"unexpected element <{name}> in array <{_local_name(wrapper.tag)}>,"
                    f" expected items named {expected}",
                )
                continue
            items.append(self.convert(child, items_schema, where.child(step, len(items))))
        return items

    def _read_unknown(
        self,
        name: str,
        node: ET.Element | str,
        schema: dict[str, Any],
        result: dict[str, Any],
        where: _Location,
    ) -> None:
        """Handle an attribute or element that no property describes, by additionalProperties."""
        additional = schema.get("additionalProperties", True)
        if additional is False:
            known = ", ".join(sorted(self._property_names(schema))) or "none"
            self._report(
                where,
                f"{name!r} is not a property of this schema (additionalProperties: false),"
                f" known properties: {known}",
            )
            return
        if isinstance(additional, dict) and name not in result:
            if isinstance(node, str):
                target = _dereference(additional, self._resolve)
                result[name] = _coerce_scalar(node, _schema_type(target))
            else:
                result[name] = self.convert(node, additional, where)
            return
        logger.debug("Ignoring %s: the schema does not describe it", where.xml)

    def _property_names(self, schema: dict[str, Any]) -> set[str]:
        return {binding.name for binding in self._bindings(schema)}

    def _properties(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Collect the properties of a schema and of its allOf members, in document order."""
        properties: dict[str, Any] = {}
        for member in schema.get("allOf", []):
            properties.update(self._properties(_dereference(member, self._resolve)))
        properties.update(schema.get("properties", {}))
        return properties

    def _bindings(self, schema: dict[str, Any]) -> list[_Binding]:
        return [self._bind(name, node) for name, node in self._properties(schema).items()]

    def _bind(self, name: str, node: Any) -> _Binding:
        """Derive where a property appears in XML from its own and its referenced xml hints."""
        target = _dereference(node, self._resolve)
        own = _xml_options(node)
        # Swagger UI also applies the xml hints of a referenced component to the property.
        referenced = _xml_options(target) if _is_reference(node) else {}
        own_name = own.get("name") or name
        if own.get("attribute") or referenced.get("attribute"):
            return _Binding(name, node, attribute=True, element_names=(own_name,))
        element_names = _unique([own_name, referenced.get("name")])
        if _schema_type(target) != "array":
            return _Binding(name, node, attribute=False, element_names=element_names)

        wrapped = bool(own.get("wrapped", referenced.get("wrapped", False)))
        items = target.get("items", {})
        items_own = _xml_options(items).get("name")
        items_referenced = (
            _xml_options(_dereference(items, self._resolve)).get("name")
            if _is_reference(items)
            else None
        )
        # Items fall back to the wrapper's name. OpenAPI 3.0 ignores the xml.name of an unwrapped
        # array, but Schemathesis names the items by it, so both fallbacks are accepted.
        fallbacks = [own_name] if wrapped else [own_name, name]
        item_names = _unique(
            [items_own or items_referenced or fallbacks[0]]
            + [items_own or fallback for fallback in fallbacks]
        )
        return _Binding(
            name,
            node,
            attribute=False,
            # The items of an unwrapped array are the parent's children, so they carry its names.
            element_names=element_names if wrapped else item_names,
            is_array=True,
            wrapped=wrapped,
            items_schema=items,
            item_names=item_names,
        )


def _validate(
    value: Any, schema: Any, resolve: Resolver, locations: dict[JsonPath, str]
) -> list[XmlProblem]:
    """Validate a converted value with Draft 4 and name each error by element and JSON path."""
    validator = Draft4Validator(_to_json_schema(schema, resolve))
    problems = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.path))):
        path = tuple(error.absolute_path)
        problems.append(
            XmlProblem(
                "schema", f"{_element_path(path, locations)} ({error.json_path}): {error.message}"
            )
        )
    return problems


def _element_path(path: JsonPath, locations: dict[JsonPath, str]) -> str:
    for length in range(len(path), -1, -1):
        found = locations.get(path[:length])
        if found is not None:
            return found
    return "/"


def _to_json_schema(schema: Any, resolve: Resolver, _seen: tuple[str, ...] = ()) -> Any:
    """Convert an OpenAPI 3.0 schema to JSON Schema Draft 4, inlining $refs and mapping nullable."""
    if not isinstance(schema, dict):
        return schema
    if _is_reference(schema):
        reference = str(schema["$ref"])
        if reference in _seen:
            # NOTE: a recursive schema accepts anything below its second occurrence.
            return {}
        return _to_json_schema(resolve(schema), resolve, (*_seen, reference))

    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _OPENAPI_ONLY_KEYWORDS or key == "nullable" or key.startswith("x-"):
            continue
        if key == "properties" and isinstance(value, dict):
            converted[key] = {
                name: _to_json_schema(node, resolve, _seen) for name, node in value.items()
            }
        elif key in _SUBSCHEMA_KEYWORDS:
            converted[key] = _to_json_schema(value, resolve, _seen)
        elif key in _SUBSCHEMA_LIST_KEYWORDS and isinstance(value, list):
            converted[key] = [_to_json_schema(node, resolve, _seen) for node in value]
        else:
            converted[key] = value
    if schema.get("nullable") is True:
        return _allow_null(converted)
    return converted


def _allow_null(schema: dict[str, Any]) -> dict[str, Any]:
    declared = schema.get("type")
    if isinstance(declared, str):
        schema["type"] = [declared, "null"]
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return schema
    return {"anyOf": [{"type": "null"}, schema]}
