"""Probes: short flows, one behaviour each, that the other flows and generated cases never reach.

They cover URL conventions: ``-`` as the current customer or user, matrix
parameters and an undocumented method. They send unknown and foreign keys and
a request body in XML. They provoke documented rejections that need particular
data: an address that may not change, a business partner number in use, an
existing login, and a registration assigned to an existing user. One probe
needs a site with simple accounts switched off.

Every flow's name starts with ``probe-``, so ``-k probe`` selects them all.
Against the embedded server some probes use demo data or a second server
instance with other options; against a real target those probes are skipped
with the reason.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
from typing import Any

from hypothesis import strategies as st

from conformance import generators
from conformance.checks import Exchange
from conformance.config import B2B_SITE, embedded_accounts
from conformance.contract import OperationInfo
from conformance.flows.addresses import unique_address
from conformance.flows.base import (
    BUSINESS,
    JSON,
    PRIVATE,
    Flow,
    FlowAborted,
    Principal,
    Steps,
    body_of,
    describe,
    differences,
    element_ids,
    item_id,
    snippet,
)
from conformance.target import Target

logger = logging.getLogger(__name__)

XML = "text/xml"
CURRENT = {"CustomerKey": "-"}
# Path keys that "-" fills, so a request needs no item the account may lack.
CURRENT_KEYS = ("CustomerKey", "CustomerItemUserKey")
# No operation of the Customer REST API 1.2.1 uses this method.
UNDOCUMENTED_METHOD = "PATCH"
APP_MATRIX = ";loc=en_US;cur=USD"
SEGMENT_MATRIX = ";loc=de_DE"

PROFILE = "/{segment}/{{CustomerKey}}"
USER = "/customers/{CustomerKey}/users/{CustomerItemUserKey}"
BUSINESS_CARDS = f"{USER}/giftcardsandcertificates"
PRIVATE_CARDS = "/privatecustomers/{CustomerKey}/giftcardsandcertificates"
CARD_KEY = "CustomerGiftCardAndCertificateResourceKey"
BUSINESS_ADDRESS = "/customers/{CustomerKey}/addresses/{CustomerAddressKey}"

NOT_UPDATABLE_KEY = "customer.address.update.error.AddressNotUpdatable"
ALREADY_EXISTS_KEY = "customer.already_exists.error"
SIMPLE_OFF_KEY = "customer.simpleaccount.not_possible.error"
# The embedded server rejects updates of OilCorp's warehouse address, because an external
# system maintains it.
EMBEDDED_NOT_UPDATABLE = "oilcorp-warehouse"
# Address fields that the server sets, so an update body leaves them out.
ADDRESS_IDENTITY = ("type", "name", "urn", "id", "externalId", "externalUrn")
EMBEDDED_ONLY = "needs {what}, which only the embedded reference server provides on demand"

# Business partner numbers must differ between runs and between the examples of one run.
_partner_numbers = itertools.count(1)


def principal(steps: Steps, role: str) -> Principal | None:
    """Return the configured account of ``role`` as a principal, or None."""
    account = steps.target.accounts.get(role)
    return Principal.of(account) if account is not None else None


def unknown_key(steps: Steps) -> str:
    """Return a key that names no customer, user or gift card on any target."""
    return f"icmc-unknown-{steps.run_id}"


def require_setup(steps: Steps, exchange: Exchange, status: int, purpose: str) -> None:
    """Stop the flow with an error when a set-up request does not return ``status``.

    A failed set-up step shows nothing about the requirement that the probe judges,
    so it is an error of the test, not a failure of that requirement.
    """
    received = exchange.response.status_code
    if received == status:
        return
    steps.result.errors.append(
        f"{describe(exchange)} returned {received}, but {purpose} needs {status}.\n"
        f"Received: {snippet(exchange.response)}"
    )
    raise FlowAborted(f"set-up step returned {received}")


def expect_status_and_key(
    steps: Steps, exchange: Exchange, status: int, error_key: str, requirement: str
) -> bool:
    """Expect ``status`` with ``error_key`` in the error-key header."""
    received = exchange.response.status_code
    key = exchange.response.headers.get("error-key")
    return steps.expect(
        received == status and key == error_key,
        requirement,
        exchange,
        f"{exchange.operation.key} returned {received} with error-key {key!r}",
        f"{describe(exchange)} returned {received} with error-key {key!r}; expected {status} "
        f"with {error_key}.\nReceived: {snippet(exchange.response)}",
    )


def expect_same(
    steps: Steps, requirement: str, reference: Exchange, probe: Exchange, variation: str
) -> None:
    """Expect ``probe`` to return the status and JSON body that ``reference`` returned."""
    same_status = probe.response.status_code == reference.response.status_code
    same_body = body_of(probe) == body_of(reference)
    steps.expect(
        same_status and same_body,
        requirement,
        probe,
        f"{probe.operation.key} changes with {variation}",
        f"{describe(probe)} returned {probe.response.status_code}, but {describe(reference)} "
        f"returned {reference.response.status_code}"
        + ("" if same_body else " with another body")
        + f".\nReceived: {snippet(probe.response)}\n"
        f"Expected: {snippet(reference.response)}",
    )


# Method not allowed ------------------------------------------------------------------------


def method_probe_targets(steps: Steps) -> list[tuple[str, Principal | None, str]]:
    """Return (path, principal, base URL) for each documented path that "-" keys can fill.

    Registration paths are sent anonymously. Paths of the other collections need
    the account that owns them, and are left out when it is not configured.
    """
    probes: list[tuple[str, Principal | None, str]] = []
    owners = {PRIVATE: principal(steps, "private"), BUSINESS: principal(steps, "admin")}
    for path, item in steps.context.contract.effective["paths"].items():
        keys = re.findall(r"\{(\w+)\}", path)
        if UNDOCUMENTED_METHOD.lower() in item or any(key not in CURRENT_KEYS for key in keys):
            continue
        if not keys:
            probes.append((path, None, steps.target.base_for(path)))
            continue
        owner = owners.get(path.strip("/").split("/", 1)[0])
        if owner is not None:
            probes.append((path, owner, owner.base_url))
    return probes


def fill_current_keys(path: str) -> str:
    """Return ``path`` with "-" for each customer and user key."""
    for key in CURRENT_KEYS:
        path = path.replace(f"{{{key}}}", "-")
    return path


def probe_operation(path: str) -> OperationInfo:
    """Describe the undocumented request for the recorder; it is no contract operation."""
    return OperationInfo(
        method=UNDOCUMENTED_METHOD,
        path=path,
        operation_id=f"{UNDOCUMENTED_METHOD.lower()}-probe",
        published_operation_id="",
        tag="General",
        statuses=(405,),
        error_keys={},
        error_key_patterns={},
        requires_login=False,
        request_media_types=(JSON,),
    )


class MethodNotAllowedFlow(Flow):
    """PATCH, which no operation uses, on every documented path: 405 each time."""

    name = "probe-method-not-allowed"
    roles = ("private",)

    def run(self, steps: Steps, data: st.DataObject) -> None:
        for path, who, base_url in method_probe_targets(steps):
            url = base_url + fill_current_keys(path)
            headers = {"Accept": JSON, "Content-Type": JSON, **steps.auth(who)}
            exchange = steps.send_raw(
                UNDOCUMENTED_METHOD, url, probe_operation(path), headers=headers, data=b"{}"
            )
            status = exchange.response.status_code
            steps.expect(
                status == 405,
                "GENERAL-METHOD-NOT-ALLOWED",
                exchange,
                f"{UNDOCUMENTED_METHOD} {path} returned {status}",
                f"{describe(exchange)} returned {status}; the contract documents no "
                f"{UNDOCUMENTED_METHOD} on this path, so expected 405.\n"
                f"Received: {snippet(exchange.response)}",
            )


# URL conventions ---------------------------------------------------------------------------


def check_current_customer(steps: Steps, who: Principal) -> None:
    """Read the profile by "-" and by the customer number it names: both are the same."""
    operation = "GET " + PROFILE.format(segment=who.segment)
    current = steps.call(operation, who, path=CURRENT)
    steps.require_status(current, {200}, "CURRENT-ALIAS")
    customer_no = (body_of(current) or {}).get("customerNo")
    steps.require(
        isinstance(customer_no, str) and bool(customer_no),
        "CURRENT-ALIAS",
        current,
        "Current customer has no customerNo",
        f"{describe(current)} returned no customerNo to compare with.\n"
        f"Received: {snippet(current.response)}",
    )
    explicit = steps.call(operation, who, path={"CustomerKey": str(customer_no)})
    expect_same(steps, "CURRENT-ALIAS", current, explicit, f'"-" replaced by {customer_no!r}')


def check_current_user(steps: Steps, who: Principal) -> None:
    """Read ``users/-``: it is the logged-in user, the same as the user read by login."""
    current = steps.call(f"GET {USER}", who, path={**CURRENT, "CustomerItemUserKey": "-"})
    login = (body_of(current) or {}).get("login")
    steps.expect(
        current.response.status_code == 200
        and isinstance(login, str)
        and login.casefold() == who.login.casefold(),
        "CURRENT-ALIAS",
        current,
        "users/- is not the logged-in user",
        f"{describe(current)} as {who.login} returned {current.response.status_code} with "
        f"login {login!r}; expected 200 with {who.login!r}.",
    )
    named = steps.call(f"GET {USER}", who, path={**CURRENT, "CustomerItemUserKey": who.login})
    expect_same(steps, "CURRENT-ALIAS", current, named, f'"-" replaced by {who.login!r}')


def check_matrix_parameters(steps: Steps, who: Principal) -> None:
    """Add matrix parameters to the app segment and to a key segment: nothing changes."""
    profile = "GET /customers/{CustomerKey}"
    plain = steps.call(profile, who, path=CURRENT)
    require_setup(steps, plain, 200, "the comparison with matrix parameters")
    on_app = steps.call(profile, who, path=CURRENT, base_url=who.base_url + APP_MATRIX)
    expect_same(steps, "MATRIX-PARAMETERS", plain, on_app, f"{APP_MATRIX} on the app segment")

    addresses = "GET " + PROFILE.format(segment=who.segment) + "/addresses"
    listed = steps.call(addresses, who, path=CURRENT)
    require_setup(steps, listed, 200, "the comparison with matrix parameters")
    # NOTE: Schemathesis leaves ";" and "=" in path parameters unencoded, which puts the
    # matrix parameter on the key segment as ICM clients send it.
    on_key = steps.call(addresses, who, path={"CustomerKey": "-" + SEGMENT_MATRIX})
    expect_same(steps, "MATRIX-PARAMETERS", listed, on_key, f"{SEGMENT_MATRIX} on the key segment")


class UrlConventionsFlow(Flow):
    """The key "-" for the current customer and user, and matrix parameters, per account."""

    name = "probe-url-conventions"
    roles = ("private",)
    writes = False

    def run(self, steps: Steps, data: st.DataObject) -> None:
        for role in ("private", "admin"):
            who = principal(steps, role)
            if who is None:
                continue
            check_current_customer(steps, who)
            if who.segment == BUSINESS:
                check_current_user(steps, who)
            check_matrix_parameters(steps, who)


# Unknown and foreign keys ------------------------------------------------------------------


def expect_not_found(
    steps: Steps, who: Principal, operation: str, path: dict[str, str], requirement: str
) -> None:
    exchange = steps.call(operation, who, path=path, mode="expected-error")
    steps.expect_status(exchange, {404}, requirement)


class UnknownKeysFlow(Flow):
    """Customer, user and gift card keys that do not exist: 404 each time."""

    name = "probe-unknown-keys"
    roles = ("private",)
    writes = False

    def run(self, steps: Steps, data: st.DataObject) -> None:
        unknown = unknown_key(steps)
        private = principal(steps, "private")
        assert private is not None
        for segment in (PRIVATE, BUSINESS):
            operation = "GET " + PROFILE.format(segment=segment)
            expect_not_found(
                steps, private, operation, {"CustomerKey": unknown}, "CUSTOMER-GET-404"
            )
        cards = {"CustomerKey": unknown}
        expect_not_found(steps, private, f"GET {PRIVATE_CARDS}", cards, "GIFTCARD-LIST-404")
        card = {**CURRENT, CARD_KEY: unknown}
        item = f"GET {PRIVATE_CARDS}/{{{CARD_KEY}}}"
        expect_not_found(steps, private, item, card, "GIFTCARD-GET-404")

        admin = principal(steps, "admin")
        if admin is None:
            return
        user = {**CURRENT, "CustomerItemUserKey": unknown}
        expect_not_found(steps, admin, f"GET {BUSINESS_CARDS}", user, "GIFTCARD-LIST-404")
        card = {**CURRENT, "CustomerItemUserKey": "-", CARD_KEY: unknown}
        item = f"GET {BUSINESS_CARDS}/{{{CARD_KEY}}}"
        expect_not_found(steps, admin, item, card, "GIFTCARD-GET-404")


def other_user_login(steps: Steps, admin: Principal, buyer: Principal | None) -> str | None:
    """Return the login of another user of the admin's customer: the buyer, else one listed."""
    if buyer is not None:
        return buyer.login
    listed = steps.call("GET /customers/{CustomerKey}/users", admin, path=CURRENT)
    for element in (body_of(listed) or {}).get("elements") or []:
        login = element.get("login") if isinstance(element, dict) else None
        if isinstance(login, str) and login.casefold() != admin.login.casefold():
            return login
    return None


