"""Valid ICM field values, so that positive cases reach the business logic.

The contract types every address and credential field as a free string, but
ICM checks them. An address needs names, a street, a city and a known country.
A login is an e-mail address that is not taken, and a password meets the policy.
These strategies patch the generated bodies of positive cases with such values
and leave every other generated field as Schemathesis drew it.

Every login the suite creates ends in ``@example.invalid`` (a reserved domain
that never delivers mail) and every created name carries the run id, so data
left on a shared system can be recognised.
"""

from __future__ import annotations

import itertools
import string
from typing import Any

from hypothesis import strategies as st

RESERVED_DOMAIN = "example.invalid"
# Countries of the inSPIRED demo with a postal code that ICM's default rules accept.
POSTAL_CODES = {
    "US": st.from_regex(r"\A[0-9]{5}\Z"),
    "DE": st.from_regex(r"\A[0-9]{5}\Z"),
    "GB": st.sampled_from(["SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE"]),
    "FR": st.from_regex(r"\A[0-9]{5}\Z"),
    "NL": st.from_regex(r"\A[1-9][0-9]{3} [A-Z]{2}\Z"),
}
CITIES = ["Jena", "Berlin", "Boston", "London", "Paris", "Utrecht", "Springfield"]
STREETS = ["Intershop Tower", "Main Street 1", "Leutragraben 1", "Baker Street 221b"]
NAME_LETTERS = string.ascii_letters
# Letters only: ICM's default name validators reject digits and most punctuation.
names = st.text(alphabet=NAME_LETTERS, min_size=2, max_size=20).map(str.capitalize)


# Hypothesis replays its simplest example first in every test, so uniqueness comes
# from a process-wide counter instead of drawn values.
_login_numbers = itertools.count(1)


@st.composite
def logins(draw: st.DrawFn, run_id: str) -> str:
    """Draw a unique e-mail login under the reserved test domain, tagged with the run id."""
    local = draw(st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12))
    return f"icmc-{run_id}-{next(_login_numbers)}-{local}@{RESERVED_DOMAIN}"


@st.composite
def passwords(draw: st.DrawFn) -> str:
    """Draw a password of 8 to 20 characters with a letter, a digit and a symbol."""
    letters = draw(st.text(alphabet=string.ascii_letters, min_size=5, max_size=12))
    digits = draw(st.text(alphabet=string.digits, min_size=1, max_size=4))
    symbol = draw(st.sampled_from("!#$%&*+-_?"))
    return f"{letters[0].upper()}{letters[1:]}{digits}{symbol}"


# Address fields ICM requires although the contract marks none as required.
MANDATORY_ADDRESS_FIELDS = ("firstName", "lastName", "addressLine1", "city", "countryCode")


@st.composite
def addresses(draw: st.DrawFn, run_id: str, incomplete: bool = False) -> dict[str, Any]:
    """Draw the address fields ICM checks, with a postal code that fits the country.

    With ``incomplete``, one draw in four leaves out a field ICM requires, so the
    business validation's documented 400 and its error-key are exercised too.
    """
    country = draw(st.sampled_from(sorted(POSTAL_CODES)))
    values = {
        "firstName": draw(names),
        "lastName": f"{draw(names)} {run_id}",
        "addressLine1": draw(st.sampled_from(STREETS)),
        "postalCode": draw(POSTAL_CODES[country]),
        "city": draw(st.sampled_from(CITIES)),
        "countryCode": country,
    }
    if incomplete and draw(st.integers(min_value=0, max_value=3)) == 0:
        del values[draw(st.sampled_from(MANDATORY_ADDRESS_FIELDS))]
    return values


# Fields that the ICM business logic rejects when they hold arbitrary text.
_FREE_TEXT_ADDRESS_FIELDS = (
    "mainDivision",
    "subDivision",
    "country",
    "email",
    "usage",
    "urn",
    "id",
    "type",
    "name",
    "externalId",
    "externalUrn",
    "externalURN",
)


def patch_address(body: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Return ``body`` with the checked address fields replaced by ``values``."""
    replaced = set(_FREE_TEXT_ADDRESS_FIELDS) | set(MANDATORY_ADDRESS_FIELDS) | {"postalCode"}
    patched = {key: value for key, value in body.items() if key not in replaced}
    patched.update(values)
    return patched


@st.composite
def new_customer_values(draw: st.DrawFn, run_id: str, business: bool) -> dict[str, Any]:
    """Draw a registration body: names, an e-mail login, a valid password and an address."""
    login = draw(logins(run_id))
    values: dict[str, Any] = {
        "firstName": draw(names),
        "lastName": f"{draw(names)} {run_id}",
        "email": login,
        "credentials": {"login": login, "password": draw(passwords())},
        "address": draw(addresses(run_id)),
    }
    if business:
        values["companyName"] = f"ICMC {run_id} {draw(names)}"
    return values


@st.composite
def user_values(draw: st.DrawFn, run_id: str) -> dict[str, Any]:
    """Draw a business user: an e-mail login and names."""
    login = draw(logins(run_id))
    return {
        "login": login,
        "email": login,
        "firstName": draw(names),
        "lastName": f"{draw(names)} {run_id}",
        "active": True,
    }


@st.composite
def paging_query(draw: st.DrawFn) -> dict[str, str]:
    """Draw the user list's ``offset`` and ``limit`` as the decimal strings ICM parses."""
    return {
        "offset": str(draw(st.integers(min_value=0, max_value=60))),
        "limit": str(draw(st.integers(min_value=1, max_value=100))),
    }


def unique_iban(country: str = "DE") -> str:
    """Return a syntactically valid IBAN that no earlier call returned."""
    digits = f"{next(_login_numbers):018d}"
    return f"{country}89{digits}"


@st.composite
def payment_values(draw: st.DrawFn, run_id: str) -> dict[str, Any]:
    """Draw a payment instrument of the inSPIRED demo's methods, unique per call."""
    # An unknown method exercises the documented 400 with shopping_cart.payment.name.error.
    method = draw(st.sampled_from(["ISH_DEBIT_TRANSFER", "ISH_DEBIT_TRANSFER", "ICMC_UNKNOWN"]))
    if method != "ISH_DEBIT_TRANSFER":
        return {"name": method}
    return {
        "name": method,
        "parameters": [
            {"name": "holder", "value": f"Conformance {run_id}"},
            {"name": "IBAN", "value": unique_iban()},
        ],
    }
