"""The exception that resource handlers raise to respond with an HTTP error."""

from __future__ import annotations


class ApiError(Exception):
    """An error response: status, optional ``error-key`` header value, message and extra headers."""

    def __init__(
        self,
        status: int,
        message: str,
        error_key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_key = error_key
        self.headers = dict(headers or {})


def bad_request(message: str, error_key: str | None = None) -> ApiError:
    """Build a 400 error."""
    return ApiError(400, message, error_key)


def not_found(message: str, error_key: str | None = None) -> ApiError:
    """Build a 404 error."""
    return ApiError(404, message, error_key)


def unauthorized(message: str = "Authentication is required for this resource.") -> ApiError:
    """Build a 401 error with a Basic challenge."""
    return ApiError(401, message, headers={"WWW-Authenticate": 'Basic realm="ICM"'})


def forbidden(message: str, error_key: str | None = None) -> ApiError:
    """Build a 403 error."""
    return ApiError(403, message, error_key)


def conflict(message: str, error_key: str | None = None) -> ApiError:
    """Build a 409 error."""
    return ApiError(409, message, error_key)