def own_card(steps: Steps, who: Principal) -> str | None:
    """Return the number of a gift card that ``who`` lists as their own."""
    own = {**CURRENT, "CustomerItemUserKey": "-"}
    numbers = element_ids(steps.call(f"GET {BUSINESS_CARDS}", who, path=own))
    return numbers[0] if numbers else None


class OtherUserCardsFlow(Flow):
    """The admin reads another user's gift cards by that user's login: 403."""

    name = "probe-other-user-cards"
    roles = ("admin",)
    writes = False

    def run(self, steps: Steps, data: st.DataObject) -> None:
        admin = principal(steps, "admin")
        assert admin is not None
        buyer = principal(steps, "buyer")
        other = other_user_login(steps, admin, buyer)
        if other is None:
            logger.info("%s: the admin's customer has no other user; nothing to probe", self.name)
            return
        path = {**CURRENT, "CustomerItemUserKey": other}
        listed = steps.call(f"GET {BUSINESS_CARDS}", admin, path=path, mode="expected-error")
        steps.expect_status(listed, {403}, "GIFTCARD-LIST-403")
        # A target may reject a card that does not exist with 404 before the owner is checked,
        # so the item probe needs a card that the other user lists, which only the buyer's
        # login can read.
        number = own_card(steps, buyer) if buyer is not None else None
        if number is None:
            logger.info("%s: no gift card of %s is known; item probe left out", self.name, other)
            return
        item = f"GET {BUSINESS_CARDS}/{{{CARD_KEY}}}"
        read = steps.call(item, admin, path={**path, CARD_KEY: number}, mode="expected-error")
        steps.expect_status(read, {403}, "GIFTCARD-GET-403")


