"""The WSGI application of the reference server: URL parsing, authentication, routing, content
negotiation, error mapping and rendering of every response."""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import LimitedStream

from conformance.server.auth import TOKEN_HEADER, TOKEN_OUTDATED, identify
from conformance.server.context import (
    APPS,
    JSON,
    SERVER_GROUP,
    SITES,
    XML,
    Operation,
    Reply,
    RequestContext,
    Settings,
)
from conformance.server.demo import seed_demo_data
from conformance.server.errors import ApiError, bad_request, not_found
from conformance.server.faults import validate_fault
from conformance.server.routes import Route, find_route
from conformance.server.store import Store, User
from conformance.server.tokens import TokenService
from conformance.server.urls import ParsedUrl, parse_rest_path
from conformance.server.xmlcodec import XML_DECLARATION, string_to_xml, to_xml

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
# Bodies up to this size are read and discarded after an early response, so that the client is
# not cut off by a reset while it still sends.
MAX_DRAIN_BYTES = 64 * 1024 * 1024
ERROR_KEY_HEADER = "error-key"
PLAIN = "text/plain"
WRONG_XML_ROOT = "Response"
# Deliberately absent from the contract's list, for the error-key-undocumented fault.
UNDOCUMENTED_ADDRESS_KEY = "customer.address.invalid.error"


class _Request(Request):
    max_content_length = MAX_BODY_BYTES


@dataclass
class _Exchange:
    """Request facts for the renderer, filled in as dispatch proceeds."""

    site: str = ""
    user: User | None = None
    outdated: bool = False
    media: str = JSON


def _raw_path(request: Request) -> str:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if not raw:
        return quote(request.path)
    if "://" in raw.split("?", 1)[0]:
        return urlsplit(raw).path
    return raw


def negotiate(request: Request, offered: tuple[str, ...]) -> str | None:
    """Return the offered media type the client accepts best; JSON when it states nothing."""
    accept = request.accept_mimetypes
    if not accept:
        return offered[0]
    return accept.best_match(offered)


def _drain(request: Request) -> None:
    """Read and discard what is left of the request body."""
    try:
        stream = request.stream
    except RequestEntityTooLarge:
        length = request.content_length or 0
        if length <= MAX_DRAIN_BYTES:
            LimitedStream(request.input_stream, length).exhaust()
        return
    try:
        if isinstance(stream, LimitedStream):
            stream.exhaust()
    except (RequestEntityTooLarge, OSError):
        return


