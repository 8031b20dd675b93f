"""The one error shape the gateway answers with, ``{error: {code, message, request_id, details?}}``."""

from __future__ import annotations

from typing import Any


class GatewayError(Exception):
    """A refusal with its HTTP status and stable code; the message names the field and the fix."""

    def __init__(
        self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def invalid(path: str, message: str, fix: str = "correct the value") -> GatewayError:
    return GatewayError(
        400, "request.invalid", f"{path}: {message}; {fix}.", [{"path": path, "message": message}]
    )


def not_found(message: str) -> GatewayError:
    return GatewayError(404, "request.not_found", message)
