"""Rules that keep a run safe on a shared system: read-only mode, retries and profile restore.

- ``--icm-read-only`` lets only GET, HEAD and OPTIONS reach the target. The
  guard sits in ``Target.request`` and raises ``ReadOnlyViolation`` before a
  write is sent, so no code path of the suite can send one by mistake.
- A 429 or 503 response is retried with a bounded backoff that honours the
  ``Retry-After`` header.
- The configured accounts' own profiles are the only data the suite changes
  without having created it. ``ProfileSnapshots`` reads them at the start and
  writes them back at the end.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests

from conformance.errors import ConformanceError

if TYPE_CHECKING:
    from conformance.config import Account
    from conformance.target import Target

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 503})
# Upper bound of one wait, whatever Retry-After requests: a target that requests more is
# overloaded, and the run reports its 429 or 503 instead of stalling.
MAX_RETRY_WAIT_SECONDS = 30.0
BACKOFF_BASE_SECONDS = 0.5
JSON = {"Accept": "application/json"}


class ReadOnlyViolation(ConformanceError):
    """A request that may change data was about to be sent in read-only mode."""


def guard_read_only(method: str, url: str, read_only: bool) -> None:
    """Raise ``ReadOnlyViolation`` if ``method`` may change data and the run is read-only."""
    if read_only and method.upper() not in SAFE_METHODS:
        raise ReadOnlyViolation(
            f"{method.upper()} {url} was not sent: --icm-read-only allows only "
            f"{', '.join(sorted(SAFE_METHODS))}; drop --icm-read-only to test writes"
        )


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before a 429 or 503 response is retried."""

    retries: int
    max_wait: float = MAX_RETRY_WAIT_SECONDS

    def should_retry(self, response: requests.Response, attempt: int) -> bool:
        """Return whether the ``attempt``-th response (0 first) calls for another try."""
        return response.status_code in RETRY_STATUSES and attempt < self.retries

    def wait_seconds(self, response: requests.Response, attempt: int) -> float:
        """Return the wait before the next try: Retry-After if given, else exponential backoff."""
        requested = retry_after_seconds(response.headers.get("Retry-After"))
        if requested is None:
            requested = BACKOFF_BASE_SECONDS * 2**attempt
        return max(0.0, min(requested, self.max_wait))


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Return the seconds a ``Retry-After`` value requests (delta seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        logger.warning("ignored an unreadable Retry-After header %r", value)
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())


# Profile snapshots ------------------------------------------------------------------------


@dataclass
class ProfileSnapshot:
    """The state of one configured account's profile resource at the start of the run."""

    role: str
    url: str
    body: dict[str, Any]


@dataclass
class RestoreOutcome:
    """The result of writing one snapshot back, as reported in ``results.json``."""

    role: str
    url: str
    restored: bool
    note: str = ""
    differences: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "url": self.url,
            "restored": self.restored,
            "note": self.note,
            "differences": self.differences,
        }


def restoring_body(snapshot: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Return a PUT body that turns ``current`` back into ``snapshot``.

    A PUT leaves fields it does not name unchanged, and ICM treats a JSON null
    as not given, so a text field that the run set and the snapshot lacks is
    sent empty to clear it.
    """
    cleared = {
        name: "" if isinstance(value, str) else None
        for name, value in current.items()
        if name not in snapshot
    }
    return {**cleared, **snapshot}


def profile_differences(snapshot: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Return the fields whose values differ; a missing field equals null and empty text."""
    return sorted(
        name
        for name in set(snapshot) | set(current)
        if _blank(snapshot.get(name)) != _blank(current.get(name))
    )


def _blank(value: Any) -> Any:
    return None if value == "" else value


def profile_urls(account: Account) -> list[str]:
    """Return the profile resources of ``account`` that the suite's PUT cases may change."""
    if account.role == "private":
        return [f"{account.base_url}/privatecustomers/-"]
    urls = [f"{account.base_url}/customers/-/users/-"]
    if account.role == "admin":
        # Only a user with the Manage Users permission may change company data.
        urls.insert(0, f"{account.base_url}/customers/-")
    return urls


class ProfileSnapshots:
    """Reads the configured accounts' profiles at the start and writes them back at the end."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.snapshots: list[ProfileSnapshot] = []

    def take(self) -> None:
        """Read every profile resource of every configured account."""
        for account in self.target.accounts.values():
            for url in profile_urls(account):
                body = self._read(account, url)
                if body is None:
                    logger.warning("could not snapshot %s of the %s account", url, account.role)
                    continue
                self.snapshots.append(ProfileSnapshot(account.role, url, body))
        logger.info("took %d profile snapshots", len(self.snapshots))

    def restore(self) -> list[RestoreOutcome]:
        """Write every snapshot back and compare what the target then returns."""
        return [self._restore_one(snapshot) for snapshot in self.snapshots]

    def _restore_one(self, snapshot: ProfileSnapshot) -> RestoreOutcome:
        account = self.target.accounts[snapshot.role]
        current = self._read(account, snapshot.url)
        if current is not None and not profile_differences(snapshot.body, current):
            return RestoreOutcome(snapshot.role, snapshot.url, True, "unchanged")
        headers = {**JSON, **self.target.auth_headers(account)}
        body = restoring_body(snapshot.body, current or {})
        try:
            response = self.target.request("PUT", snapshot.url, json=body, headers=headers)
        except requests.RequestException as exc:
            return RestoreOutcome(snapshot.role, snapshot.url, False, f"PUT failed: {exc}")
        if response.status_code != 200:
            note = f"PUT answered {response.status_code}: {response.text[:200]}"
            logger.warning("restoring %s failed: %s", snapshot.url, note)
            return RestoreOutcome(snapshot.role, snapshot.url, False, note)
        differences = profile_differences(snapshot.body, self._read(account, snapshot.url) or {})
        if differences:
            logger.warning("%s differs from its snapshot in %s", snapshot.url, differences)
        return RestoreOutcome(
            snapshot.role,
            snapshot.url,
            not differences,
            "written back" if not differences else "written back, but fields still differ",
            differences,
        )

    def _read(self, account: Account, url: str) -> dict[str, Any] | None:
        headers = {**JSON, **self.target.auth_headers(account)}
        try:
            response = self.target.request("GET", url, headers=headers)
            body = response.json() if response.status_code == 200 else None
        except (requests.RequestException, ValueError):
            return None
        return body if isinstance(body, dict) else None
