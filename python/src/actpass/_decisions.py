"""Decisions the client makes itself when it cannot get a valid one from the gateway.

They always deny. Only ``monitor`` lets the action run, and then ``enforced`` is False so nobody can
mistake the result for a gateway decision. Each carries ``cause`` ``{kind, status?, code?, message}``
and a next step naming what to fix.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, cast

from ._constants import CLIENT_DECISION, CLIENT_RISK_TIER, CLIENT_SOURCE
from ._exceptions import (
    ActPassError,
    APIError,
    APITimeoutError,
    DeadlineExceededError,
    InvalidResponseError,
    MisconfiguredError,
)
from ._response import APIResult

if TYPE_CHECKING:
    from ._decision_types import ClientDecision, ClientPassportVerification

__all__ = ["client_decision", "client_verification", "diagnose", "reason_for_error"]

_STEPS = {
    "unreachable": "Check that the gateway is running and reachable at base_url (or ACTPASS_BASE_URL).",
    "timeout": "Check the gateway's health and latency, or raise the client's timeout= / deadline=.",
    "media_type": "Check that base_url points at an ActPass gateway: this answer did not come from one "
    "(a proxy, a login page?).",
    "too_large": "Check that base_url points at an ActPass gateway; raise max_response_bytes= only if "
    "you expect large answers.",
    "invalid_body": "Check that base_url points at an ActPass gateway of a compatible version.",
    "api_key": "Check the API key (api_key= or ACTPASS_API_KEY): the gateway does not know it. "
    "`actpass dev` prints its keys when it starts.",
    "tenant": "Check tenant_id=: the API key belongs to another tenant. Use that tenant's id, or drop "
    "tenant_id (the key decides the tenant).",
    "role": "The API key's role may not call this operation: use a key with the needed role "
    "(agent, approver or admin).",
    "base_url": "Check base_url: it must be the gateway's root (e.g. http://127.0.0.1:8787), without a "
    "path such as /api/v1.",
    "rate_limited": "The gateway is rate-limiting this key: slow down, or retry after the time it asked for.",
    "conflict": "Another request holds this idempotency key or state: retry with a new call.",
    "server": "The gateway failed: look up the request id in the gateway's log "
    "(`actpass dev` prints one line per request).",
    "internal": "This is a bug or a broken environment: report it with the message above.",
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


def diagnose(error: Exception) -> tuple[dict[str, Any], str]:
    """``cause`` (safe to show) and the specific next step for ``error``."""
    if not isinstance(error, ActPassError):
        message = f"unexpected client error ({type(error).__name__})"
        return {"kind": "internal", "message": message}, _STEPS["internal"]
    message = error.message
    if isinstance(error, MisconfiguredError):
        return {"kind": "configuration", "message": message}, error.fix
    if isinstance(error, InvalidResponseError):
        cause: dict[str, Any] = {"kind": error.kind, "message": message}
        if error.status is not None:
            cause["status"] = error.status
        return cause, _STEPS.get(error.kind, _STEPS["invalid_body"])
    if isinstance(error, APITimeoutError):
        kind = "deadline" if isinstance(error, DeadlineExceededError) else "timeout"
        return {"kind": kind, "message": message}, _STEPS["timeout"]
    if isinstance(error, APIError):
        cause = {"kind": "http_status", "status": error.status, "message": f"the gateway answered {message}"}
        if error.code is not None:
            cause["code"] = error.code
        return cause, _status_step(error)
    return {"kind": "connection", "message": message}, _STEPS["unreachable"]


def _status_step(error: APIError) -> str:
    status = error.status
    if status == 401:
        return _STEPS["api_key"]
    if status == 403:
        return _STEPS["tenant"] if error.code == "auth.tenant_mismatch" else _STEPS["role"]
    if status == 404:  # the gateway's own 404 on a decision call: the route is not there
        return _STEPS["base_url"]
    if status in (400, 422):
        return _bad_request_step(error.body)
    if status == 429:
        return _STEPS["rate_limited"]
    if status == 409:
        return _STEPS["conflict"]
    return _STEPS["server"]


def _bad_request_step(body: Any) -> str:
    """Names the field the gateway complained about, when its error body says which one."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "Fix the request the gateway rejected (see the cause)."
    details = error.get("details")
    first = details[0] if isinstance(details, list) and details else None
    if isinstance(first, dict) and isinstance(first.get("path"), str):
        why = f": {first['message']}" if isinstance(first.get("message"), str) else ""
        return f"Fix the request field `{first['path']}`{why}."
    message = error.get("message")
    return f"Fix the request: {message}" if isinstance(message, str) else "Fix the request (see the cause)."


def _request_id(error: Exception) -> str | None:
    return error.request_id if isinstance(error, ActPassError) else None


def client_decision(error: Exception, *, mode: str) -> ClientDecision:
    """A fail-closed ``deny`` explaining ``error``; ``enforced`` is False only in ``monitor``."""
    reason = reason_for_error(error)
    cause, next_step = diagnose(error)
    request_id = _request_id(error)
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
            "summary": f"No decision from ActPass: {cause['message']}; {consequence}.",
            "matched_rules": [],
            "next_steps": [next_step],
        },
        "cause": cause,
        "decided_at": _now_iso(),
    }
    if mode in ("monitor", "warn"):
        data["would_decision"] = CLIENT_DECISION
    if request_id is not None:
        data["request_id"] = request_id
    return cast("ClientDecision", APIResult(data, request_id=request_id, http_response=_response_of(error)))


def client_verification(error: Exception) -> ClientPassportVerification:
    """``verify_passport``'s fail-closed answer: not valid, with the same client reason codes."""
    cause, _ = diagnose(error)
    request_id = _request_id(error)
    data: dict[str, Any] = {
        "valid": False,
        "reason_code": reason_for_error(error),
        "message": f"No verification from ActPass: {cause['message']}; treat the passport as invalid.",
        "source": CLIENT_SOURCE,
        "cause": cause,
    }
    if request_id is not None:
        data["request_id"] = request_id
    return cast(
        "ClientPassportVerification",
        APIResult(data, request_id=request_id, http_response=_response_of(error)),
    )


def _response_of(error: Exception) -> Any:
    return getattr(error, "response", None)


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