# XML request body --------------------------------------------------------------------------


def post_xml_address(steps: Steps, data: st.DataObject, who: Principal) -> None:
    """Post an address as text/xml: 201, and its Link resolves to the posted content."""
    collection = "/" + who.segment + "/{CustomerKey}/addresses"
    sent = unique_address(data, steps.run_id, "XML address")
    operation = steps.context.operations[f"POST {collection}"]
    # Schemathesis writes the XML from the schema's xml hints: <Address> with child elements.
    case = operation.Case(path_parameters=dict(CURRENT), body=sent, media_type=XML)
    created = steps.send_case(case, who)
    sent_type = created.response.request.headers.get("Content-Type", "")
    if not sent_type.startswith(XML):
        steps.result.errors.append(
            f"{describe(created)} was meant to carry a {XML} body but was sent as {sent_type!r}"
        )
        raise FlowAborted("address not sent as XML")
    steps.require_status(created, {201}, "XML-REQUEST-ACCEPTED")

    link = body_of(created)
    problems = stored_differences(steps, who, link, sent)
    steps.expect(
        not problems,
        "XML-REQUEST-ACCEPTED",
        created,
        "Address posted as XML not stored as sent",
        f"{describe(created)} with a text/xml body returned 201, but the address its Link "
        "names differs from the one sent:\n" + "\n".join(problems),
    )

    address_id = item_id(link)
    if address_id:
        steps.call(
            f"DELETE {collection}/{{CustomerAddressKey}}",
            who,
            path={**CURRENT, "CustomerAddressKey": address_id},
        )


