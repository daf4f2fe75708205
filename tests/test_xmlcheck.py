"""Test the XML body checker against schemas modelled on Customer REST API 1.2.1.

The components below copy the names, xml hints and types of the published ICM 11 schemas
(LinkRO, ResourceAttribute, AddressRO, ResourceCollectionROLinkRO, SMBCustomerUserRO,
SMBCustomerUserROCollection, GiftCardAndCertificateRO, PrivateCustomerRO), trimmed to the
properties the tests use. StrictNoteRO and ChoiceRO are made up for this test: no published
schema uses additionalProperties, required or oneOf. The last tests write bodies with
Schemathesis' own XML serializer, so that the checker and Schemathesis agree on the hints.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from schemathesis.transport.serialization import serialize_xml_with_schema

from conformance.xmlcheck import XmlProblem, check_xml_body, expected_root_name, xml_to_json

ATTRIBUTE = {"attribute": True}
LINK_RELATIONS = ["self", "item", "next", "prev"]

COMPONENTS: dict[str, dict[str, Any]] = {
    "LinkRO": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "xml": ATTRIBUTE},
            "type": {"type": "string", "readOnly": True, "xml": ATTRIBUTE},
            "attributes": {
                "type": "array",
                "xml": {"wrapped": True},
                "items": {"$ref": "#/components/schemas/ResourceAttribute"},
            },
            "uri": {"type": "string"},
            "relation": {"type": "string", "enum": LINK_RELATIONS},
            "title": {"type": "string"},
            "itemId": {"type": "string"},
        },
        "xml": {"name": "Link"},
    },
    "ResourceAttribute": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "xml": ATTRIBUTE},
            "type": {"type": "string", "xml": ATTRIBUTE},
            "value": {"type": "object"},
        },
        "xml": {"name": "ResourceAttribute"},
    },
    "AddressRO": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "xml": ATTRIBUTE},
            "type": {"type": "string", "xml": ATTRIBUTE},
            "id": {"type": "string"},
            "firstName": {"type": "string"},
            "lastName": {"type": "string"},
            "postalCode": {"type": "string"},
            "city": {"type": "string"},
            "countryCode": {"type": "string"},
            "usage": {"type": "object", "properties": {"empty": {"type": "boolean"}}},
        },
        "xml": {"name": "Address"},
    },
    "AbstractResourceObject": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "xml": ATTRIBUTE},
            "type": {"type": "string", "readOnly": True, "xml": ATTRIBUTE},
        },
    },
    "ResourceCollectionROLinkRO": {
        "type": "object",
        "properties": {
            "pageable": {"type": "string"},
            "total": {"type": "integer", "format": "int32"},
            "offset": {"type": "integer", "format": "int32"},
            "amount": {"type": "integer", "format": "int32"},
            "elements": {
                "type": "array",
                "xml": {"wrapped": True},
                "items": {"$ref": "#/components/schemas/LinkRO"},
            },
            "type": {"type": "string", "xml": ATTRIBUTE},
            "sortKeys": {
                "uniqueItems": True,
                "type": "array",
                "xml": {"wrapped": True},
                "items": {"type": "string", "xml": {"name": "sortKey"}},
            },
            "name": {"type": "string", "xml": ATTRIBUTE},
        },
        "xml": {"name": "ResourceCollection"},
    },
    "SMBCustomerUserRO": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "xml": ATTRIBUTE},
            "name": {"type": "string", "xml": ATTRIBUTE},
            "login": {"type": "string"},
            "firstName": {"type": "string"},
            "birthday": {"type": "string", "nullable": True},
            "active": {"type": "boolean"},
        },
        "xml": {"name": "SMBCustomerUser"},
    },
    "SMBCustomerUserROCollection": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "xml": ATTRIBUTE},
            "name": {"type": "string", "xml": ATTRIBUTE},
            # Not wrapped: the users repeat directly inside the collection element.
            "elements": {
                "type": "array",
                "xml": {"name": "SMBCustomerUser"},
                "items": {"$ref": "#/components/schemas/SMBCustomerUserRO"},
            },
        },
        "xml": {"name": "SMBCustomerUserCollection"},
    },
    "GiftCardAndCertificateRO": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "xml": ATTRIBUTE},
            "type": {"type": "string", "xml": ATTRIBUTE},
            "currency": {"type": "string"},
            "amount": {"type": "number"},
            "amountRemaining": {"type": "number"},
        },
        "xml": {"name": "GiftCardAndCertificate"},
    },
    "PrivateCustomerRO": {
        "type": "object",
        "properties": {
            "customerNo": {"type": "string"},
            "email": {"type": "string", "nullable": True},
            "name": {"type": "string", "xml": ATTRIBUTE},
            "preferredInvoiceToAddress": {"$ref": "#/components/schemas/AddressRO"},
            "preferredShipToAddress": {"$ref": "#/components/schemas/AddressRO"},
            "type": {"type": "string", "xml": ATTRIBUTE},
        },
        "xml": {"name": "PrivateCustomer"},
    },
    "StrictNoteRO": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {
            "type": {"type": "string", "xml": ATTRIBUTE},
            "text": {"type": "string"},
            "priority": {"type": "integer", "nullable": True},
        },
        "xml": {"name": "Note"},
    },
    "ChoiceRO": {
        "type": "object",
        "properties": {
            "limit": {"oneOf": [{"type": "integer"}, {"type": "boolean"}]},
        },
        "xml": {"name": "Choice"},
    },
}

XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
ERROR_BODY_SCHEMA = {"type": "string"}

LINK_COLLECTION = """<?xml version="1.0" encoding="UTF-8"?>
<ResourceCollection name="addresses" type="ResourceCollection">
  <pageable>pageable-1</pageable>
  <total>2</total>
  <offset>0</offset>
  <amount>2</amount>
  <elements>
    <Link type="Link" name="Home">
      <uri>inSPIRED-inTRONICS-Site/-/customers/-/addresses/a1</uri>
      <relation>self</relation>
      <attributes>
        <ResourceAttribute name="usage" type="ResourceAttribute"/>
      </attributes>
    </Link>
    <Link type="Link" name="Office">
      <uri>inSPIRED-inTRONICS-Site/-/customers/-/addresses/a2</uri>
    </Link>
  </elements>
  <sortKeys>
    <sortKey>name</sortKey>
    <sortKey>city</sortKey>
  </sortKeys>
