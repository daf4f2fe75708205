"""The system under test: its base URLs, HTTP session, logins and a start-up probe."""

from __future__ import annotations

import base64
import binascii
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from conformance.config import Account, Settings
from conformance.errors import ConfigurationError, CredentialsRejected, TargetUnreachable
from conformance.safety import RetryPolicy, guard_read_only

if TYPE_CHECKING:
    from conformance.ledger import CreationTracker

logger = logging.getLogger(__name__)

TOKEN_HEADER = "authentication-token"


def server_root(base_url: str) -> str:
    """Return the root that Link URIs are relative to: everything up to ``/INTERSHOP/rest/WFS/``.

    A base URL ends with ``{serverGroup}/{site}/{app}``, so the root is the base
    URL without its last two segments.
    """
    parts = base_url.rstrip("/").split("/")
    return "/".join(parts[:-2]) + "/"


class RateLimiter:
    """Space requests at least ``1 / rate`` seconds apart across threads."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            time.sleep(delay)


@dataclass
class RequestCounter:
    """Number of requests sent to the target, safe across threads."""

    sent: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self) -> None:
        with self._lock:
            self.sent += 1


class Target:
    """Sends requests to the target with the run's timeout, rate limit and logins."""

    def __init__(self, settings: Settings, base_url: str, business_base_url: str) -> None:
        self.settings = settings
        self.base_url = base_url.rstrip("/")
        self.business_base_url = business_base_url.rstrip("/")
        self.root_url = server_root(self.base_url)
        self.accounts: dict[str, Account] = dict(settings.accounts)
        self.limiter = RateLimiter(settings.rate_limit)
        self.counter = RequestCounter()
        self.session = requests.Session()
        self.session.verify = not settings.insecure
        self.session.hooks["response"].append(self._count)
        self._tokens: dict[str, dict[str, str]] = {}
        self._tokens_lock = threading.Lock()
        self.retry_policy = RetryPolicy(settings.retries)
        self.retries = RequestCounter()
        self._in_flight = threading.BoundedSemaphore(settings.max_concurrency)
        # Set by the session: records every request that may create an entity in the ledger.
        self.tracker: CreationTracker | None = None
        # Passwords of customers this run registered, kept in memory only, so that the
        # cleanup can delete what they own.
        self.registered: dict[str, str] = {}

    def _count(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.counter.add()

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send one request: read-only guard, ledger, rate limit, concurrency cap, retries.

        Raises ``ReadOnlyViolation`` before sending anything but GET, HEAD or OPTIONS in a
        read-only run.
        """
        guard_read_only(method, url, self.settings.read_only)
        kwargs.setdefault("timeout", self.settings.timeout)
        entry = None
        if self.tracker is not None:
            role, owner = self.identify(kwargs.get("headers") or {})
            entry = self.tracker.before(method, url, role, owner)
        try:
            response = self._send(method, url, **kwargs)
        except requests.RequestException as exc:
            if self.tracker is not None and entry is not None:
                self.tracker.failed(entry, exc)
            raise
        if self.tracker is not None and entry is not None:
            self.tracker.after(entry, response)
        elif self.tracker is not None and method.upper() == "DELETE":
            self.tracker.observe_delete(url, response)
        return response

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        # NOTE: a POST is retried too; a 429 or 503 means the target did not process it.
        attempt = 0
        while True:
            self.limiter.wait()
            with self._in_flight:
                response = self.session.request(method, url, **kwargs)
            if not self.retry_policy.should_retry(response, attempt):
                return response
            wait = self.retry_policy.wait_seconds(response, attempt)
            self.retries.add()
            attempt += 1
            logger.info(
                "%s %s returned %d; retry %d of %d in %.1f s",
                method,
                url,
                response.status_code,
                attempt,
                self.retry_policy.retries,
                wait,
            )
            time.sleep(wait)

    def identify(self, headers: Mapping[str, str]) -> tuple[str, str]:
        """Return the role and login that ``headers`` authenticate as.

        The role is an account role, ``registered`` for Basic credentials of another login,
        ``unknown`` for a token of no account, or ``anonymous``.
        """
        lowered = {str(name).lower(): str(value) for name, value in headers.items()}
        authorization = lowered.get("authorization", "")
        token = lowered.get(TOKEN_HEADER, "")
        for account in self.accounts.values():
            if authorization == basic_authorization(account.login, account.password):
                return account.role, account.login
        with self._tokens_lock:
            cached_tokens = dict(self._tokens)
        for role, cached in cached_tokens.items():
            if (authorization and cached.get("Authorization") == authorization) or (
                token and cached.get(TOKEN_HEADER) == token
            ):
                return role, self.accounts[role].login
        login = basic_login(authorization)
        if login is not None:
            return "registered", login
        return ("unknown", "") if authorization or token else ("anonymous", "")

    def base_for(self, path: str) -> str:
        """Return the site base URL an operation path is tested on."""
        return self.base_url if path.startswith("/privatecustomers") else self.business_base_url

    def account_for(self, path: str) -> Account | None:
        """Return the login used for an operation path, or None when none is configured."""
        role = "private" if path.startswith("/privatecustomers") else "admin"
        return self.accounts.get(role)

    def auth_headers(self, account: Account | None) -> dict[str, str]:
        """Return the headers that authenticate as ``account`` by the configured method."""
        if account is None:
            return {}
        method = self.settings.auth
        if method == "basic":
            return {"Authorization": basic_authorization(account.login, account.password)}
        with self._tokens_lock:
            cached = self._tokens.get(account.role)
            if cached is None:
                cached = self._login(account, method)
                self._tokens[account.role] = cached
            return dict(cached)

    def forget_tokens(self) -> None:
        with self._tokens_lock:
            self._tokens.clear()

    def _login(self, account: Account, method: str) -> dict[str, str]:
        if method == "token":
            response = self.request(
                "GET",
                f"{account.base_url}/customers/-",
                headers={"Authorization": basic_authorization(account.login, account.password)},
            )
            self._raise_if_rejected(account, response, f"{account.base_url}/customers/-")
            token = response.headers.get(TOKEN_HEADER)
            if not token:
                raise CredentialsRejected(
                    f"{account.base_url}/customers/- sent no {TOKEN_HEADER} header after logging "
                    f"in as {account.login}; use --icm-auth basic with this target"
                )
            return {TOKEN_HEADER: token}
        url = f"{account.base_url}/token"
        response = self.request(
            "POST",
            url,
            data={
                "grant_type": "password",
                "username": account.login,
                "password": account.password,
            },
        )
        self._raise_if_rejected(account, response, url)
        try:
            access_token = response.json()["access_token"]
        except (ValueError, KeyError, TypeError):
            raise CredentialsRejected(
                f"POST {url} returned {response.status_code} without an access_token for "
                f"{account.login}; use --icm-auth basic or token with this target"
            ) from None
        return {"Authorization": f"Bearer {access_token}"}

    def _raise_if_rejected(self, account: Account, response: requests.Response, url: str) -> None:
        if response.status_code in (400, 401, 403):
            raise CredentialsRejected(
                f"the target rejected the login {account.login!r} at {url} "
                f"(HTTP {response.status_code}); check the {account.role} credentials "
                f"({_credential_variables(account.role)})"
            )

    def probe(self) -> None:
        """Check that the target responds over HTTP and accepts every configured login.

        Raises ``TargetUnreachable`` (exit code 3) or ``CredentialsRejected`` (exit code 2).
        """
        url = f"{self.base_url}/customers/-"
        try:
            response = self.request("GET", url)
        except requests.exceptions.RequestException as exc:
            raise TargetUnreachable(describe_connection_error(url, exc)) from None
        if response.status_code == 404:
            # ICM returns 401 to an anonymous request for the current customer, so a 404
            # means that no Customer REST API lives under this base URL.
            raise ConfigurationError(
                f"GET {url} returned 404: no ICM Customer REST API at this base URL; check "
                "the site name and the app segment (e.g. .../WFS/inSPIRED-inTRONICS-Site/-)"
            )
        for account in self.accounts.values():
            account_url = f"{account.base_url}/customers/-"
            try:
                response = self.request(
                    "GET",
                    account_url,
                    headers={"Authorization": basic_authorization(account.login, account.password)},
                )
            except requests.exceptions.RequestException as exc:
                raise TargetUnreachable(describe_connection_error(account_url, exc)) from None
            self._raise_if_rejected(account, response, account_url)
            if self.settings.auth != "basic":
                self.auth_headers(account)


def basic_authorization(login: str, password: str) -> str:
    credentials = f"{login}:{password}".encode()
    return "Basic " + base64.b64encode(credentials).decode("ascii")


def basic_login(authorization: str) -> str | None:
    """Return the login of a Basic ``Authorization`` value, or None for any other value."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    login, separator, _ = decoded.partition(":")
    return login if separator else None


def describe_connection_error(url: str, exc: requests.exceptions.RequestException) -> str:
    """Turn a requests exception into one line naming the URL, the cause and a fix."""
    host = urlsplit(url).netloc
    text = str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        return (
            f"TLS handshake with {host} failed ({_last_reason(text)}) for {url}; "
            "pass --insecure to skip certificate verification on a staging system"
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return f"{url} did not answer within the request timeout; raise --timeout or check the host"
    if (
        "NameResolutionError" in text
        or "Name or service not known" in text
        or "getaddrinfo" in text
    ):
        return f"cannot resolve the host name {host!r} of {url}; check the base URL"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"cannot connect to {url} ({_last_reason(text)}); is the target running?"
    return f"request to {url} failed: {_last_reason(text)}"


def _last_reason(text: str) -> str:
    for marker in ("Errno", "SSLError(", "Failed to establish a new connection:"):
        if marker in text:
            reason = text[text.rindex(marker) :]
            return reason.split("'))")[0].split('")')[0].strip(" ()'\"")[:160]
    return text[:160]


def _credential_variables(role: str) -> str:
    prefix = {"private": "ICM_", "admin": "ICM_ADMIN_", "buyer": "ICM_BUYER_"}[role]
    return f"{prefix}USER / {prefix}PASSWORD"