def stored_differences(steps: Steps, who: Principal, link: Any, sent: dict[str, Any]) -> list[str]:
    """Follow ``link`` and return how the resource it names differs from ``sent``."""
    uri = str(link.get("uri", "")) if isinstance(link, dict) else ""
    if not uri:
        return ["the 201 body has no Link uri"]
    followed = steps.follow(uri, who)
    if followed.status_code != 200:
        return [f"GET {followed.url} returned {followed.status_code}"]
    return differences(sent, body_of(followed))


class XmlAddressFlow(Flow):
    """An address posted as text/xml by each account, then deleted again."""

    name = "probe-xml-address"
    roles = ("private",)

    def run(self, steps: Steps, data: st.DataObject) -> None:
        for role in ("private", "admin"):
            who = principal(steps, role)
            if who is not None:
                post_xml_address(steps, data, who)


# Documented rejections that need particular data -------------------------------------------


class NotUpdatableAddressFlow(Flow):
    """Update an address that an external system maintains: 403, and the address stays."""

    name = "probe-address-not-updatable"
    roles = ("admin",)

    def skip_reason(self, steps: Steps) -> str | None:
        if steps.context.settings.embedded:
            return None
        # TODO: accept the key of such an address of a real target as a setting.
        return EMBEDDED_ONLY.format(what="an address that may not be updated")

    def run(self, steps: Steps, data: st.DataObject) -> None:
        admin = principal(steps, "admin")
        assert admin is not None
        path = {**CURRENT, "CustomerAddressKey": EMBEDDED_NOT_UPDATABLE}
        before = steps.call(f"GET {BUSINESS_ADDRESS}", admin, path=path)
        require_setup(steps, before, 200, "the update of a maintained address")
        stored = body_of(before) or {}
        change = {key: value for key, value in stored.items() if key not in ADDRESS_IDENTITY}
        change["addressLine2"] = f"Probe {steps.run_id}"
        rejected = steps.call(
            f"PUT {BUSINESS_ADDRESS}", admin, path=path, body=change, mode="expected-error"
        )
        expect_status_and_key(steps, rejected, 403, NOT_UPDATABLE_KEY, "ADDRESS-UPDATE-403")
        after = steps.call(f"GET {BUSINESS_ADDRESS}", admin, path=path)
        steps.expect(
            body_of(after) == stored,
            "ADDRESS-UPDATE-403",
            after,
            "Rejected address update changed the address",
            f"{describe(after)} after a rejected update returned another address.\n"
            f"Before: {snippet(before.response)}\nAfter: {snippet(after.response)}",
        )


