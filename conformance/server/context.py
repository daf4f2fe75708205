"""Per-request state handed to resource handlers, and the reply they return."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Request

from conformance.server.binding import bind
from conformance.server.errors import ApiError, bad_request, unauthorized
from conformance.server.store import Store, User
from conformance.server.tokens import TokenService
from conformance.server.urls import ParsedUrl
from conformance.server.xmlcodec import XmlBodyError, from_xml

B2C_SITE = "inSPIRED-inTRONICS-Site"
B2B_SITE = "inSPIRED-inTRONICS_Business-Site"
SITES = (B2C_SITE, B2B_SITE)
APPS = ("rest", "-")
SERVER_GROUP = "WFS"

JSON = "application/json"
XML = "text/xml"
# Request bodies in XML may also be labelled application/xml; responses always use text/xml.
XML_REQUEST_TYPES = (XML, "application/xml")

# The URI characters a Link leaves unencoded; "@" stays readable as in logins.
_URI_SAFE = "@-._~!$&'()*+,=:"


@dataclass(frozen=True)
class Settings:
    """Options of one server instance."""

    fault: str | None = None
    token_lifetime: float = 3600.0
    simple_registration: bool = True


@dataclass
class Reply:
    """Handler result: status, payload (resource dict, message or None) and headers.

    ``schema`` names the resource object shape of a dict payload, for XML rendering.
    """

    status: int
    payload: Any = None
    schema: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    """One API operation: its handler and the statuses of its rejections.

    ``denied_status`` is the status for a customer or user key of another customer or user
    (403 where the operation documents it, else 404). ``not_found_key`` and ``bad_request_key``
    are the error-keys that a 404 or 400 of the operation carries when the handler sets none
    (a malformed body, for example), for operations whose documentation lists keys.
    """

    operation_id: str
    handler: Callable[[RequestContext, dict[str, str]], Reply]
    denied_status: int = 404
    not_found_key: str | None = None
    bad_request_key: str | None = None


@dataclass
class RequestContext:
    """Everything a resource handler needs: request, parsed URL, data, caller and settings."""

    request: Request
    url: ParsedUrl
    store: Store
    tokens: TokenService
    settings: Settings
    host_url: str
    operation: Operation | None = None
    user: User | None = None
    media: str = JSON

    @property
    def site(self) -> str:
        """Return the site named in the URL."""
        return self.url.site

    @property
    def app(self) -> str:
        """Return the application segment named in the URL (``rest`` or ``-``)."""
        return self.url.app

    def fault(self, name: str) -> bool:
        """Tell whether the server runs with the seeded fault ``name``."""
        return self.settings.fault == name

    def require_user(self) -> User:
        """Return the authenticated user or raise 401."""
        if self.user is None:
            raise unauthorized()
        return self.user

    def link_uri(self, *segments: str) -> str:
        """Return a Link URI relative to ``/INTERSHOP/rest/WFS/`` for a resource of this site."""
        path = "/".join(quote(segment, safe=_URI_SAFE) for segment in segments)
        relative = f"{quote(self.site, safe=_URI_SAFE)}/{self.app}/{path}"
        if self.fault("link-absolute-uri"):
            return f"{self.host_url}INTERSHOP/rest/{SERVER_GROUP}/{relative}"
        return relative

    def body(self, schema_name: str) -> dict[str, Any]:
        """Decode the request body by its Content-Type and bind it to ``schema_name``.

        An empty body binds to an empty object, so the handler's own validation responds (the
        contract marks no request body as required). Raises ApiError 415 for an unsupported media
        type and 400 for a malformed or unmappable body.
        """
        data = self.request.get_data(cache=True)
        mimetype = self.request.mimetype
        if not data.strip():
            return {}
        if mimetype == JSON:
            decoded = decode_json(data)
        elif mimetype in XML_REQUEST_TYPES and self.fault("xml-request-rejected"):
            raise unsupported_media_type(mimetype)
        elif mimetype in XML_REQUEST_TYPES:
            try:
                decoded = from_xml(data, schema_name)
            except XmlBodyError as error:
                raise bad_request(str(error)) from error
        else:
            raise unsupported_media_type(mimetype)
        return bind(decoded, schema_name, lenient=self.fault("invalid-body-accepted"))


def unsupported_media_type(mimetype: str) -> ApiError:
    """Build the 415 error for a request body of an unsupported media type."""
    received = mimetype or "(no Content-Type)"
    return ApiError(415, f"Unsupported request media type {received}; send {JSON} or {XML}.")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def decode_json(data: bytes) -> Any:
    """Decode a JSON request body or raise ApiError(400) saying why it is malformed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad_request(f"The JSON body is not valid UTF-8: {error}.") from error
    try:
        decoded = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise bad_request(f"The JSON body is malformed: {error}.") from error
    try:
        # An escaped unpaired surrogate ("\ud800") parses, but no UTF-8 response can echo it.
        json.dumps(decoded, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        raise bad_request(f"The JSON body contains an unpaired surrogate: {error}.") from error
    return decoded
