"""Bearer token sets of the Authentication REST API: ``POST /token`` and ``PUT /token/logout``."""

from __future__ import annotations

import time
from typing import Any

from conformance.server.auth import check_password
from conformance.server.context import Reply, RequestContext, unsupported_media_type
from conformance.server.errors import bad_request, unauthorized
from conformance.server.store import User
from conformance.server.tokens import ACCESS, ID, REFRESH, InvalidToken

FORM = "application/x-www-form-urlencoded"
GRANT_TYPES = ("password", "anonymous", "refresh_token", "client_credentials")


def token_set(ctx: RequestContext, user: User | None) -> dict[str, Any]:
    """Issue access, refresh and ID token for ``user`` (None: an anonymous visitor)."""
    tokens = ctx.tokens
    user_id = user.id if user else None
    body: dict[str, Any] = {
        "access_token": tokens.issue(ACCESS, ctx.site, user_id, tokens.lifetime),
        "token_type": "bearer",
        "expires_in": int(tokens.lifetime),
        "refresh_token": tokens.issue(REFRESH, ctx.site, user_id, tokens.refresh_lifetime),
        "refresh_expires_in": int(tokens.refresh_lifetime),
    }
    if user is not None:
        body["id_token"] = tokens.issue(ID, ctx.site, user_id, tokens.lifetime)
    return body


def _refreshed_user(ctx: RequestContext, refresh_token: str) -> User | None:
    try:
        claims = ctx.tokens.verify(refresh_token, REFRESH, ctx.site)
    except InvalidToken as error:
        raise bad_request(f"The refresh token is invalid: {error}.") from error
    if claims.expired():
        raise bad_request("The refresh token has expired; log in again.")
    if claims.user_id is None:
        return None
    user = ctx.store.users.get(claims.user_id)
    revoked_before = ctx.store.revoked_before.get(claims.user_id, 0.0)
    if user is None or claims.issued_at < revoked_before:
        raise bad_request("The refresh token was revoked by a logout; log in again.")
    return user


def issue_token(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """POST /token: exchange a grant (form body) for a bearer token set."""
    has_body = bool(ctx.request.get_data(cache=True).strip())
    if has_body and ctx.request.mimetype != FORM:
        raise unsupported_media_type(ctx.request.mimetype)
    form = ctx.request.form
    grant = form.get("grant_type", "")
    if grant not in GRANT_TYPES:
        raise bad_request(f"grant_type {grant!r} is not one of {', '.join(GRANT_TYPES)}.")
    user: User | None
    if grant == "password":
        user = ctx.store.user_by_login(ctx.site, form.get("username", ""))
        if not check_password(user, form.get("password", "")):
            raise unauthorized("The username or password is wrong.")
    elif grant == "refresh_token":
        user = _refreshed_user(ctx, form.get("refresh_token", ""))
    elif grant == "client_credentials":
        user = ctx.require_user()
    else:
        user = None
    return Reply(200, token_set(ctx, user), headers={"Cache-Control": "no-store"})


def logout(ctx: RequestContext, keys: dict[str, str]) -> Reply:
    """PUT /token/logout: revoke every token issued so far to the caller."""
    user = ctx.require_user()
    if not ctx.fault("bearer-logout-ignored"):
        ctx.store.revoked_before[user.id] = time.time()
    ctx.user = None
    return Reply(204)
