"""The route table: URL patterns below ``{site}/{app}`` and the operations on each.

The 38 operations of the Customer REST API 1.2.1, plus ``POST /token`` and ``PUT /token/logout``
of the Authentication REST API that issue and revoke bearer tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from conformance.server.context import JSON, XML, Operation, Reply, RequestContext
from conformance.server.resources import (
    addresses,
    customers,
    giftcards,
    payments,
    token,
    users,
)

Handler = Callable[[RequestContext, dict[str, str]], Reply]

ADDRESS_NOT_FOUND = "customer.address.not_found.error"
ADDRESS_GET_NOT_FOUND = "customer.address_not_found.error"
PAYMENT_NOT_FOUND = "payment.instrument.not_found.error"
ADDRESS_MISSING_FIELDS = "customer.address.missing_fields.error"
PAYMENT_INVALID_FIELDS = "shopping_cart.payment.invalid_fields.error"
CUSTOMER_INVALID_FIELDS = "customer.invalid_fields.error"


@dataclass(frozen=True)
class Route:
    """A URL pattern (literal segments and ``{key}`` placeholders) and its operations."""

    pattern: tuple[str, ...]
    operations: dict[str, Operation]
    media_types: tuple[str, ...] = (JSON, XML)

    def match(self, segments: tuple[str, ...]) -> dict[str, str] | None:
        """Return the placeholder values if ``segments`` fit the pattern, else None."""
        if len(segments) != len(self.pattern):
            return None
        keys: dict[str, str] = {}
        for expected, actual in zip(self.pattern, segments, strict=True):
            if expected.startswith("{"):
                if not actual:
                    return None
                keys[expected[1:-1]] = actual
            elif expected != actual:
                return None
        return keys

    @property
    def literal_count(self) -> int:
        """Return the number of literal segments; literal matches win over placeholders."""
        return sum(1 for part in self.pattern if not part.startswith("{"))


def _op(
    operation_id: str,
    handler: Handler,
    denied: int = 404,
    not_found_key: str | None = None,
    bad_request_key: str | None = None,
) -> Operation:
    return Operation(operation_id, handler, denied, not_found_key, bad_request_key)


def _address_routes(base: tuple[str, ...], suffix: str) -> list[Route]:
    return [
        Route(
            (*base, "addresses"),
            {
                "GET": _op(f"getAddresses{suffix}", addresses.list_addresses),
                "POST": _op(
                    f"createAddress{suffix}",
                    addresses.create_address,
                    not_found_key=ADDRESS_NOT_FOUND,
                    bad_request_key=ADDRESS_MISSING_FIELDS,
                ),
            },
        ),
        Route(
            (*base, "addresses", "{address}"),
            {
                "GET": _op(
                    f"getAddress{suffix}", addresses.get_address, 404, ADDRESS_GET_NOT_FOUND
                ),
                "PUT": _op(
                    f"updateAddress{suffix}",
                    addresses.update_address,
                    not_found_key=ADDRESS_NOT_FOUND,
                    bad_request_key=ADDRESS_MISSING_FIELDS,
                ),
                "DELETE": _op(f"deleteAddress{suffix}", addresses.delete_address),
            },
        ),
    ]


def _payment_routes(base: tuple[str, ...], suffix: str) -> list[Route]:
    return [
        Route(
            (*base, "payments"),
            {
                "GET": _op(f"getPayments{suffix}", payments.list_payments, 404, PAYMENT_NOT_FOUND),
                "POST": _op(
                    f"createPayment{suffix}",
                    payments.create_payment,
                    bad_request_key=PAYMENT_INVALID_FIELDS,
                ),
                "OPTIONS": _op(f"getPaymentOptions{suffix}", payments.payment_options),
            },
        ),
        Route(
            (*base, "payments", "{payment}"),
            {
                "GET": _op(f"getPayment{suffix}", payments.get_payment, 404, PAYMENT_NOT_FOUND),
                "PUT": _op(
                    f"updatePayment{suffix}",
                    payments.update_payment,
                    bad_request_key=PAYMENT_INVALID_FIELDS,
                ),
                "DELETE": _op(f"deletePayment{suffix}", payments.delete_payment),
            },
        ),
    ]


SMB_BASE = ("customers", "{customer}")
PRIVATE_BASE = ("privatecustomers", "{customer}")
USER_BASE = (*SMB_BASE, "users", "{user}")

ROUTES: tuple[Route, ...] = (
    Route(
        ("token",),
        {"POST": _op("token", token.issue_token)},
        media_types=(JSON,),
    ),
    Route(("token", "logout"), {"PUT": _op("logout", token.logout)}, media_types=(JSON,)),
    Route(("customers",), {"POST": _op("createCustomer", customers.create_customer_operation)}),
    Route(
        SMB_BASE,
        {
            "GET": _op("getCustomer", customers.get_customer, 403),
            "PUT": _op("updateCustomer", customers.update_customer),
        },
    ),
    *_address_routes(SMB_BASE, ""),
    *_payment_routes(SMB_BASE, ""),
    Route(
        (*SMB_BASE, "users"),
        {
            "GET": _op("getCustomers", users.list_users),
            "POST": _op("addUsersToCustomer", users.create_users),
        },
    ),
    Route(
        USER_BASE,
        {
            "GET": _op("getCustomerUser", users.get_user),
            "PUT": _op("updateCustomerUser", users.update_user),
            "DELETE": _op("deleteUser", users.delete_user, 403),
        },
    ),
    Route(
        (*USER_BASE, "giftcardsandcertificates"),
        {"GET": _op("getGiftCardsAndCertificates_1", giftcards.list_gift_cards, 403)},
    ),
    Route(
        (*USER_BASE, "giftcardsandcertificates", "{card}"),
        {"GET": _op("getGiftCardAndCertificate_1", giftcards.get_gift_card, 403)},
    ),
    Route(
        ("privatecustomers",),
        {
            "POST": _op(
                "createCustomer_1",
                customers.create_private_customer,
                bad_request_key=CUSTOMER_INVALID_FIELDS,
            )
        },
    ),
    Route(
        ("privatecustomers", "simple"),
        {"POST": _op("createAccount", customers.create_simple_account)},
    ),
    Route(
        PRIVATE_BASE,
        {
            "GET": _op("getCustomer_1", customers.get_private_customer, 403),
            "PUT": _op("updateCustomer_1", customers.update_private_customer),
        },
    ),
    *_address_routes(PRIVATE_BASE, "_1"),
    Route(
        (*PRIVATE_BASE, "giftcardsandcertificates"),
        {"GET": _op("getGiftCardsAndCertificates", giftcards.list_gift_cards, 403)},
    ),
    Route(
        (*PRIVATE_BASE, "giftcardsandcertificates", "{card}"),
        {"GET": _op("getGiftCardAndCertificate", giftcards.get_gift_card, 403)},
    ),
    *_payment_routes(PRIVATE_BASE, "_1"),
)

# Most specific first, so "privatecustomers/simple" wins over "privatecustomers/{customer}".
_BY_SPECIFICITY = sorted(ROUTES, key=lambda route: -route.literal_count)


def find_route(segments: tuple[str, ...]) -> tuple[Route, dict[str, str]] | None:
    """Return the route for a resource path and its placeholder values, or None."""
    for route in _BY_SPECIFICITY:
        keys = route.match(segments)
        if keys is not None:
            return route, keys
    return None


def operation_count() -> int:
    """Return the number of Customer API operations (the token routes excluded)."""
    return sum(len(route.operations) for route in ROUTES if route.pattern[0] != "token")