class ReferenceApp:
    """In-memory ICM 11 Customer REST API 1.2.1 with the demo data of one server instance."""

    def __init__(
        self,
        *,
        fault: str | None = None,
        token_lifetime: float = 3600.0,
        simple_registration: bool = True,
    ) -> None:
        self.settings = Settings(
            fault=validate_fault(fault),
            token_lifetime=token_lifetime,
            simple_registration=simple_registration,
        )
        self.store = Store()
        seed_demo_data(self.store)
        self.tokens = TokenService(token_lifetime)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = _Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        """Return the response to one request; never raises."""
        exchange = _Exchange()
        try:
            with self.store.lock:
                reply = self._dispatch(request, exchange)
        except ApiError as error:
            logger.debug(
                "Rejected %s %s: %s %s", request.method, request.path, error.status, error.message
            )
            reply = Reply(error.status, error.message, headers=dict(error.headers))
            if error.error_key:
                reply.headers[ERROR_KEY_HEADER] = error.error_key
        except RequestEntityTooLarge:
            reply = Reply(413, f"The request body exceeds {MAX_BODY_BYTES} bytes.")
        except Exception:
            logger.exception("Unhandled error on %s %s", request.method, request.full_path)
            reply = Reply(500, "Internal server error.")
        _drain(request)
        return self._render(request, exchange, reply)

    def _parse_url(self, request: Request) -> ParsedUrl:
        try:
            parsed = parse_rest_path(_raw_path(request))
        except UnicodeDecodeError as error:
            raise bad_request(f"The URL path is not valid UTF-8: {error}.") from error
        if parsed is None:
            raise not_found(f"No REST resource at {request.path}.")
        if parsed.server_group != SERVER_GROUP:
            raise not_found(f"Server group {parsed.server_group!r} does not exist; use WFS.")
        if parsed.site not in SITES:
            raise not_found(f"Site {parsed.site!r} does not exist; use one of {', '.join(SITES)}.")
        if parsed.app not in APPS:
            raise not_found(f"Application {parsed.app!r} does not exist; use 'rest' or '-'.")
        if parsed.matrix and self.settings.fault == "matrix-breaks-route":
            raise not_found(f"No REST resource at {request.path} (seeded fault).")
        return parsed

    def _dispatch(self, request: Request, exchange: _Exchange) -> Reply:
        # Errors before routing follow the Accept header too, falling back to JSON.
        exchange.media = negotiate(request, (JSON, XML)) or JSON
        parsed = self._parse_url(request)
        exchange.site = parsed.site
        caller = identify(
            request,
            parsed.site,
            self.store,
            self.tokens,
            accept_invalid_tokens=self.settings.fault == "token-invalid-accepted",
            honour_expiry=self.settings.fault != "token-never-expires",
        )
        exchange.user, exchange.outdated = caller.user, caller.outdated

        route, operation, keys = self._select_operation(request, parsed)
        media = negotiate(request, route.media_types)
        if media is None:
            exchange.media = PLAIN
            offered = ", ".join(route.media_types)
            raise ApiError(406, f"Not acceptable: this resource offers {offered}.")
        exchange.media = media
        if (request.content_length or 0) > MAX_BODY_BYTES:
            raise RequestEntityTooLarge()

        ctx = RequestContext(
            request=request,
            url=parsed,
            store=self.store,
            tokens=self.tokens,
            settings=self.settings,
            host_url=request.host_url,
            operation=operation,
            user=caller.user,
            media=media,
        )
        try:
            return operation.handler(ctx, keys)
        except ApiError as error:
            self._set_error_key(error, operation)
            raise
        finally:
            exchange.user = ctx.user

    def _select_operation(
        self, request: Request, parsed: ParsedUrl
    ) -> tuple[Route, Operation, dict[str, str]]:
        """Return route, operation and URL keys of a request; raise 404 or 405 otherwise."""
        found = find_route(parsed.segments)
        if found is None:
            raise not_found(f"No resource at {'/'.join(parsed.segments)!r}.")
        route, keys = found
        method = "GET" if request.method == "HEAD" else request.method
        operation = route.operations.get(method)
        if operation is None and self.settings.fault == "method-not-allowed-404":
            raise not_found(f"No {request.method} resource at {'/'.join(parsed.segments)!r}.")
        if operation is None:
            raise _method_not_allowed(route, request.method)
        return route, operation, keys

    def _set_error_key(self, error: ApiError, operation: Operation) -> None:
        """Give a 404 or 400 without a key the operation's documented key, and apply the
        error-key faults, which concern the 400s of address creation and the 404 of an address
        read."""
        fault = self.settings.fault
        if fault == "error-key-missing-404" and operation.operation_id.startswith("getAddress"):
            if error.status == 404:
                error.error_key = None
            return
        if error.error_key is None and error.status == 404:
            error.error_key = operation.not_found_key
        if error.error_key is None and error.status == 400:
            error.error_key = operation.bad_request_key
        if error.status != 400 or not operation.operation_id.startswith("createAddress"):
            return
        if self.settings.fault == "error-key-missing":
            error.error_key = None
        elif self.settings.fault == "error-key-undocumented":
            error.error_key = UNDOCUMENTED_ADDRESS_KEY

    def _render(self, request: Request, exchange: _Exchange, reply: Reply) -> Response:
        body, content_type = self._body(exchange.media, reply)
        fault = self.settings.fault
        client_error = 400 <= reply.status < 500
        if client_error and fault == "content-type-missing-on-errors":
            content_type = None
        response = Response(body, status=reply.status)
        if content_type is None:
            response.headers.remove("Content-Type")
        else:
            response.headers["Content-Type"] = content_type
        for name, value in reply.headers.items():
            response.headers[name] = value
        if exchange.outdated and ERROR_KEY_HEADER not in response.headers:
            response.headers[ERROR_KEY_HEADER] = TOKEN_OUTDATED
        token_missing = fault == "auth-token-missing" or (
            client_error and fault == "auth-token-missing-on-errors"
        )
        if not token_missing:
            site = exchange.site or SITES[0]
            user_id = exchange.user.id if exchange.user else None
            if fault == "token-not-reusable":
                user_id = None
            response.headers[TOKEN_HEADER] = self.tokens.issue_session(site, user_id)
        return response

    def _body(self, media: str, reply: Reply) -> tuple[bytes, str | None]:
        payload = reply.payload
        fault = self.settings.fault
        if reply.status == 204 or payload is None:
            return b"", None
        if media == PLAIN:
            return str(payload).encode("utf-8"), f"{PLAIN}; charset=utf-8"
        if media == XML and fault == "xml-as-json":
            media = JSON
        if media == XML:
            if isinstance(payload, dict) and reply.schema:
                root = WRONG_XML_ROOT if fault == "xml-wrong-root" else None
                document = to_xml(payload, reply.schema, root)
                if fault == "xml-malformed":
                    # Dropping the final ">" leaves the root element unterminated.
                    document = document.rstrip()[:-1]
                elif fault == "xml-attribute-as-element":
                    document = type_attribute_as_element(document)
            else:
                document = string_to_xml(str(payload))
            return document, f"{XML}; charset=utf-8"
        encoded = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if fault == "content-type-wrong" and isinstance(payload, dict):
            return encoded, f"{PLAIN}; charset=utf-8"
        return encoded, f"{JSON}; charset=utf-8"


def type_attribute_as_element(document: bytes) -> bytes:
    """Move the root element's ``type`` attribute into a first child element of that name."""
    root = ET.fromstring(document)
    value = root.attrib.pop("type", None)
    if value is not None:
        child = ET.Element("type")
        child.text = value
        root.insert(0, child)
    return XML_DECLARATION + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _method_not_allowed(route: Route, method: str) -> ApiError:
    allowed = set(route.operations)
    if "GET" in allowed:
        allowed.add("HEAD")
    error = ApiError(405, f"Method {method} is not allowed here.")
    error.headers["Allow"] = ", ".join(sorted(allowed))
    return error


def make_app(
    *,
    fault: str | None = None,
    token_lifetime: float = 3600.0,
    simple_registration: bool = True,
) -> ReferenceApp:
    """Return a fresh WSGI app with its own demo data, for in-process use."""
    return ReferenceApp(
        fault=fault, token_lifetime=token_lifetime, simple_registration=simple_registration
    )
