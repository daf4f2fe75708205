"""Signed, self-contained tokens: the ``authentication-token`` header and bearer token sets.

Every token is a compact JWT (HS256) signed with a secret that lives only as long as the server
instance. A token that does not verify is invalid; a verified token past its ``exp`` is
outdated, which ICM treats differently (anonymous instead of an error).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

SESSION = "session"
ACCESS = "access"
REFRESH = "refresh"
ID = "id"

_HEADER = {"alg": "HS256", "typ": "JWT"}


class InvalidToken(Exception):
    """The token is malformed, has a wrong signature, or belongs to another site or type."""


@dataclass(frozen=True)
class Claims:
    """The verified content of a token."""

    kind: str
    site: str
    user_id: str | None
    issued_at: float
    expires_at: float
    token_id: str

    def expired(self, now: float | None = None) -> bool:
        """Tell whether the token's lifetime is over."""
        return (time.time() if now is None else now) >= self.expires_at


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


class TokenService:
    """Issue and verify the tokens of one server instance."""

    def __init__(self, lifetime: float, refresh_lifetime: float | None = None) -> None:
        if lifetime <= 0:
            raise ValueError(f"token lifetime must be positive seconds, got {lifetime!r}")
        self.lifetime = float(lifetime)
        self.refresh_lifetime = float(refresh_lifetime or max(lifetime * 24, 86400.0))
        self._secret = secrets.token_bytes(32)

    def _signature(self, signing_input: str) -> str:
        digest = hmac.new(self._secret, signing_input.encode("ascii"), hashlib.sha256).digest()
        return _b64encode(digest)

    def issue(self, kind: str, site: str, user_id: str | None, lifetime: float) -> str:
        """Return a signed token of ``kind`` for ``user_id`` (None for anonymous)."""
        now = time.time()
        payload: dict[str, Any] = {
            "typ": kind,
            "site": site,
            "sub": user_id,
            "iat": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(8),
        }
        head = _b64encode(json.dumps(_HEADER, separators=(",", ":")).encode())
        body = _b64encode(json.dumps(payload, separators=(",", ":")).encode())
        signing_input = f"{head}.{body}"
        return f"{signing_input}.{self._signature(signing_input)}"

    def issue_session(self, site: str, user_id: str | None) -> str:
        """Return an ``authentication-token`` value for a user or an anonymous visitor."""
        return self.issue(SESSION, site, user_id, self.lifetime)

    def verify(self, token: str, kind: str, site: str) -> Claims:
        """Return the claims of a token of ``kind`` for ``site``; raise InvalidToken otherwise.

        An expired token verifies; callers decide what expiry means via ``Claims.expired``.
        """
        parts = token.strip().split(".")
        if len(parts) != 3:
            raise InvalidToken("token is not a three-part JWT")
        signing_input = f"{parts[0]}.{parts[1]}"
        try:
            expected = self._signature(signing_input)
        except UnicodeEncodeError as error:
            raise InvalidToken("token contains non-ASCII characters") from error
        if not hmac.compare_digest(expected, parts[2]):
            raise InvalidToken("token signature does not match")
        try:
            payload = json.loads(_b64decode(parts[1]))
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidToken("token payload is not valid JSON") from error
        if payload.get("typ") != kind:
            raise InvalidToken(f"token is a {payload.get('typ')!r} token, expected {kind!r}")
        if payload.get("site") != site:
            raise InvalidToken(f"token belongs to site {payload.get('site')!r}, not {site!r}")
        return Claims(
            kind=kind,
            site=site,
            user_id=payload.get("sub"),
            issued_at=float(payload["iat"]),
            expires_at=float(payload["exp"]),
            token_id=str(payload["jti"]),
        )
