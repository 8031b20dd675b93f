"""Decisions the client makes itself when it cannot get a valid one from the gateway (SPEC §9).

They always deny. Only ``monitor`` lets the action run, and then ``enforced`` is False so nobody can
mistake the result for a gateway decision.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, cast

from ._constants import CLIENT_DECISION, CLIENT_RISK_TIER, CLIENT_SOURCE
from ._exceptions import (
    ActPassError,
    APIError,
    APITimeoutError,
    InvalidResponseError,
    MisconfiguredError,
)
from ._response import APIResult

if TYPE_CHECKING:
    from ._generated.contract import Decision, PassportVerification

__all__ = ["client_decision", "client_verification", "reason_for_error"]

_NEXT_STEPS = {
    "client.misconfigured": "Set api_key= (or ACTPASS_API_KEY) and an http(s) base_url (or ACTPASS_BASE_URL)",
    "client.unreachable": "Check that the gateway is running and reachable at the client's base_url.",
    "client.timeout": "Check the gateway's health; raise the client's timeout if the gateway is slow.",
    "client.http_error": "Read the gateway's error code in explain.summary; quote the request id.",
    "client.invalid_response": "The base_url may point at something other than an ActPass gateway.",
}


def reason_for_error(error: Exception) -> str:
    if not isinstance(error, ActPassError) or isinstance(error, MisconfiguredError):
        # Not a transport problem at all (a bug, a bad argument): still never an allow.
        return "client.misconfigured"
    if isinstance(error, APITimeoutError):
        return "client.timeout"
    if isinstance(error, APIError):
        return "client.http_error"
    if isinstance(error, InvalidResponseError):
        return "client.invalid_response"
    return "client.unreachable"


def _what(error: Exception) -> tuple[str, str | None]:
    """What went wrong, safe to show, and the request id when a response arrived."""
    if isinstance(error, ActPassError):
        return error.message, error.request_id
    return f"unexpected client error ({type(error).__name__})", None


def client_decision(error: Exception, *, mode: str) -> Decision:
    """A fail-closed ``deny`` explaining ``error``; ``enforced`` is False only in ``monitor``."""
    reason = reason_for_error(error)
    what, request_id = _what(error)
    monitor = mode == "monitor"
    consequence = (
        "monitor mode: the action is not enforced and runs unchecked"
        if monitor
        else "the action is blocked (fail closed)"
    )
    data: dict[str, Any] = {
        "decision": CLIENT_DECISION,
        "reason_code": reason,
        "risk_tier": CLIENT_RISK_TIER,
        "mode": mode,
        "enforced": not monitor,
        "source": CLIENT_SOURCE,
        "explain": {
            "summary": f"No decision from ActPass: {what}; {consequence}.",
            "matched_rules": [],
            "next_steps": [_NEXT_STEPS[reason]],
        },
        "decided_at": _now_iso(),
    }
    if mode in ("monitor", "warn"):
        data["would_decision"] = CLIENT_DECISION
    if request_id is not None:
        data["request_id"] = request_id
    return cast("Decision", APIResult(data, request_id=request_id, http_response=_response_of(error)))


def client_verification(error: Exception) -> PassportVerification:
    """``verify_passport``'s fail-closed answer: not valid, with the same client reason codes."""
    what, request_id = _what(error)
    data: dict[str, Any] = {
        "valid": False,
        "reason_code": reason_for_error(error),
        "message": f"No verification from ActPass: {what}; treat the passport as invalid.",
        "source": CLIENT_SOURCE,
    }
    if request_id is not None:
        data["request_id"] = request_id
    return cast(
        "PassportVerification", APIResult(data, request_id=request_id, http_response=_response_of(error))
    )


def _response_of(error: Exception) -> Any:
    return getattr(error, "response", None)


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