def user_with_partner_number(steps: Steps, data: st.DataObject, label: str) -> dict[str, Any]:
    """Draw a business user with a business partner number that no other user has."""
    user = data.draw(generators.user_values(steps.run_id), label=label)
    user["businessPartnerNo"] = f"ICMC-{steps.run_id}-{next(_partner_numbers)}"
    return user


class UserConflictsFlow(Flow):
    """A user with an unacceptable login (400), and a partner number another user has (409)."""

    name = "probe-user-conflicts"
    roles = ("admin",)

    def run(self, steps: Steps, data: st.DataObject) -> None:
        admin = principal(steps, "admin")
        assert admin is not None
        users = "POST /customers/{CustomerKey}/users"
        invalid = data.draw(generators.user_values(steps.run_id), label="invalid user")
        # NOTE: this assumes that the target rejects logins with blanks, as the reference
        # server does. A site's login rules may differ.
        invalid["login"] = f"icmc {steps.run_id} not a login"
        rejected = steps.call(
            users, admin, path=CURRENT, body={"elements": [invalid]}, mode="expected-error"
        )
        steps.expect_status(rejected, {400}, "USER-CREATE-400")

        first = user_with_partner_number(steps, data, "first user")
        second = user_with_partner_number(steps, data, "second user")
        created = steps.call(users, admin, path=CURRENT, body={"elements": [first, second]})
        require_setup(steps, created, 201, "the business partner number conflict")
        try:
            self._update_to_taken_number(steps, admin, first, second["businessPartnerNo"])
        finally:
            for user in (first, second):
                steps.call(
                    f"DELETE {USER}", admin, path={**CURRENT, "CustomerItemUserKey": user["login"]}
                )

    def _update_to_taken_number(
        self, steps: Steps, admin: Principal, user: dict[str, Any], taken: str
    ) -> None:
        path = {**CURRENT, "CustomerItemUserKey": user["login"]}
        read = steps.call(f"GET {USER}", admin, path=path)
        require_setup(steps, read, 200, "the business partner number conflict")
        current = {k: v for k, v in (body_of(read) or {}).items() if k not in ("type", "name")}
        rejected = steps.call(
            f"PUT {USER}",
            admin,
            path=path,
            body={**current, "businessPartnerNo": taken},
            mode="expected-error",
        )
        steps.expect_status(rejected, {409}, "USER-UPDATE-409")
        again = steps.call(f"GET {USER}", admin, path=path)
        kept = (body_of(again) or {}).get("businessPartnerNo")
        steps.expect(
            kept == user["businessPartnerNo"],
            "USER-UPDATE-409",
            again,
            "Conflicting business partner number stored",
            f"{describe(again)} after a PUT with another user's business partner number "
            f"{taken!r} shows {kept!r}; expected the unchanged {user['businessPartnerNo']!r}.",
        )