</ResourceCollection>
"""

USER_COLLECTION = """<SMBCustomerUserCollection type="SMBCustomerUserCollection" name="Users">
  <SMBCustomerUser type="SMBCustomerUser">
    <login>jlink@test.intershop.de</login>
    <active>true</active>
  </SMBCustomerUser>
  <SMBCustomerUser type="SMBCustomerUser">
    <login>bboldner@test.intershop.de</login>
    <active>false</active>
  </SMBCustomerUser>
</SMBCustomerUserCollection>
"""


def resolve(node: Any) -> Any:
    """Return the target of a local components reference, or any other node unchanged."""
    if isinstance(node, dict) and "$ref" in node:
        return COMPONENTS[node["$ref"].rsplit("/", 1)[-1]]
    return node


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def check(body: str | bytes, component: str) -> list[XmlProblem]:
    return check_xml_body(body, ref(component), resolve)


def messages(problems: list[XmlProblem]) -> str:
    return "\n".join(f"{problem.kind}: {problem.message}" for problem in problems)


# Well-formed, valid bodies


def test_valid_collection_has_no_problems() -> None:
    problems = check(LINK_COLLECTION, "ResourceCollectionROLinkRO")

    assert problems == [], messages(problems)


def test_valid_collection_accepts_bytes_body() -> None:
    problems = check(LINK_COLLECTION.encode("utf-8"), "ResourceCollectionROLinkRO")

    assert problems == [], messages(problems)


def test_xml_to_json_types_scalars_by_schema() -> None:
    root = ET.fromstring(LINK_COLLECTION)

    value = xml_to_json(root, ref("ResourceCollectionROLinkRO"), resolve)

    assert value["total"] == 2
    assert isinstance(value["total"], int)
    assert value["pageable"] == "pageable-1"


def test_xml_to_json_reads_attributes_as_properties() -> None:
    value = xml_to_json(ET.fromstring(LINK_COLLECTION), ref("ResourceCollectionROLinkRO"), resolve)

    assert value["type"] == "ResourceCollection"
    assert value["elements"][0]["type"] == "Link"
    assert value["elements"][0]["name"] == "Home"


def test_xml_to_json_unwraps_wrapped_arrays() -> None:
    value = xml_to_json(ET.fromstring(LINK_COLLECTION), ref("ResourceCollectionROLinkRO"), resolve)

    assert value["sortKeys"] == ["name", "city"]
    assert len(value["elements"]) == 2
    assert value["elements"][0]["attributes"] == [{"name": "usage", "type": "ResourceAttribute"}]


def test_xml_to_json_types_booleans() -> None:
    value = xml_to_json(ET.fromstring(USER_COLLECTION), ref("SMBCustomerUserROCollection"), resolve)

    assert [user["active"] for user in value["elements"]] == [True, False]


def test_xml_to_json_types_numbers() -> None:
    body = "<GiftCardAndCertificate><amount>25</amount><amountRemaining>12.73</amountRemaining>"
    body += "</GiftCardAndCertificate>"

    value = xml_to_json(ET.fromstring(body), ref("GiftCardAndCertificateRO"), resolve)

    assert value["amount"] == 25
    assert value["amountRemaining"] == pytest.approx(12.73)


def test_unwrapped_array_repeats_items_in_parent() -> None:
    problems = check(USER_COLLECTION, "SMBCustomerUserROCollection")

    assert problems == [], messages(problems)


def test_numbers_as_text_are_valid() -> None:
    body = "<GiftCardAndCertificate><amount>25</amount><amountRemaining>1.2E1</amountRemaining>"
    body += "</GiftCardAndCertificate>"

    problems = check(body, "GiftCardAndCertificateRO")

    assert problems == [], messages(problems)


def test_nested_object_element_is_valid() -> None:
    body = "<Address><id>a1</id><usage><empty>false</empty></usage></Address>"

    problems = check(body, "AddressRO")

    assert problems == [], messages(problems)


# Malformed documents and DTDs


def test_unclosed_tag_is_one_malformed_problem() -> None:
    body = "<Address>\n  <firstName>Patricia\n</Address>\n"

    problems = check(body, "AddressRO")

    assert len(problems) == 1, messages(problems)
    assert problems[0].kind == "malformed"


def test_malformed_problem_names_line_and_column() -> None:
    # The closing </Address> on line 3 meets the open <firstName>. Its name starts at column 3.
    body = "<Address>\n  <firstName>Patricia\n</Address>\n"

    problems = check(body, "AddressRO")

    assert "3:3" in problems[0].message


def test_empty_body_is_malformed() -> None:
    problems = check(b"", "AddressRO")

    assert [problem.kind for problem in problems] == ["malformed"]


def test_dtd_is_rejected() -> None:
    body = '<?xml version="1.0"?>\n<!DOCTYPE Address>\n<Address><id>a1</id></Address>'

    problems = check(body, "AddressRO")

    assert [problem.kind for problem in problems] == ["malformed"]
    assert "DTDs are not allowed" in problems[0].message


def test_entity_expansion_is_rejected_before_parsing() -> None:
    body = (
        '<!DOCTYPE Address [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
        "<Address><firstName>&b;</firstName></Address>"
    )

    problems = check(body, "AddressRO")

    assert [problem.kind for problem in problems] == ["malformed"]
    assert "DTDs are not allowed" in problems[0].message


def test_dtd_in_utf16_body_is_rejected() -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE Address><Address/>'.encode("utf-16")

    problems = check(body, "AddressRO")

    assert [problem.kind for problem in problems] == ["malformed"]
    assert "DTDs are not allowed" in problems[0].message


# Root element


def test_wrong_root_is_root_element_problem() -> None:
    problems = check("<Link><uri>x</uri></Link>", "AddressRO")

    assert [problem.kind for problem in problems] == ["root-element"]


def test_wrong_root_names_expected_and_found() -> None:
    problems = check("<Link><uri>x</uri></Link>", "AddressRO")

    assert "<Address>" in problems[0].message
    assert "<Link>" in problems[0].message


def test_expected_root_name_comes_from_xml_name() -> None:
    assert expected_root_name(ref("ResourceCollectionROLinkRO"), resolve) == "ResourceCollection"


def test_expected_root_name_falls_back_to_component_name() -> None:
    assert expected_root_name(ref("AbstractResourceObject"), resolve) == "AbstractResourceObject"


def test_expected_root_name_uses_given_schema_name() -> None:
    inline = COMPONENTS["AbstractResourceObject"]

    assert expected_root_name(inline, resolve, schema_name="AbstractResourceObject") == (
        "AbstractResourceObject"
    )


def test_expected_root_name_of_inline_schema_is_none() -> None:
    assert expected_root_name(COMPONENTS["AbstractResourceObject"], resolve) is None


def test_expected_root_name_of_string_schema_is_none() -> None:
    assert expected_root_name(ERROR_BODY_SCHEMA, resolve) is None


def test_schema_name_fallback_checks_root() -> None:
    inline = COMPONENTS["AbstractResourceObject"]

    problems = check_xml_body("<Other/>", inline, resolve, schema_name="AbstractResourceObject")

    assert [problem.kind for problem in problems] == ["root-element"]


# Attributes


def test_attribute_sent_as_child_element_is_problem() -> None:
    body = LINK_COLLECTION.replace(
        '<Link type="Link" name="Office">', '<Link name="Office"><type>Link</type>'
    )

    problems = check(body, "ResourceCollectionROLinkRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "'type' must be an XML attribute" in problems[0].message
    assert "/ResourceCollection/elements/Link[2]/type" in problems[0].message


def test_child_element_sent_as_attribute_is_problem() -> None:
    problems = check('<Address id="a1"><city>Potsdam</city></Address>', "AddressRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "'id' must be a child element <id>" in problems[0].message


# Scalar types


def test_boolean_maybe_is_problem() -> None:
    body = USER_COLLECTION.replace("<active>true</active>", "<active>maybe</active>")

    problems = check(body, "SMBCustomerUserROCollection")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "'maybe' is not of type 'boolean'" in problems[0].message


def test_boolean_problem_names_json_and_element_path() -> None:
    body = USER_COLLECTION.replace("<active>true</active>", "<active>maybe</active>")

    problems = check(body, "SMBCustomerUserROCollection")

    assert "$.elements[0].active" in problems[0].message
    assert "/SMBCustomerUserCollection/SMBCustomerUser[1]/active" in problems[0].message


def test_integer_abc_is_problem() -> None:
    body = LINK_COLLECTION.replace("<total>2</total>", "<total>abc</total>")

    problems = check(body, "ResourceCollectionROLinkRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "'abc' is not of type 'integer'" in problems[0].message
    assert "$.total" in problems[0].message


def test_decimal_in_integer_field_is_problem() -> None:
    body = LINK_COLLECTION.replace("<offset>0</offset>", "<offset>0.5</offset>")

    problems = check(body, "ResourceCollectionROLinkRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "$.offset" in problems[0].message


def test_number_text_is_problem() -> None:
    body = "<GiftCardAndCertificate><amount>twenty</amount></GiftCardAndCertificate>"

    problems = check(body, "GiftCardAndCertificateRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "'twenty' is not of type 'number'" in problems[0].message


def test_enum_violation_is_problem() -> None:
    body = LINK_COLLECTION.replace("<relation>self</relation>", "<relation>selfie</relation>")

    problems = check(body, "ResourceCollectionROLinkRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "$.elements[0].relation" in problems[0].message


def test_text_where_object_belongs_is_problem() -> None:
    problems = check("<Address><usage>home</usage></Address>", "AddressRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "is not of type 'object'" in problems[0].message


def test_children_where_text_belongs_is_problem() -> None:
    problems = check("<Address><city><name>Potsdam</name></city></Address>", "AddressRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "found child elements" in problems[0].message


# Arrays


def test_wrapped_array_sent_unwrapped_is_problem() -> None:
    body = LINK_COLLECTION.replace("<elements>", "").replace("</elements>", "")

    problems = check(body, "ResourceCollectionROLinkRO")

    assert problems, "items of a wrapped array outside their wrapper were accepted"
    assert all(problem.kind == "schema" for problem in problems), messages(problems)
    assert "xml.wrapped: true" in problems[0].message


def test_wrapped_array_with_foreign_item_is_problem() -> None:
    body = LINK_COLLECTION.replace("<sortKey>city</sortKey>", "<key>city</key>")

    problems = check(body, "ResourceCollectionROLinkRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "unexpected element <key>" in problems[0].message


def test_unwrapped_array_sent_wrapped_is_problem() -> None:
    body = USER_COLLECTION.replace(
        '<SMBCustomerUserCollection type="SMBCustomerUserCollection" name="Users">',
        '<SMBCustomerUserCollection type="SMBCustomerUserCollection" name="Users"><elements>',
    ).replace("</SMBCustomerUserCollection>", "</elements></SMBCustomerUserCollection>")

    problems = check(body, "SMBCustomerUserROCollection")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "is not xml.wrapped" in problems[0].message


def test_duplicate_single_value_element_is_problem() -> None:
    problems = check("<Address><city>Potsdam</city><city>Jena</city></Address>", "AddressRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "<city> repeats" in problems[0].message


def test_duplicate_sort_keys_violate_unique_items() -> None:
    body = LINK_COLLECTION.replace("<sortKey>city</sortKey>", "<sortKey>name</sortKey>")

    problems = check(body, "ResourceCollectionROLinkRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "$.sortKeys" in problems[0].message


# Nulls


def test_absent_nullable_element_is_valid() -> None:
    problems = check("<SMBCustomerUser><login>x</login></SMBCustomerUser>", "SMBCustomerUserRO")

    assert problems == [], messages(problems)


def test_nil_on_nullable_property_is_valid() -> None:
    body = f'<SMBCustomerUser {XSI}><birthday xsi:nil="true"/></SMBCustomerUser>'

    problems = check(body, "SMBCustomerUserRO")

    assert problems == [], messages(problems)


def test_nil_reads_as_null() -> None:
    body = f'<SMBCustomerUser {XSI}><birthday xsi:nil="true"/></SMBCustomerUser>'

    value = xml_to_json(ET.fromstring(body), ref("SMBCustomerUserRO"), resolve)

    assert value == {"birthday": None}


def test_nil_on_non_nullable_property_is_problem() -> None:
    body = f'<SMBCustomerUser {XSI}><login xsi:nil="true"/></SMBCustomerUser>'

    problems = check(body, "SMBCustomerUserRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "$.login" in problems[0].message


# Properties named by a referenced component


def test_property_named_by_referenced_xml_name_is_accepted() -> None:
    body = "<PrivateCustomer><Address><city>Potsdam</city></Address></PrivateCustomer>"

    value = xml_to_json(ET.fromstring(body), ref("PrivateCustomerRO"), resolve)

    assert value == {"preferredInvoiceToAddress": {"city": "Potsdam"}}


def test_property_named_by_property_name_is_accepted() -> None:
    body = (
        "<PrivateCustomer><preferredShipToAddress><city>Potsdam</city>"
        "</preferredShipToAddress></PrivateCustomer>"
    )

    value = xml_to_json(ET.fromstring(body), ref("PrivateCustomerRO"), resolve)

    assert value == {"preferredShipToAddress": {"city": "Potsdam"}}


def test_alias_skips_property_named_explicitly() -> None:
    body = (
        "<PrivateCustomer><Address><city>Jena</city></Address>"
        "<preferredInvoiceToAddress><city>Potsdam</city></preferredInvoiceToAddress>"
        "</PrivateCustomer>"
    )

    value = xml_to_json(ET.fromstring(body), ref("PrivateCustomerRO"), resolve)

    assert value["preferredInvoiceToAddress"] == {"city": "Potsdam"}
    assert value["preferredShipToAddress"] == {"city": "Jena"}


# Unknown content, required properties and oneOf


def test_unknown_element_is_ignored_by_default() -> None:
    problems = check("<Address><city>Potsdam</city><planet>Earth</planet></Address>", "AddressRO")

    assert problems == [], messages(problems)


def test_unknown_element_is_problem_without_additional_properties() -> None:
    problems = check("<Note><text>call back</text><colour>red</colour></Note>", "StrictNoteRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "'colour' is not a property" in problems[0].message


def test_unknown_attribute_is_problem_without_additional_properties() -> None:
    problems = check('<Note colour="red"><text>call back</text></Note>', "StrictNoteRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "/Note/@colour" in problems[0].message


def test_missing_required_property_is_problem() -> None:
    problems = check('<Note type="Note"><priority>1</priority></Note>', "StrictNoteRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "'text' is a required property" in problems[0].message


def test_nil_on_nullable_integer_is_valid() -> None:
    body = f'<Note {XSI}><text>call back</text><priority xsi:nil="true"/></Note>'

    problems = check(body, "StrictNoteRO")

    assert problems == [], messages(problems)


@pytest.mark.parametrize(("text", "expected"), [("7", 7), ("true", True)])
def test_one_of_picks_fitting_branch(text: str, expected: Any) -> None:
    body = f"<Choice><limit>{text}</limit></Choice>"

    value = xml_to_json(ET.fromstring(body), ref("ChoiceRO"), resolve)

    assert value == {"limit": expected}


def test_one_of_without_fitting_branch_is_problem() -> None:
    problems = check("<Choice><limit>many</limit></Choice>", "ChoiceRO")

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)
    assert "$.limit" in problems[0].message


# String-typed error bodies


def test_string_error_body_accepts_any_root() -> None:
    problems = check_xml_body("<error>Unauthorized</error>", ERROR_BODY_SCHEMA, resolve)

    assert problems == [], messages(problems)


def test_string_error_body_must_be_well_formed() -> None:
    problems = check_xml_body("<error>Unauthorized", ERROR_BODY_SCHEMA, resolve)

    assert [problem.kind for problem in problems] == ["malformed"]


def test_string_error_body_checks_string_constraints() -> None:
    schema = {"type": "string", "maxLength": 5}

    problems = check_xml_body("<error>Unauthorized</error>", schema, resolve)

    assert [problem.kind for problem in problems] == ["schema"], messages(problems)


# Agreement with Schemathesis, which writes XML request bodies from the same hints

SCHEMATHESIS_VALUES = {
    "ResourceCollectionROLinkRO": {
        "name": "addresses",
        "type": "ResourceCollection",
        "total": 1,
        "elements": [
            {
                "type": "Link",
                "uri": "customers/-/addresses/a1",
                "attributes": [{"name": "usage", "type": "ResourceAttribute", "value": {}}],
            }
        ],
        "sortKeys": ["name", "city"],
    },
    "SMBCustomerUserROCollection": {
        "elements": [{"login": "jlink@test.intershop.de", "active": True}, {"active": False}]
    },
    "PrivateCustomerRO": {
        "type": "PrivateCustomer",
        "preferredInvoiceToAddress": {"city": "Potsdam", "usage": {"empty": False}},
        "preferredShipToAddress": {"city": "Jena"},
    },
    "GiftCardAndCertificateRO": {"currency": "USD", "amount": 25, "amountRemaining": 12.73},
}


@pytest.mark.parametrize("component", sorted(SCHEMATHESIS_VALUES))
def test_schemathesis_xml_reads_back(component: str) -> None:
    value = SCHEMATHESIS_VALUES[component]
    schema = {**ref(component), "components": {"schemas": COMPONENTS}}
    body = serialize_xml_with_schema(value, schema, resource_name=component)["data"]

    problems = check(body, component)
    read_back = xml_to_json(ET.fromstring(body), ref(component), resolve)

    assert problems == [], messages(problems)
    assert read_back == value
