"""The error tree, keyed on meaning. Messages never carry API keys, passport tokens or credential values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "ActPassError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DeadlineExceededError",
    "InternalServerError",
    "InvalidResponseError",
    "MisconfiguredError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
]


class ActPassError(Exception):
    """Base of every error the client raises. ``request_id`` is the gateway's ``x-request-id`` when known."""

    request_id: str | None

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id


DEFAULT_FIX = "Set api_key= (or ACTPASS_API_KEY) and an http(s) base_url= (or ACTPASS_BASE_URL)."


class MisconfiguredError(ActPassError):
    """The client cannot send anything: no API key, a base URL that is not http(s)://host, a bad option
    or a missing field. ``fix`` names what to change (it becomes the decision's ``next_steps``)."""

    def __init__(self, message: str, *, fix: str = DEFAULT_FIX) -> None:
        super().__init__(message)
        self.fix = fix


class APIConnectionError(ActPassError):
    """No HTTP answer: connection refused or reset, DNS failure, TLS failure."""


class APITimeoutError(APIConnectionError):
    """An attempt took longer than the client's timeout."""


class DeadlineExceededError(APITimeoutError):
    """The call's overall deadline (``deadline``, across attempts and backoff) passed without an answer."""


class InvalidResponseError(ActPassError):
    """A 2xx answer the client will not act on. ``kind``: ``media_type`` (not application/json or
    ``+json``), ``too_large`` (over ``max_response_bytes``) or ``invalid_body`` (not JSON, or not the
    contract's shape)."""

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        status: int | None = None,
        response: httpx.Response | None = None,
        kind: str = "invalid_body",
    ) -> None:
        super().__init__(message, request_id=request_id)
        self.status = status
        self.response = response
        self.kind = kind

    @property
    def status_code(self) -> int | None:
        """The HTTP status, as httpx and openai-python name it (same as ``status``)."""
        return self.status


class APIError(ActPassError):
    """The gateway answered with an error status; ``code`` is its error code, e.g. ``auth.forbidden``."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None,
        request_id: str | None,
        body: Any,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id)
        self.status = status
        self.code = code
        self.body = body
        self.response = response

    @property
    def status_code(self) -> int:
        """The HTTP status, as httpx and openai-python name it (same as ``status``)."""
        return self.status


class BadRequestError(APIError):
    """400: the request is invalid; the message names the field."""


class AuthenticationError(APIError):
    """401: the API key is missing or unknown."""


class PermissionDeniedError(APIError):
    """403: the key lacks the role, or the tenant hint does not match the key's tenant."""


class NotFoundError(APIError):
    """404: no such object in the key's tenant."""


class ConflictError(APIError):
    """409: idempotency conflict, or the object's state does not allow this."""


class UnprocessableEntityError(APIError):
    """422."""


class RateLimitError(APIError):
    """429."""


class InternalServerError(APIError):
    """5xx."""


_STATUS_ERRORS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for_status(status: int) -> type[APIError]:
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, APIError)
