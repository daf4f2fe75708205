"""In-memory data of one reference server instance: customers, users, addresses, payment
instruments and gift cards.

The WSGI app runs every resource handler while holding ``Store.lock``, so handlers may read and
change the data without further locking. One ``Store`` belongs to one server instance, so
parallel test sessions never share data.
"""

from __future__ import annotations

import itertools
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

ID_ALPHABET = string.ascii_letters + string.digits
ID_LENGTH = 24

PRIVATE = "PRIVATE"
SMB = "SMB"


def new_id() -> str:
    """Return a fresh random ID shaped like an ICM UUID (24 URL-safe characters)."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


@dataclass
class Address:
    """A customer address: AddressRO string fields plus the usage bits."""

    id: str
    fields: dict[str, str]
    # Usage bits in ICM order: invoice-to, ship-to, service-to, install-to.
    usage: list[bool] = field(default_factory=lambda: [True, True, False, False])
    external_id: str | None = None
    external_urn: str | None = None

    @property
    def external(self) -> bool:
        """Tell whether an external system (an ERP) owns this address."""
        return self.external_id is not None


@dataclass
class PaymentInstrument:
    """A saved payment instrument: the payment method ID and its parameter values."""

    id: str
    method: str
    parameters: dict[str, str]


@dataclass
class GiftCard:
    """A gift card or gift certificate with its balance."""

    number: str
    amount: float
    remaining: float
    currency: str


@dataclass
class User:
    """A user who can log in; private customers have exactly one, business customers many."""

    id: str
    login: str
    password: str | None
    customer_id: str
    profile: dict[str, Any]
    created: float
    can_manage_users: bool = False
    active: bool = True
    gift_cards: dict[str, GiftCard] = field(default_factory=dict)


@dataclass
class Customer:
    """A private (B2C) or business (SMB) customer of one site."""

    id: str
    customer_no: str
    site: str
    customer_type: str
    profile: dict[str, Any]
    addresses: dict[str, Address] = field(default_factory=dict)
    payments: dict[str, PaymentInstrument] = field(default_factory=dict)
    user_ids: list[str] = field(default_factory=list)
    preferred_invoice_id: str | None = None
    preferred_ship_id: str | None = None
    preferred_payment_id: str | None = None

    @property
    def is_private(self) -> bool:
        """Tell whether this is a private (B2C) customer."""
        return self.customer_type == PRIVATE

    def address_urn(self, address_id: str) -> str:
        """Return the URN of one of this customer's addresses."""
        return f"urn:address:customer:{self.id}:{address_id}"


class Store:
    """All customers and users of one server instance, guarded by one re-entrant lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.customers: dict[str, Customer] = {}
        self.users: dict[str, User] = {}
        # Users whose tokens issued before this time (epoch seconds) are revoked by a logout.
        self.revoked_before: dict[str, float] = {}
        self._clock = itertools.count()

    def creation_stamp(self) -> float:
        """Return a strictly increasing creation time, so creation order sorts stably."""
        return time.time() + next(self._clock) * 1e-6

    def add_customer(self, customer: Customer) -> Customer:
        """Store a new customer."""
        self.customers[customer.id] = customer
        return customer

    def add_user(self, user: User) -> User:
        """Store a new user and attach it to its customer."""
        self.users[user.id] = user
        self.customers[user.customer_id].user_ids.append(user.id)
        return user

    def remove_user(self, user: User) -> None:
        """Delete a user and detach it from its customer."""
        self.users.pop(user.id, None)
        customer = self.customers.get(user.customer_id)
        if customer is not None and user.id in customer.user_ids:
            customer.user_ids.remove(user.id)

    def user_by_login(self, site: str, login: str) -> User | None:
        """Find a user of ``site`` by login, ignoring case as ICM does."""
        folded_login = login.casefold()
        for user in self.users.values():
            if (
                user.login.casefold() == folded_login
                and self.customers[user.customer_id].site == site
            ):
                return user
        return None

    def customer_by_no(self, site: str, customer_no: str) -> Customer | None:
        """Find a customer of ``site`` by customer number."""
        for customer in self.customers.values():
            if customer.site == site and customer.customer_no == customer_no:
                return customer
        return None

    def customer_by_key(self, site: str, key: str) -> Customer | None:
        """Find a customer of ``site`` by customer number or ID."""
        found = self.customer_by_no(site, key)
        if found is not None:
            return found
        customer = self.customers.get(key)
        if customer is not None and customer.site == site:
            return customer
        return None

    def users_of(self, customer: Customer) -> list[User]:
        """Return the users of a customer in creation order."""
        return [self.users[user_id] for user_id in customer.user_ids if user_id in self.users]
