"""Demo data of the inSPIRED storefronts that ICM testers know, seeded into every new store.

These are public demo accounts, not real people. All passwords are ``!InterShop00!``. IDs are
fixed and readable so that tests and documentation can name them.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.server.context import B2B_SITE, B2C_SITE
from conformance.server.store import (
    PRIVATE,
    SMB,
    Address,
    Customer,
    GiftCard,
    PaymentInstrument,
    Store,
    User,
)

DEMO_PASSWORD = "!InterShop00!"


@dataclass(frozen=True)
class DemoLogin:
    """A seeded login and what it may do."""

    site: str
    login: str
    name: str
    customer_no: str
    role: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(B2C_SITE, "patricia@test.intershop.de", "Patricia Miller", "PMiller", "private"),
    DemoLogin(B2C_SITE, "cross@test.intershop.de", "Carl Cross", "CCross", "private"),
    DemoLogin(B2B_SITE, "jlink@test.intershop.de", "Jack Link", "OilCorp", "admin"),
    DemoLogin(B2B_SITE, "bboldner@test.intershop.de", "Bernhard Boldner", "OilCorp", "buyer"),
    DemoLogin(B2B_SITE, "pmerkel@test.intershop.de", "Peter Merkel", "AgroNet", "admin"),
)


def _address(address_id: str, name: str, **fields: str) -> Address:
    return Address(address_id, {"addressName": name, **fields})


def _add(store: Store, customer: Customer, *addresses: Address) -> Customer:
    store.add_customer(customer)
    for address in addresses:
        customer.addresses[address.id] = address
    return customer


def _user(
    store: Store,
    customer: Customer,
    user_id: str,
    login: str,
    profile: dict[str, str],
    created: float,
    *,
    manager: bool = False,
    cards: tuple[GiftCard, ...] = (),
) -> User:
    user = User(
        id=user_id,
        login=login,
        password=DEMO_PASSWORD,
        customer_id=customer.id,
        profile=profile,
        created=created,
        can_manage_users=manager,
        gift_cards={card.number: card for card in cards},
    )
    return store.add_user(user)


def _seed_patricia(store: Store) -> None:
    customer = _add(
        store,
        Customer(
            "cust-PMiller",
            "PMiller",
            B2C_SITE,
            PRIVATE,
            {
                "title": "Ms.",
                "firstName": "Patricia",
                "lastName": "Miller",
                "birthday": "1981-06-15",
                "email": "patricia@test.intershop.de",
                "phoneHome": "049364112677",
                "preferredLanguage": "en_US",
            },
        ),
        _address(
            "pmiller-home",
            "Home",
            title="Ms.",
            firstName="Patricia",
            lastName="Miller",
            addressLine1="Berliner Str. 20",
            postalCode="14482",
            city="Potsdam",
            countryCode="DE",
            country="Germany",
            phoneHome="049364112677",
            email="patricia@test.intershop.de",
        ),
        _address(
            "pmiller-office",
            "Office",
            firstName="Patricia",
            lastName="Miller",
            companyName1="PMiller ltd.",
            addressLine1="Intershop Tower",
            addressLine2="1st Floor",
            postalCode="07740",
            city="Jena",
            countryCode="DE",
            country="Germany",
        ),
    )
    customer.preferred_invoice_id = "pmiller-home"
    customer.preferred_ship_id = "pmiller-home"
    customer.payments["pmiller-debit"] = PaymentInstrument(
        "pmiller-debit",
        "ISH_DEBIT_TRANSFER",
        {"holder": "Patricia Miller", "IBAN": "DE89370400440532013000"},
    )
    customer.preferred_payment_id = "pmiller-debit"
    _user(
        store,
        customer,
        "user-pmiller",
        "patricia@test.intershop.de",
        {},
        1_600_000_000.0,
        cards=(
            GiftCard("27755166187", 25.0, 12.73, "USD"),
            GiftCard("27755166188", 50.0, 50.0, "USD"),
        ),
    )


def _seed_cross(store: Store) -> None:
    customer = _add(
        store,
        Customer(
            "cust-CCross",
            "CCross",
            B2C_SITE,
            PRIVATE,
            {
                "title": "Mr.",
                "firstName": "Carl",
                "lastName": "Cross",
                "email": "cross@test.intershop.de",
                "preferredLanguage": "en_US",
            },
        ),
        _address(
            "ccross-home",
            "Home",
            firstName="Carl",
            lastName="Cross",
            addressLine1="1 Main Street",
            postalCode="10001",
            city="New York",
            mainDivision="NY",
            countryCode="US",
            country="United States",
        ),
    )
    customer.preferred_invoice_id = "ccross-home"
    customer.preferred_ship_id = "ccross-home"
    _user(
        store,
        customer,
        "user-ccross",
        "cross@test.intershop.de",
        {},
        1_600_000_100.0,
        cards=(GiftCard("27755166190", 10.0, 10.0, "USD"),),
    )


def _seed_oilcorp(store: Store) -> None:
    customer = _add(
        store,
        Customer(
            "cust-OilCorp",
            "OilCorp",
            B2B_SITE,
            SMB,
            {
                "companyName": "Oil Corp Ltd.",
                "description": "Oil and gas supplies",
                "industry": "oil and gas",
                "taxationID": "DE123456789",
            },
        ),
        _address(
            "oilcorp-hq",
            "Headquarters",
            firstName="Jack",
            lastName="Link",
            companyName1="Oil Corp Ltd.",
            addressLine1="4567 Oil Road",
            postalCode="77002",
            city="Houston",
            mainDivision="TX",
            countryCode="US",
            country="United States",
            phoneBusiness="+17135550100",
        ),
        Address(
            "oilcorp-warehouse",
            {
                "addressName": "Warehouse",
                "firstName": "Bernhard",
                "lastName": "Boldner",
                "companyName1": "Oil Corp Ltd.",
                "addressLine1": "12 Refinery Lane",
                "postalCode": "77506",
                "city": "Pasadena",
                "mainDivision": "TX",
                "countryCode": "US",
                "country": "United States",
            },
            external_id="000123456",
            external_urn="urn:address:MSDynamics365:OilCorp:000123456",
        ),
    )
    customer.preferred_invoice_id = "oilcorp-hq"
    customer.preferred_ship_id = "oilcorp-hq"
    customer.payments["oilcorp-invoice"] = PaymentInstrument("oilcorp-invoice", "ISH_INVOICE", {})
    hq_urn = customer.address_urn("oilcorp-hq")
    _user(
        store,
        customer,
        "user-jlink",
        "jlink@test.intershop.de",
        {
            "title": "Mr.",
            "firstName": "Jack",
            "lastName": "Link",
            "businessPartnerNo": "JLink",
            "department": "Management",
            "email": "jlink@test.intershop.de",
            "phoneBusiness": "+17135550101",
            "preferredLanguage": "en_US",
            "preferredInvoiceToAddressUrn": hq_urn,
            "preferredShipToAddressUrn": hq_urn,
        },
        1_600_000_200.0,
        manager=True,
        cards=(GiftCard("41000000001", 100.0, 80.0, "USD"),),
    )
    _user(
        store,
        customer,
        "user-bboldner",
        "bboldner@test.intershop.de",
        {
            "title": "Mr.",
            "firstName": "Bernhard",
            "lastName": "Boldner",
            "businessPartnerNo": "BBoldner",
            "department": "Purchasing",
            "email": "bboldner@test.intershop.de",
            "preferredLanguage": "en_US",
        },
        1_600_000_300.0,
        cards=(GiftCard("41000000002", 50.0, 50.0, "USD"),),
    )


def _seed_agronet(store: Store) -> None:
    customer = _add(
        store,
        Customer(
            "cust-AgroNet",
            "AgroNet",
            B2B_SITE,
            SMB,
            {"companyName": "AgroNet", "industry": "agrar industry"},
        ),
        _address(
            "agronet-main",
            "Main office",
            firstName="Peter",
            lastName="Merkel",
            companyName1="AgroNet",
            addressLine1="Feldweg 3",
            postalCode="99084",
            city="Erfurt",
            countryCode="DE",
            country="Germany",
        ),
    )
    customer.preferred_invoice_id = "agronet-main"
    customer.preferred_ship_id = "agronet-main"
    _user(
        store,
        customer,
        "user-pmerkel",
        "pmerkel@test.intershop.de",
        {
            "title": "Mr.",
            "firstName": "Peter",
            "lastName": "Merkel",
            "businessPartnerNo": "PMerkel",
            "department": "Sales",
            "email": "pmerkel@test.intershop.de",
        },
        1_600_000_400.0,
        manager=True,
    )


def seed_demo_data(store: Store) -> None:
    """Fill an empty store with the demo customers, users, addresses, payments and gift cards."""
    with store.lock:
        _seed_patricia(store)
        _seed_cross(store)
        _seed_oilcorp(store)
        _seed_agronet(store)
