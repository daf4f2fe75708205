"""Catalogue of seeded faults: named, single deviations of the reference server from the contract.

A fault makes the server misbehave in exactly one documented way, so that a test can prove the
suite notices that deviation. Resource handlers call ``RequestContext.fault(name)``, and the app
compares ``Settings.fault``, at the one point where the faulty variant deviates.

To add a fault, append a ``Fault`` to ``_CATALOGUE`` and branch on its name where the
deviation happens.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """A named deviation from the contract that the reference server can be started with."""

    name: str
    category: str
    description: str


_CATALOGUE: tuple[Fault, ...] = (
    Fault(
        "schema-wrong-type",
        "schema",
        "Addresses carry postalCode as a JSON number instead of a string.",
    ),
    Fault(
        "status-undocumented",
        "status",
        "Creating a new address responds with 202, a status the contract does not document.",
    ),
    Fault(
        "error-key-missing",
        "error-key",
        "A rejected address creation (400) carries no error-key header.",
    ),
    Fault(
        "error-key-undocumented",
        "error-key",
        "A rejected address creation (400) carries an error-key the contract does not list.",
    ),
    Fault(
        "auth-token-missing",
        "authentication",
        "No response carries the authentication-token header.",
    ),
    Fault(
        "content-type-wrong",
        "media-type",
        "JSON response bodies are labelled text/plain.",
    ),
    Fault(
        "xml-malformed",
        "media-type",
        "XML response bodies are not well-formed (the root element is never closed).",
    ),
    Fault(
        "xml-wrong-root",
        "media-type",
        "XML response bodies use a root element other than the schema's xml name.",
    ),
    Fault(
        "xml-as-json",
        "media-type",
        "A request that accepts only text/xml gets a JSON body.",
    ),
    Fault(
        "address-not-stored",
        "state",
        "Address creation responds with 201 and a Link, but the address is never stored.",
    ),
    Fault(
        "address-update-lost",
        "state",
        "Address update responds with 200 and the new data, but the stored address is unchanged.",
    ),
    Fault(
        "address-delete-ignored",
        "state",
        "Address deletion responds with 204, but the address stays.",
    ),
    Fault(
        "address-duplicate-created",
        "state",
        "A duplicate address is stored a second time and the response is 201 instead of 200.",
    ),
    Fault(
        "address-last-deletable",
        "state",
        "The customer's last address can be deleted (204 instead of 409).",
    ),
    Fault(
        "cross-customer-read",
        "authorization",
        "GET with another customer's explicit key serves that customer's data.",
    ),
    Fault(
        "auth-not-required",
        "authorization",
        "Anonymous GET requests on the current customer ('-') are served the site's first "
        "demo customer instead of 401.",
    ),
    Fault(
        "token-invalid-accepted",
        "authentication",
        "An invalid authentication-token is treated as anonymous instead of responding with 400.",
    ),
    Fault(
        "readonly-field-changes",
        "schema",
        "A profile update stores the read-only fields customerType and customerNo.",
    ),
    Fault(
        "paging-ignores-limit",
        "paging",
        "The users list ignores the limit parameter and returns every user from offset on.",
    ),
    Fault(
        "batch-207-no-header",
        "status",
        "A partially successful user batch responds with 207 without the not-created-users header.",
    ),
    Fault(
        "server-error-on-edge",
        "robustness",
        "Creating an address with an empty required field responds with 500 instead of 400.",
    ),
    Fault(
        "link-absolute-uri",
        "links",
        "Links to created addresses carry an absolute URL instead of a URI relative to "
        "/INTERSHOP/rest/WFS/.",
    ),
)

FAULTS: dict[str, Fault] = {fault.name: fault for fault in _CATALOGUE}


def validate_fault(name: str | None) -> str | None:
    """Return ``name`` unchanged if it names a known fault (or is None), else raise ValueError."""
    if name is None or name in FAULTS:
        return name
    known = ", ".join(sorted(FAULTS))
    raise ValueError(f"unknown fault {name!r}; choose one of: {known}")
