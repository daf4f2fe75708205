"""Resource object shapes of the Customer REST API 1.2.1, written out by hand.

The server keeps its own copy of the field lists and XML hints on purpose: it must not read the
contract that the suite checks it against, so a misreading of the contract cannot hide in both.
These shapes drive request coercion (``coerce``) and the XML mapping (``xml.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    """One property of a resource object.

    ``kind`` is one of ``string``, ``number``, ``integer``, ``boolean``, ``object`` (a nested
    resource object named by ``ref``), ``array`` (items are ``ref`` objects, or scalars of
    ``item_kind``) or ``any`` (free-form JSON value). Only ``nullable`` properties take null.
    """

    kind: str
    ref: str | None = None
    item_kind: str = "string"
    attribute: bool = False
    wrapped: bool = False
    xml_name: str | None = None
    item_xml_name: str | None = None
    raw_input: bool = False
    nullable: bool = False


@dataclass(frozen=True)
class Schema:
    """A resource object: its XML root element name and its properties in document order.

    ``nullable`` lets every property that refers to this shape be null.
    """

    name: str
    xml_root: str
    fields: dict[str, Field] = field(default_factory=dict)
    nullable: bool = False


STRING = Field("string")
NAME_ATTR = Field("string", attribute=True)
TYPE_ATTR = Field("string", attribute=True)

_ADDRESS_STRINGS = [
    "urn",
    "id",
    "externalId",
    "externalUrn",
    "addressName",
    "title",
    "aristocraticTitle",
    "jobTitle",
    "honorific",
    "firstName",
    "secondName",
    "lastName",
    "secondLastName",
    "companyName1",
    "companyName2",
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "postBox",
    "mainDivision",
    "mainDivisionName",
    "subDivision",
    "subDivisionName",
    "postalCode",
    "email",
    "phoneMobile",
    "phoneHome",
    "phoneBusiness",
    "phoneBusinessDirect",
    "country",
    "countryCode",
    "city",
    "fax",
    "externalURN",
]


def _strings(names: str) -> dict[str, Field]:
    return {name: STRING for name in names.split()}


def _nullable_strings(names: str) -> dict[str, Field]:
    return {name: Field("string", nullable=True) for name in names.split()}


SCHEMAS: dict[str, Schema] = {}


def _register(schema: Schema) -> Schema:
    SCHEMAS[schema.name] = schema
    return schema


_register(
    Schema(
        "ResourceAttribute",
        "ResourceAttribute",
        {"name": NAME_ATTR, "type": TYPE_ATTR, "value": Field("any")},
    )
)
_register(
    Schema(
        "LinkRO",
        "Link",
        {
            "name": NAME_ATTR,
            "type": TYPE_ATTR,
            "attributes": Field("array", ref="ResourceAttribute", wrapped=True),
            "uri": STRING,
            "relation": STRING,
            "title": STRING,
            "description": STRING,
            "itemId": STRING,
            "attribute": Field("object", ref="ResourceAttribute"),
        },
    )
)
_register(Schema("AddressUsage", "usage", {"empty": Field("boolean")}))
_register(
    Schema(
        "AddressRO",
        "Address",
        {
            "name": NAME_ATTR,
            "type": TYPE_ATTR,
            **{name: STRING for name in _ADDRESS_STRINGS},
            # Clients send usage as the contract's object or as an array of booleans, so the
            # address handler validates the raw value itself.
            "usage": Field("object", ref="AddressUsage", raw_input=True),
        },
    )
)
_register(
    Schema(
        "CredentialsRO",
        "Credentials",
        {
            "name": NAME_ATTR,
            "type": TYPE_ATTR,
            **_strings("login password securityQuestion securityQuestionAnswer"),
        },
        nullable=True,
    )
)
_register(
    Schema(
        "GenericPropertyROObject",
        "Property",
        {
            "name": NAME_ATTR,
            "type": TYPE_ATTR,
            "key": STRING,
            # NOTE: the contract types this as an object, but any value is accepted because
            # the XML writer renders it by kind; a negative case can catch this server here.
            "property": Field("any"),
            "displayName": STRING,
            # Storefront clients send a parameter's value as "value"; the contract has no such
            # property, so it is accepted on input and never rendered.
            "value": Field("any"),
        },
    )
)
_register(
    Schema(
        "MoneyRO",
        "Money",
        {
            "type": TYPE_ATTR,
            "value": Field("number"),
            "currencyMnemonic": STRING,
            "currency": STRING,
        },
    )
)
_register(
    Schema(
        "PaymentRO",
        "Payment",
        {
            "name": NAME_ATTR,
            "type": TYPE_ATTR,
            "attributes": Field("array", ref="ResourceAttribute", wrapped=True),
            "id": STRING,
            "limitedTenderBalance": Field("object", ref="MoneyRO"),
            "paymentTotalAmount": Field("object", ref="MoneyRO"),
            "accountIdentifier": STRING,
            "parameters": Field("array", ref="GenericPropertyROObject", wrapped=True),
            "attribute": Field("object", ref="ResourceAttribute"),
        },
    )
)
_NULLABLE_STRING = Field("string", nullable=True)


def _person(*, with_user_id: bool) -> dict[str, Field]:
    """Return the properties shared by NewCustomerRO and PrivateCustomerRO, in document order."""
    fields: dict[str, Field] = {
        "birthday": _NULLABLE_STRING,
        "customerNo": STRING,
        "customerType": STRING,
        **_nullable_strings("email externalURN fax firstName lastName login"),
        "name": NAME_ATTR,
        **_nullable_strings("phoneBusiness phoneHome phoneMobile"),
        "preferredInvoiceToAddress": Field("object", ref="AddressRO"),
        "preferredLanguage": _NULLABLE_STRING,
        "preferredPaymentInstrument": Field("object", ref="PaymentRO"),
        "preferredShipToAddress": Field("object", ref="AddressRO"),
        "title": _NULLABLE_STRING,
        "type": TYPE_ATTR,
    }
    if with_user_id:
        fields["userId"] = _NULLABLE_STRING
    return fields


_register(
    Schema(
        "NewCustomerRO",
        "NewCustomer",
        {
            "address": Field("object", ref="AddressRO"),
            "credentials": Field("object", ref="CredentialsRO"),
            **_person(with_user_id=True),
            # Business registrations from storefront clients also carry company data.
            **_strings("companyName companyName2 taxationID industry description"),
        },
    )
)
_register(Schema("PrivateCustomerRO", "PrivateCustomer", _person(with_user_id=False)))
_register(
    Schema(
        "SMBCustomerRO",
        "SMBCustomer",
        {
            **_strings("companyName companyName2 customerNo customerType description"),
            **_strings("externalURN industry"),
            "name": NAME_ATTR,
            "preferredInvoiceToAddress": Field("object", ref="AddressRO"),
            "preferredShipToAddress": Field("object", ref="AddressRO"),
            "taxationID": STRING,
            "type": TYPE_ATTR,
        },
    )
)
_register(
    Schema(
        "SMBCustomerUserRO",
        "SMBCustomerUser",
        {
            "type": TYPE_ATTR,
            "name": NAME_ATTR,
            **_strings("login firstName lastName businessPartnerNo preferredLanguage"),
            **_strings("phoneBusiness phoneMobile department title"),
            "birthday": _NULLABLE_STRING,
            "preferredPaymentInstrument": Field("object", ref="PaymentRO"),
            **_strings("phoneHome fax email"),
            "active": Field("boolean"),
            **_nullable_strings("preferredInvoiceToAddressUrn preferredShipToAddressUrn"),
        },
    )
)
_COLLECTION_TAIL = {
    "type": TYPE_ATTR,
    "sortKeys": Field("array", item_kind="string", wrapped=True, item_xml_name="sortKey"),
    "name": NAME_ATTR,
}
_register(
    Schema(
        "ResourceCollectionROLinkRO",
        "ResourceCollection",
        {
            "pageable": STRING,
            "total": Field("integer"),
            "offset": Field("integer"),
            "amount": Field("integer"),
            "elements": Field("array", ref="LinkRO", wrapped=True),
            **_COLLECTION_TAIL,
        },
    )
)
_register(
    Schema(
        "LinkROResourceCollectionRO",
        "ResourceCollection",
        dict(SCHEMAS["ResourceCollectionROLinkRO"].fields),
    )
)
_register(
    Schema(
        "PaymentOptionRO",
        "PaymentOption",
        {
            "name": NAME_ATTR,
            "type": TYPE_ATTR,
            "id": STRING,
            "displayName": STRING,
            "applicability": STRING,
            "restrictions": Field(
                "array", item_kind="string", wrapped=True, item_xml_name="restriction"
            ),
            "paymentParameters": Field(
                "array", ref="GenericPropertyROObject", wrapped=True, xml_name="parameters"
            ),
        },
    )
)
_register(
    Schema(
        "PaymentOptionsForMethodRO",
        "PaymentOptionsForMethodRO",
        {
            "name": NAME_ATTR,
            "type": TYPE_ATTR,
            "payments": Field("array", ref="PaymentOptionRO"),
            "method": STRING,
        },
    )
)
_register(
    Schema(
        "PaymentOptionsRO",
        "PaymentOptions",
        {
            "name": NAME_ATTR,
            "type": TYPE_ATTR,
            "methods": Field("array", ref="PaymentOptionsForMethodRO"),
        },
    )
)
_register(
    Schema(
        "UserLinkRO",
        "Link",
        {
            "type": TYPE_ATTR,
            "name": NAME_ATTR,
            "login": STRING,
            "uri": STRING,
            "attributes": Field("array", ref="ResourceAttribute", wrapped=True),
            "attribute": Field("object", ref="ResourceAttribute"),
        },
    )
)
_register(
    Schema(
        "UserLinkROCollection",
        "ResourceCollection",
        {
            "type": TYPE_ATTR,
            "name": NAME_ATTR,
            "amount": Field("integer"),
            "elements": Field("array", ref="UserLinkRO", wrapped=True),
            "pageable": STRING,
            "total": Field("integer"),
            "offset": Field("integer"),
            "limit": Field("integer"),
            "filter": STRING,
            "sortKeys": _COLLECTION_TAIL["sortKeys"],
        },
    )
)
_register(
    Schema(
        "SMBCustomerUserROCollection",
        "SMBCustomerUserCollection",
        {
            "type": TYPE_ATTR,
            "name": NAME_ATTR,
            # Not wrapped: every user is a repeated <SMBCustomerUser> child of the root.
            "elements": Field("array", ref="SMBCustomerUserRO", xml_name="SMBCustomerUser"),
        },
    )
)
_register(
    Schema(
        "GiftCardAndCertificateRO",
        "GiftCardAndCertificate",
        {
            "name": NAME_ATTR,
            "type": TYPE_ATTR,
            "currency": STRING,
            "amount": Field("number"),
            "amountRemaining": Field("number"),
        },
    )
)


def schema(name: str) -> Schema:
    """Return the resource object shape called ``name`` (a KeyError names an unknown shape)."""
    return SCHEMAS[name]