# Registration ------------------------------------------------------------------------------


class SimpleAccountConflictFlow(Flow):
    """Request a simple account for the configured private login: 409 customer.already_exists.

    A site with simple accounts switched off returns 501 instead, which shows
    PRIVATE-CUSTOMER-SIMPLE-501 but leaves the conflict unjudged.
    """

    name = "probe-simple-account-conflict"
    # A faulty target could register a customer here, which the API cannot delete.
    registers = True
    roles = ("private",)

    def run(self, steps: Steps, data: st.DataObject) -> None:
        private = principal(steps, "private")
        assert private is not None
        # A drawn password, because the account's own one must not travel in a request that
        # is meant to fail.
        password = data.draw(generators.passwords(), label="password")
        steps.add_secret(password)
        exchange = steps.call(
            "POST /privatecustomers/simple",
            None,
            body={"login": private.login, "password": password},
            base_url=steps.target.base_url,
            mode="expected-error",
        )
        if exchange.response.status_code == 501:
            logger.info("%s: the site has simple accounts switched off", self.name)
            expect_status_and_key(
                steps, exchange, 501, SIMPLE_OFF_KEY, "PRIVATE-CUSTOMER-SIMPLE-501"
            )
            return
        expect_status_and_key(
            steps, exchange, 409, ALREADY_EXISTS_KEY, "PRIVATE-CUSTOMER-SIMPLE-409"
        )


