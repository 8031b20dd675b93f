"""ActPass Python client: decide before an AI agent acts, fail closed, keep the evidence.

>>> from actpass import ActPassClient
>>> client = ActPassClient(tenant_id="acme", agent_id="support_agent")
>>> d = client.preflight(goal="resolve_refund_request", tool="stripe.refund.create", args={"amount": 4900})
>>> d["decision"], d["reason_code"]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _webhooks as webhooks
from ._client import ActPassClient, AsyncActPassClient
from ._decision_types import (
    ClientCause,
    ClientDecision,
    ClientPassportVerification,
    ClientReasonCode,
    PreflightDecision,
    is_client_decision,
)
from ._exceptions import (
    ActPassError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DeadlineExceededError,
    InternalServerError,
    InvalidResponseError,
    MisconfiguredError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._guard import ExecuteContext, GuardResult, WaitForApproval
from ._response import APIResult, request_id_of
from ._types import PreflightInput
from ._version import __version__
from ._webhooks import WebhookVerificationError

if TYPE_CHECKING:
    from ._generated.contract import Decision, PassportVerification, WebhookEvent
    from ._verify_export import ExportVerification

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResult",
    "APITimeoutError",
    "ActPassClient",
    "ActPassError",
    "AsyncActPassClient",
    "AuthenticationError",
    "BadRequestError",
    "ClientCause",
    "ClientDecision",
    "ClientPassportVerification",
    "ClientReasonCode",
    "ConflictError",
    "DeadlineExceededError",
    "Decision",
    "ExecuteContext",
    "ExportVerification",
    "GuardResult",
    "InternalServerError",
    "InvalidResponseError",
    "MisconfiguredError",
    "NotFoundError",
    "PassportVerification",
    "PermissionDeniedError",
    "PreflightDecision",
    "PreflightInput",
    "RateLimitError",
    "UnprocessableEntityError",
    "WaitForApproval",
    "WebhookVerificationError",
    "__version__",
    "is_client_decision",
    "request_id_of",
    "verify_export",
    "verify_webhook",
    "webhooks",
]


def verify_export(export: Any, jwks: Any, *, known_head: Any = None) -> ExportVerification:
    """Verify a signed evidence export offline with a JWKS: ``ok``, ``first_broken_seq``, ``reason``,
    ``head``. See :func:`actpass._verify_export.verify_export`.

    Imported on first use so ``import actpass`` does not load ``cryptography``.
    """
    from ._verify_export import verify_export as _verify

    return _verify(export, jwks, known_head=known_head)


def verify_webhook(payload: Any, headers: Any, secret: str, **options: Any) -> WebhookEvent:
    """Verify a webhook delivery's signature and timestamp and return its event; see
    :func:`actpass.webhooks.verify`. Raises :class:`WebhookVerificationError`."""
    return webhooks.verify(payload, headers, secret, **options)


def __getattr__(name: str) -> Any:
    # Loaded on first use: the generated contract types are not needed to make calls.
    if name in ("Decision", "PassportVerification", "WebhookEvent"):
        from ._generated import contract

        return getattr(contract, name)
    if name == "ExportVerification":
        from ._verify_export import ExportVerification

        return ExportVerification
    raise AttributeError(f"module 'actpass' has no attribute {name!r}")
