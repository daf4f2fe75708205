"""Catalogue of seeded faults: named, single deviations of the reference server from the contract.

A fault makes the server misbehave in exactly one documented way, so that a test can prove the
suite notices that deviation. Resource handlers call ``RequestContext.fault(name)``, and the app
compares ``Settings.fault``, at the one point where the faulty variant deviates.

To add a fault, append a ``Fault`` to ``_CATALOGUE`` and branch on its name where the
deviation happens; ``tests/server/test_faults.py`` needs a probe that observes it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Categories, in the order ``icm-conformance serve --list-faults`` and the self-test report them.
CATEGORIES = (
    "schema",
    "status",
    "headers",
    "media-type",
    "authentication",
    "authorization",
    "state",
    "paging",
    "validation",
    "links",
    "urls",
    "registration",
)


@dataclass(frozen=True)
class Fault:
    """A named deviation from the contract that the reference server can be started with.

    ``catches`` lists the ids of the conformance requirements (see the suite's requirement
    catalogue) whose checks must report the deviation; the self-test compares them with the
    requirements a run against the faulty server actually reports as broken.
    """

    name: str
    category: str
    description: str
    catches: tuple[str, ...]


_CATALOGUE: tuple[Fault, ...] = (
    # Response schemas ----------------------------------------------------------------------
    Fault(
        "schema-wrong-type",
        "schema",
        "Addresses carry postalCode as a JSON number instead of a string.",
        ("GENERAL-RESPONSE-SCHEMA",),
    ),
    Fault(
        "schema-array-as-object",
        "schema",
        "The address list carries its elements as an object keyed by address ID instead of "
        "an array.",
        ("GENERAL-RESPONSE-SCHEMA",),
    ),
    Fault(
        "schema-amount-as-string",
        "schema",
        "Gift cards carry amount and amountRemaining as strings instead of numbers.",
        ("GENERAL-RESPONSE-SCHEMA",),
    ),
    # Status codes --------------------------------------------------------------------------
    Fault(
        "status-undocumented",
        "status",
        "Creating a new address responds with 202, a status the contract does not document.",
        ("GENERAL-STATUS-DOCUMENTED",),
    ),
    Fault(
        "address-create-200",
        "status",
        "Creating a new address responds with 200, the status documented for a duplicate, "
        "instead of 201.",
        ("ADDRESS-CREATE-201",),
    ),
    Fault(
        "payment-create-200",
        "status",
        "Saving a new payment instrument responds with 200 instead of 201.",
        ("GENERAL-STATUS-DOCUMENTED", "PAYMENT-CREATE-201"),
    ),
    Fault(
        "server-error-on-edge",
        "status",
        "Creating an address with an empty required field responds with 500 instead of 400.",
        ("GENERAL-NO-SERVER-ERROR",),
    ),
    Fault(
        "server-error-on-unknown-address",
        "status",
        "A request on an address ID that does not exist responds with 500 instead of 404.",
        ("GENERAL-NO-SERVER-ERROR", "ADDRESS-DELETE-204"),
    ),
    # Headers -------------------------------------------------------------------------------
    Fault(
        "error-key-missing",
        "headers",
        "A rejected address creation (400) carries no error-key header.",
        ("ERROR-KEY-PRESENT",),
    ),
    Fault(
        "error-key-undocumented",
        "headers",
        "A rejected address creation (400) carries an error-key the contract does not list.",
        ("ERROR-KEY-DOCUMENTED",),
    ),
    Fault(
        "error-key-missing-404",
        "headers",
        "Reading an address that does not exist (404) carries no error-key header.",
        ("ERROR-KEY-PRESENT",),
    ),
    Fault(
        "auth-token-missing",
        "headers",
        "No response carries the authentication-token header.",
        ("AUTH-TOKEN-HEADER",),
    ),
    Fault(
        "auth-token-missing-on-errors",
        "headers",
        "Responses with a 4xx status carry no authentication-token header.",
        ("AUTH-TOKEN-HEADER",),
    ),
    Fault(
        "content-type-wrong",
        "headers",
        "JSON response bodies are labelled text/plain.",
        ("GENERAL-CONTENT-TYPE",),
    ),
    Fault(
        "content-type-missing-on-errors",
        "headers",
        "Error responses with a 4xx status carry a body but no Content-Type header.",
        ("GENERAL-CONTENT-TYPE",),
    ),
    Fault(
        "batch-207-no-header",
        "headers",
        "A partially successful user batch responds with 207 without the not-created-users header.",
        ("USER-CREATE-207",),
    ),
    # Content negotiation and XML -----------------------------------------------------------
    Fault(
        "xml-malformed",
        "media-type",
        "XML response bodies are not well-formed (the root element is never closed).",
        ("XML-WELL-FORMED",),
    ),
    Fault(
        "xml-wrong-root",
        "media-type",
        "XML response bodies use a root element other than the schema's xml name.",
        ("XML-MATCHES-SCHEMA",),
    ),
    Fault(
        "xml-as-json",
        "media-type",
        "A request that accepts only text/xml gets a JSON body.",
        ("XML-WELL-FORMED",),
    ),
    Fault(
        "xml-attribute-as-element",
        "media-type",
        "XML response bodies write the type attribute of the root element as a child element.",
        ("XML-MATCHES-SCHEMA",),
    ),
    Fault(
        "xml-request-rejected",
        "media-type",
        "Request bodies sent as text/xml are refused with 415 although the contract offers XML.",
        ("GENERAL-ACCEPT-VALID", "XML-REQUEST-ACCEPTED"),
    ),
    # Authentication ------------------------------------------------------------------------
    Fault(
        "auth-not-required",
        "authentication",
        "Anonymous GET requests on the current customer ('-') are served the site's first "
        "demo customer instead of 401.",
        ("AUTH-REQUIRED-401",),
    ),
    Fault(
        "options-without-login",
        "authentication",
        "OPTIONS on the payment instruments responds with 200 without a login instead of 401.",
        ("AUTH-REQUIRED-401",),
    ),
    Fault(
        "token-invalid-accepted",
        "authentication",
        "An invalid authentication-token is treated as anonymous instead of responding with 400.",
        ("AUTH-TOKEN-INVALID-400",),
    ),
    Fault(
        "token-never-expires",
        "authentication",
        "An authentication-token past its lifetime still authenticates its user.",
        ("AUTH-TOKEN-EXPIRED",),
    ),
    Fault(
        "token-not-reusable",
        "authentication",
        "The authentication-token of a logged-in response belongs to an anonymous visitor, so "
        "sending it back does not log in.",
        ("AUTH-TOKEN-REUSE",),
    ),
    Fault(
        "bearer-logout-ignored",
        "authentication",
        "PUT /token/logout responds with 204 but the bearer token keeps working.",
        ("AUTH-BEARER",),
    ),
    # Authorization -------------------------------------------------------------------------
    Fault(
        "cross-customer-read",
        "authorization",
        "GET with another customer's explicit key serves that customer's data.",
        ("AUTHZ-CROSS-CUSTOMER",),
    ),
    Fault(
        "cross-customer-write",
        "authorization",
        "PUT, POST and DELETE with another customer's explicit key change that customer's data.",
        ("AUTHZ-CROSS-CUSTOMER",),
    ),
    Fault(
        "buyer-manages-users",
        "authorization",
        "Creating and deleting users does not check the Manage Users permission, so a buyer "
        "can delete users.",
        ("USER-DELETE-PERMISSION-403",),
    ),
    Fault(
        "secret-returned",
        "authorization",
        "The private customer profile carries the login's password in a field named password.",
        ("SECRETS-NOT-RETURNED",),
    ),
    # State ---------------------------------------------------------------------------------
    Fault(
        "address-not-stored",
        "state",
        "Address creation responds with 201 and a Link, but the address is never stored.",
        ("ADDRESS-CREATE-LINK", "ADDRESS-CREATE-201"),
    ),
    Fault(
        "address-update-lost",
        "state",
        "Address update responds with 200 and the new data, but the stored address is unchanged.",
        ("ADDRESS-UPDATE-200",),
    ),
    Fault(
        "address-delete-ignored",
        "state",
        "Address deletion responds with 204, but the address stays.",
        ("ADDRESS-DELETE-204",),
    ),
    Fault(
        "address-duplicate-created",
        "state",
        "A duplicate address is stored a second time and the response is 201 instead of 200.",
        ("ADDRESS-CREATE-DUPLICATE-200",),
    ),
    Fault(
        "address-last-deletable",
        "state",
        "The customer's last address can be deleted (204 instead of 409).",
        ("ADDRESS-DELETE-LAST-409",),
    ),
    Fault(
        "readonly-field-changes",
        "state",
        "A profile update stores the read-only fields customerType and customerNo.",
        ("CUSTOMER-UPDATE-READ-ONLY",),
    ),
    Fault(
        "profile-update-lost",
        "state",
        "A private profile update responds with 200 and the new data, but nothing is stored.",
        ("CUSTOMER-UPDATE-200",),
    ),
    Fault(
        "payment-not-stored",
        "state",
        "Saving a payment instrument responds with 201 and a Link, but nothing is stored.",
        ("PAYMENT-CREATE-201",),
    ),
    Fault(
        "payment-update-partial-accepted",
        "state",
        "A payment instrument update that leaves out parameters keeps their old values instead "
        "of responding with 400.",
        ("PAYMENT-UPDATE-ALL-ATTRIBUTES",),
    ),
    Fault(
        "payment-delete-ignored",
        "state",
        "Deleting a payment instrument responds with 200 and a Link, but the instrument stays.",
        ("PAYMENT-DELETE-200",),
    ),
    Fault(
        "user-update-lost",
        "state",
        "A user update responds with 200 and the new data, but the stored user is unchanged.",
        ("USER-UPDATE-200",),
    ),
    Fault(
        "user-delete-ignored",
        "state",
        "Deleting a user responds with 204, but the user stays.",
        ("USER-DELETE-204",),
    ),
    Fault(
        "gift-card-balance-above-amount",
        "state",
        "Gift cards report an amountRemaining larger than their amount.",
        ("GIFTCARD-AMOUNT-REMAINING",),
    ),
    # Paging, sorting and filtering ---------------------------------------------------------
    Fault(
        "paging-ignores-limit",
        "paging",
        "The users list ignores the limit parameter and returns every user from offset on.",
        ("USER-LIST-PAGING",),
    ),
    Fault(
        "paging-offset-ignored",
        "paging",
        "The users list ignores the offset parameter and always starts with the first user.",
        ("USER-LIST-PAGING",),
    ),
    Fault(
        "sort-descending-ignored",
        "paging",
        "The users list sorts ascending when a sort key is prefixed with '-'.",
        ("USER-LIST-SORT",),
    ),
    Fault(
        "filter-ignored",
        "paging",
        "The users list ignores the filter parameter and lists every user.",
        ("USER-LIST-FILTER",),
    ),
    # Input validation ----------------------------------------------------------------------
    Fault(
        "invalid-body-accepted",
        "validation",
        "Request body properties of the wrong JSON type are ignored instead of rejected with 400.",
        ("GENERAL-REJECT-INVALID",),
    ),
    Fault(
        "invalid-sort-accepted",
        "validation",
        "The users list sorts by name for a sort value outside the documented enum instead of "
        "responding with 400.",
        ("GENERAL-REJECT-INVALID",),
    ),
    Fault(
        "valid-data-rejected",
        "validation",
        "A private profile update with a phone number in international format (leading '+') "
        "is rejected with 400.",
        ("GENERAL-ACCEPT-VALID", "CUSTOMER-UPDATE-200"),
    ),
    # Links ---------------------------------------------------------------------------------
    Fault(
        "link-absolute-uri",
        "links",
        "Links to created addresses carry an absolute URL instead of a URI relative to "
        "/INTERSHOP/rest/WFS/.",
        ("LINK-RESOLVES",),
    ),
    Fault(
        "link-wrong-uri",
        "links",
        "Address Links point below /payments instead of /addresses.",
        ("LINK-RESOLVES", "ADDRESS-CREATE-LINK"),
    ),
    # URLs ----------------------------------------------------------------------------------
    Fault(
        "matrix-breaks-route",
        "urls",
        "A matrix parameter such as ;loc=en_US on a URL segment makes the route respond with 404.",
        ("MATRIX-PARAMETERS",),
    ),
    Fault(
        "method-not-allowed-404",
        "urls",
        "A method the resource does not offer gets 404 instead of 405 with an Allow header.",
        ("GENERAL-METHOD-NOT-ALLOWED",),
    ),
    # Registration --------------------------------------------------------------------------
    Fault(
        "registration-duplicate-login",
        "registration",
        "Registration does not check that the login is free, so a second account with an "
        "existing login is created (201 instead of 409 or 400).",
        ("PRIVATE-CUSTOMER-SIMPLE-409", "PRIVATE-CUSTOMER-CREATE-400"),
    ),
    Fault(
        "registration-credentials-broken",
        "registration",
        "Registration responds with 201, but the new user is stored inactive, so the "
        "submitted credentials do not log in.",
        ("REGISTRATION-CREDENTIALS-WORK",),
    ),
)

FAULTS: dict[str, Fault] = {fault.name: fault for fault in _CATALOGUE}


def validate_fault(name: str | None) -> str | None:
    """Return ``name`` unchanged if it names a known fault (or is None), else raise ValueError."""
    if name is None or name in FAULTS:
        return name
    known = ", ".join(sorted(FAULTS))
    raise ValueError(f"unknown fault {name!r}; choose one of: {known}")