class SimpleAccountsOffFlow(Flow):
    """On a second embedded server with simple accounts switched off: 501, and no account."""

    name = "probe-simple-accounts-off"
    # A faulty target could register a customer here, which the API cannot delete.
    registers = True

    def skip_reason(self, steps: Steps) -> str | None:
        if steps.context.settings.embedded:
            return None
        return EMBEDDED_ONLY.format(what="a site with simple accounts switched off")

    def run(self, steps: Steps, data: st.DataObject) -> None:
        from conformance.server import ReferenceServer

        settings = steps.context.settings
        server = ReferenceServer(
            host="127.0.0.1", port=0, fault=settings.server_fault, simple_registration=False
        )
        server.start()
        try:
            base_url = server.base_url()
            accounts = embedded_accounts(base_url, server.base_url(site=B2B_SITE))
            target = Target(
                dataclasses.replace(settings, accounts=accounts),
                base_url,
                server.base_url(site=B2B_SITE),
            )
            probe_simple_accounts_off(Steps(steps.context, steps.result, self.name, target), data)
        finally:
            server.stop()


def probe_simple_accounts_off(steps: Steps, data: st.DataObject) -> None:
    """Request a simple account for a new login: 501, and the login does not work."""
    login = data.draw(generators.logins(steps.run_id), label="login")
    password = data.draw(generators.passwords(), label="password")
    steps.add_secret(password)
    rejected = steps.call(
        "POST /privatecustomers/simple",
        None,
        body={"login": login, "password": password},
        base_url=steps.target.base_url,
        mode="expected-error",
    )
    expect_status_and_key(steps, rejected, 501, SIMPLE_OFF_KEY, "PRIVATE-CUSTOMER-SIMPLE-501")
    who = Principal(login, password, steps.target.base_url, PRIVATE)
    login_attempt = steps.call(
        "GET /customers/{CustomerKey}", who, path=CURRENT, mode="expected-error"
    )
    steps.expect(
        login_attempt.response.status_code == 401,
        "PRIVATE-CUSTOMER-SIMPLE-501",
        login_attempt,
        "Rejected simple account can log in",
        f"{describe(login_attempt)} with the credentials of a simple account request that "
        f"returned {rejected.response.status_code} returned "
        f"{login_attempt.response.status_code}; expected 401.",
    )


def assignment_cases(steps: Steps) -> list[tuple[str, str, Principal | None, str | None]]:
    """Return (operation, base URL, logged-in user, another user's login) per registration."""
    private, admin, buyer = (principal(steps, role) for role in ("private", "admin", "buyer"))
    others = {
        "private": next((who.login for who in (admin, buyer) if who is not None), None),
        "admin": next((who.login for who in (buyer, private) if who is not None), None),
    }
    return [
        ("POST /customers", steps.target.business_base_url, admin, others["admin"]),
        ("POST /privatecustomers", steps.target.base_url, private, others["private"]),
    ]


class RegistrationAssignmentFlow(Flow):
    """Register a customer for an existing user: 401 anonymous, 403 for another user.

    The body carries only ``userId``, as the contract allows for this case, so a
    target that ignores ``userId`` rejects the incomplete registration instead of
    creating a customer.
    """

    name = "probe-registration-assignment"
    # A faulty target could register a customer here, which the API cannot delete.
    registers = True
    roles = ("private",)

    def run(self, steps: Steps, data: st.DataObject) -> None:
        for operation, base_url, who, other in assignment_cases(steps):
            # NOTE: ICM identifies users by an ID that the Customer API does not show. The
            # probes name users by login instead, which a target may reject as unknown.
            existing = who.login if who is not None else other
            if existing is None:
                continue
            anonymous = steps.call(
                operation,
                None,
                body={"userId": existing},
                base_url=base_url,
                mode="expected-error",
            )
            steps.expect_status(anonymous, {401}, "CUSTOMER-CREATE-401")
            if who is None or other is None:
                continue
            foreign = steps.call(
                operation, who, body={"userId": other}, base_url=base_url, mode="expected-error"
            )
            steps.expect_status(foreign, {403}, "CUSTOMER-CREATE-403")


PROBE_FLOWS = (
    MethodNotAllowedFlow,
    UrlConventionsFlow,
    UnknownKeysFlow,
    OtherUserCardsFlow,
    XmlAddressFlow,
    NotUpdatableAddressFlow,
    UserConflictsFlow,
    SimpleAccountConflictFlow,
    SimpleAccountsOffFlow,
    RegistrationAssignmentFlow,
)
