"""Users of a business customer: create, list with paging, sorting and filters, read, update,
delete, and the permission that deleting needs."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from conformance import generators
from conformance.checks import Exchange
from conformance.flows.base import (
    BUSINESS,
    Flow,
    Principal,
    Steps,
    body_of,
    describe,
    differences,
    snippet,
)
from conformance.flows.registration import check_logins, check_profile, register, registration_body

USERS = "/customers/{CustomerKey}/users"
USER = f"{USERS}/{{CustomerItemUserKey}}"
CURRENT = {"CustomerKey": "-"}
NOT_CREATED_HEADER = "not-created-users"
SORT_KEYS = ("name", "login", "creationDate")
PAGE_SIZE = 2
# Bounds the requests on a customer with many users: paging reads at most this many pages,
# and the sort checks need the whole list on one page of at most MAX_LIST users.
MAX_PAGES = 6
MAX_LIST = 50
BATCH_SIZE = 3


def logins_of(exchange: Exchange) -> list[str]:
    """Return the logins a user collection lists, in order."""
    body = body_of(exchange)
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        return []
    logins = []
    for element in elements:
        if isinstance(element, dict):
            login = element.get("login") or str(element.get("uri", "")).rsplit("/", 1)[-1]
            logins.append(str(login))
    return logins


def manage_users(
    steps: Steps, data: st.DataObject, admin: Principal, buyer: Principal | None
) -> None:
    """Run the user steps as ``admin``; with ``buyer``, also check the delete permission."""
    users = [
        data.draw(generators.user_values(steps.run_id), label=f"user {index}")
        for index in range(BATCH_SIZE)
    ]
    created = create_batch(steps, admin, users)
    check_paging(steps, admin)
    check_sorting(steps, admin)
    check_filter(steps, admin, created)
    check_conflicts(steps, data, admin, users[0])
    update_user(steps, admin, users[1])
    if buyer is not None:
        check_delete_permission(steps, admin, buyer, users[2]["login"])
    delete_user(steps, admin, users[0]["login"])


def create_batch(steps: Steps, admin: Principal, users: list[dict[str, Any]]) -> list[str]:
    """Create a batch of users: 201 with a Link for each."""
    exchange = steps.call(f"POST {USERS}", admin, path=CURRENT, body={"elements": users})
    steps.require_status(exchange, {201}, "USER-CREATE-201")
    wanted = sorted(user["login"] for user in users)
    listed = sorted(logins_of(exchange))
    steps.require(
        listed == wanted,
        "USER-CREATE-201",
        exchange,
        "Created users not linked",
        f"{describe(exchange)} answered 201 linking {listed}; expected {wanted}.",
    )
    return wanted


def check_paging(steps: Steps, admin: Principal) -> None:
    """Read the list in pages of two: each page contains at most two, total stays the same."""
    seen: list[str] = []
    totals: set[Any] = set()
    offset = 0
    complete = False
    page: Exchange | None = None
    for _ in range(MAX_PAGES):
        page = steps.call(
            f"GET {USERS}",
            admin,
            path=CURRENT,
            query={"offset": str(offset), "limit": str(PAGE_SIZE)},
        )
        steps.require_status(page, {200}, "USER-LIST-200")
        body = body_of(page) or {}
        logins = logins_of(page)
        totals.add(body.get("total"))
        steps.expect(
            len(logins) <= PAGE_SIZE and len(totals) == 1,
            "USER-LIST-PAGING",
            page,
            "Page ignores limit or total changes",
            f"{describe(page)} lists {len(logins)} users with limit {PAGE_SIZE}; totals seen "
            f"on the pages so far: {sorted(map(str, totals))}.",
        )
        repeated = sorted(set(seen) & set(logins))
        steps.expect(
            not repeated,
            "USER-LIST-PAGING",
            page,
            "Pages overlap",
            f"{describe(page)} repeats users of earlier pages: {repeated}.",
        )
        seen += logins
        offset += PAGE_SIZE
        total = body.get("total")
        if not logins or not isinstance(total, int) or offset >= total:
            complete = True
            break
    total = next(iter(totals)) if len(totals) == 1 else None
    # A list longer than MAX_PAGES pages is only checked page by page.
    if complete and page is not None and isinstance(total, int):
        steps.expect(
            len(set(seen)) == total,
            "USER-LIST-PAGING",
            page,
            "Pages do not add up to total",
            f"the pages of {USERS} list {len(set(seen))} distinct users; total says {total}.",
        )


def names_of(exchange: Exchange) -> list[str]:
    body = body_of(exchange)
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        return []
    return [str(element.get("name", "")) for element in elements if isinstance(element, dict)]


def check_sorting(steps: Steps, admin: Principal) -> None:
    """Sort by each key, ascending and descending: one order is the other reversed."""
    for key in SORT_KEYS:
        ascending = steps.call(
            f"GET {USERS}", admin, path=CURRENT, query={"sort": key, "limit": str(MAX_LIST)}
        )
        descending = steps.call(
            f"GET {USERS}", admin, path=CURRENT, query={"sort": f"-{key}", "limit": str(MAX_LIST)}
        )
        total = (body_of(ascending) or {}).get("total")
        if not isinstance(total, int) or total > MAX_LIST:
            continue
        # Users with equal names may come in any order, so names are compared, not logins.
        # NOTE: users created in one batch may share a creationDate on a real server.
        read = names_of if key == "name" else logins_of
        up, down = read(ascending), read(descending)
        steps.expect(
            up == list(reversed(down)) and len(up) == total,
            "USER-LIST-SORT",
            descending,
            f"sort=-{key} is not sort={key} reversed",
            f"sort={key} lists {up}; sort=-{key} lists {down}.",
        )
        if key == "login":
            steps.expect(
                up == sorted(up, key=str.casefold),
                "USER-LIST-SORT",
                ascending,
                "sort=login is not ordered by login",
                f"{describe(ascending)} lists {up}.",
            )


def check_filter(steps: Steps, admin: Principal, created: list[str]) -> None:
    """Filter by the run id: every listed user matches, and every created one is listed."""
    needle = steps.run_id
    filtered = steps.call(
        f"GET {USERS}", admin, path=CURRENT, query={"filter": needle, "limit": str(MAX_LIST)}
    )
    body = body_of(filtered) or {}
    elements = body.get("elements") or []
    unmatched = [
        element.get("login")
        for element in elements
        if isinstance(element, dict)
        and needle not in f"{element.get('name', '')} {element.get('login', '')}".casefold()
    ]
    missing = sorted(set(created) - set(logins_of(filtered)))
    steps.expect(
        not unmatched and not missing,
        "USER-LIST-FILTER",
        filtered,
        "Filter does not select the matching users",
        f"{describe(filtered)} lists users that do not contain {needle!r}: {unmatched}; "
        f"misses created users that do: {missing}.",
    )


def check_conflicts(
    steps: Steps, data: st.DataObject, admin: Principal, existing: dict[str, Any]
) -> None:
    """Check that an existing login gives 409, and a batch mixing it with a new one 207."""
    conflict = steps.call(
        f"POST {USERS}", admin, path=CURRENT, body={"elements": [existing]}, mode="expected-error"
    )
    steps.expect_status(conflict, {409}, "USER-CREATE-409")
    new = data.draw(generators.user_values(steps.run_id), label="new user")
    mixed = steps.call(
        f"POST {USERS}",
        admin,
        path=CURRENT,
        body={"elements": [existing, new]},
        mode="expected-error",
    )
    header = mixed.response.headers.get(NOT_CREATED_HEADER, "")
    steps.expect(
        mixed.response.status_code == 207
        and existing["login"] in header
        and logins_of(mixed) == [new["login"]],
        "USER-CREATE-207",
        mixed,
        "Partial batch not answered with 207 and not-created-users",
        f"{describe(mixed)} with an existing and a new login answered "
        f"{mixed.response.status_code}, {NOT_CREATED_HEADER}: {header!r}, linking "
        f"{logins_of(mixed)}; expected 207 naming {existing['login']!r} in the header and "
        f"linking only {new['login']!r}.",
    )


def update_user(steps: Steps, admin: Principal, user: dict[str, Any]) -> None:
    """Read a user with ``include``, change a name, and read the change back."""
    path = {**CURRENT, "CustomerItemUserKey": user["login"]}
    read = steps.call(f"GET {USER}", admin, path=path, query={"include": "general"})
    steps.require_status(read, {200}, "USER-GET-200")
    problems = differences({"login": user["login"], "lastName": user["lastName"]}, body_of(read))
    steps.expect(
        not problems,
        "USER-GET-200",
        read,
        "User read differs from the created user",
        f"{describe(read)} differs from the user created:\n" + "\n".join(problems),
    )
    change = {"firstName": "Changed", "lastName": f"Updated {steps.run_id}"}
    current = {k: v for k, v in (body_of(read) or {}).items() if k not in ("type", "name")}
    updated = steps.call(f"PUT {USER}", admin, path=path, body={**current, **change})
    steps.require_status(updated, {200}, "USER-UPDATE-200")
    again = steps.call(f"GET {USER}", admin, path=path)
    problems = differences(change, body_of(updated)) + differences(change, body_of(again))
    steps.expect(
        not problems,
        "USER-UPDATE-200",
        again,
        "User update not returned or not stored",
        f"PUT and a later GET of {describe(again)} do not show the change:\n" + "\n".join(problems),
    )


def check_delete_permission(steps: Steps, admin: Principal, buyer: Principal, login: str) -> None:
    """Check that a buyer without the Manage Users permission cannot delete a user."""
    path = {**CURRENT, "CustomerItemUserKey": login}
    refused = steps.call(f"DELETE {USER}", buyer, path=path, mode="expected-error")
    still = steps.call(f"GET {USER}", admin, path=path)
    steps.expect(
        refused.response.status_code == 403 and still.response.status_code == 200,
        "USER-DELETE-PERMISSION-403",
        refused,
        "User deleted without the Manage Users permission",
        f"{describe(refused)} as the buyer answered {refused.response.status_code}; expected "
        f"403. A later GET as the admin answered {still.response.status_code}.\n"
        f"Received: {snippet(refused.response)}",
    )


def delete_user(steps: Steps, admin: Principal, login: str) -> None:
    """Delete a user: 204, then a GET returns 404."""
    path = {**CURRENT, "CustomerItemUserKey": login}
    deleted = steps.call(f"DELETE {USER}", admin, path=path)
    steps.require_status(deleted, {204}, "USER-DELETE-204")
    gone = steps.call(f"GET {USER}", admin, path=path, mode="expected-error")
    steps.expect(
        gone.response.status_code == 404,
        "USER-DELETE-204",
        gone,
        "Deleted user still there",
        f"{describe(gone)} after a DELETE that answered 204 answered "
        f"{gone.response.status_code}; expected 404.",
    )


class BusinessRegistrationFlow(Flow):
    """Register a business customer and manage its users as its first user."""

    name = "business-register-users"
    registers = True

    def run(self, steps: Steps, data: st.DataObject) -> None:
        base_url = steps.target.business_base_url
        body = registration_body(data, steps.run_id, business=True)
        customer = register(
            steps, "POST /customers", base_url, body, "CUSTOMER-CREATE-201", BUSINESS
        )
        self.environment.business_customer = customer
        basic = check_logins(steps, customer)
        expected = {"customerType": "SMB", "companyName": body["companyName"]}
        check_profile(steps, customer, basic, expected, "CUSTOMER-CREATE-201")
        manage_users(steps, data, customer.principal, buyer=None)


class BusinessUsersFlow(Flow):
    """Manage users as the configured admin; the configured buyer tries to delete one."""

    name = "business-users"
    roles = ("admin",)

    def run(self, steps: Steps, data: st.DataObject) -> None:
        accounts = steps.target.accounts
        buyer = accounts.get("buyer")
        manage_users(
            steps,
            data,
            Principal.of(accounts["admin"]),
            Principal.of(buyer) if buyer is not None else None,
        )
