"""Identify the caller of a request: Basic credentials, a bearer token or the
``authentication-token`` header, in that order of precedence.

ICM semantics: wrong Basic credentials get 401. An ``authentication-token`` that does not
verify gets 400 with ``error-key: AuthenticationTokenInvalid``. An expired one turns the
caller anonymous and the response carries ``error-key: AuthenticationTokenOutdated``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from werkzeug.wrappers import Request

from conformance.server.errors import ApiError, unauthorized
from conformance.server.store import Store, User
from conformance.server.tokens import ACCESS, SESSION, Claims, InvalidToken, TokenService

TOKEN_HEADER = "authentication-token"
TOKEN_INVALID = "AuthenticationTokenInvalid"
TOKEN_OUTDATED = "AuthenticationTokenOutdated"


@dataclass(frozen=True)
class Caller:
    """The outcome of authentication: the user (None when anonymous) and whether an expired
    authentication-token was sent."""

    user: User | None
    outdated: bool = False


def check_password(user: User | None, password: str) -> bool:
    """Tell whether ``password`` is the password of an active ``user``."""
    if user is None or user.password is None or not user.active:
        return False
    return hmac.compare_digest(user.password.encode(), password.encode())


def _basic_user(store: Store, site: str, encoded: str) -> User:
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise unauthorized("The Basic credentials are not valid base64 of login:password.") from (
            error
        )
    login, separator, password = decoded.partition(":")
    if not separator:
        raise unauthorized("The Basic credentials lack the ':' between login and password.")
    user = store.user_by_login(site, login)
    if not check_password(user, password):
        raise unauthorized("The login or password is wrong.")
    assert user is not None
    return user


def _token_user(store: Store, claims: Claims, honour_expiry: bool = True) -> User | None:
    """Return the live user of verified claims, or None if expired, revoked or deleted.

    ``honour_expiry`` False (the token-never-expires fault) ignores the token's lifetime.
    """
    if (claims.expired() and honour_expiry) or claims.user_id is None:
        return None
    if claims.issued_at < store.revoked_before.get(claims.user_id, 0.0):
        return None
    user = store.users.get(claims.user_id)
    if user is None or not user.active:
        return None
    return user


def _bearer_user(store: Store, tokens: TokenService, site: str, token: str) -> User | None:
    try:
        claims = tokens.verify(token, ACCESS, site)
    except InvalidToken as error:
        raise unauthorized(f"The bearer token is invalid: {error}.") from error
    if claims.user_id is None and not claims.expired():
        return None
    user = _token_user(store, claims)
    if user is None:
        raise unauthorized("The bearer token has expired or was revoked; request a new one.")
    return user


def identify(
    request: Request,
    site: str,
    store: Store,
    tokens: TokenService,
    *,
    accept_invalid_tokens: bool = False,
    honour_expiry: bool = True,
) -> Caller:
    """Return the caller of ``request`` on ``site``; raise ApiError 400 or 401 as ICM does."""
    authorization = request.headers.get("Authorization", "").strip()
    if authorization:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "basic":
            return Caller(_basic_user(store, site, credentials))
        if scheme.lower() == "bearer":
            return Caller(_bearer_user(store, tokens, site, credentials.strip()))
        raise unauthorized(
            f"Authorization scheme {scheme!r} is not supported; use Basic or Bearer."
        )
    token = request.headers.get(TOKEN_HEADER, "").strip()
    if not token:
        return Caller(None)
    try:
        claims = tokens.verify(token, SESSION, site)
    except InvalidToken as error:
        if accept_invalid_tokens:
            return Caller(None)
        raise ApiError(
            400, f"The authentication-token is invalid: {error}.", TOKEN_INVALID
        ) from error
    if claims.user_id is None and not claims.expired():
        return Caller(None)
    user = _token_user(store, claims, honour_expiry)
    return Caller(user, outdated=user is None)
