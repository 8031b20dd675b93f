"""Every endpoint as a pure function from arguments to :class:`RequestOptions`.

The sync and async clients both call these, so a path, a body field or a response type is written once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Union

from ._base_client import RequestOptions, path_segment
from ._constants import HEALTH_PATH, JWKS_PATH

__all__ = [
    "PREFLIGHT_FIELDS",
    "approval_decision",
    "create_suspension",
    "delete_credential",
    "evidence_export",
    "evidence_list",
    "evidence_verify",
    "get_approval",
    "get_policy",
    "get_suspension",
    "health",
    "issue_passport",
    "jwks",
    "list_approvals",
    "list_credentials",
    "list_suspensions",
    "list_tools",
    "preflight",
    "put_credential",
    "put_policy",
    "put_tool",
    "record_evidence",
    "resume_suspension",
    "revoke_passport",
    "rollout_report",
    "simulate_policy",
    "verify_passport",
    "whoami",
]

#: An instant: RFC 3339 text, or a timezone-aware ``datetime``.
Instant = Union[str, datetime]

PREFLIGHT_FIELDS = (
    "goal", "tool", "resource", "args", "mode", "agent_id", "user_id", "passport",
    "approval_request_id", "tool_definition", "tool_hash", "context",
)  # fmt: skip


def _body(**fields: Any) -> dict[str, Any]:
    """Absent (None) fields are left out: the contract rejects nulls where it expects a value."""
    return {key: value for key, value in fields.items() if value is not None}


def preflight(
    params: Mapping[str, Any], *, default_mode: str, default_agent_id: str | None
) -> tuple[RequestOptions, str]:
    """The request and the mode it asks for (the client's mode unless the call names one)."""
    unknown = set(params) - set(PREFLIGHT_FIELDS)
    if unknown:
        raise TypeError(f"preflight() got unexpected arguments: {', '.join(sorted(unknown))}")
    body = _body(**{key: params.get(key) for key in PREFLIGHT_FIELDS})
    body.setdefault("mode", default_mode)
    if default_agent_id is not None:
        body.setdefault("agent_id", default_agent_id)
    return RequestOptions("POST", "/actions/preflight", "Decision", body=body), body["mode"]


def issue_passport(
    *,
    audience: str,
    goal: str,
    allowed_tools: Sequence[str],
    allowed_resources: Sequence[str] | None,
    resource_constraints: Mapping[str, Any] | None,
    ttl_seconds: int | None,
    risk_tier: str | None,
    agent_id: str | None,
    user_id: str | None,
    action_hash: str | None,
) -> RequestOptions:
    body = _body(
        audience=audience,
        goal=goal,
        allowed_tools=list(allowed_tools),
        allowed_resources=list(allowed_resources) if allowed_resources is not None else None,
        resource_constraints=dict(resource_constraints) if resource_constraints is not None else None,
        ttl_seconds=ttl_seconds,
        risk_tier=risk_tier,
        agent_id=agent_id,
        user_id=user_id,
        action_hash=action_hash,
    )
    return RequestOptions("POST", "/passports", "IssuedPassport", body=body)


def verify_passport(
    *,
    token: str,
    audience: str | None,
    tool: str | None,
    resource: str | None,
    args: Mapping[str, Any] | None,
) -> RequestOptions:
    body = _body(token=token, audience=audience, tool=tool, resource=resource, args=args)
    return RequestOptions("POST", "/passports/verify", "PassportVerification", body=body)


def revoke_passport(jti: str, reason: str) -> RequestOptions:
    path = f"/passports/{path_segment(jti)}/revoke"
    return RequestOptions("POST", path, "PassportRevocation", body={"reason": reason})


def record_evidence(type: str, data: Mapping[str, Any]) -> RequestOptions:
    return RequestOptions("POST", "/evidence", "EvidenceEvent", body={"type": type, "data": data})


def jwks() -> RequestOptions:
    return RequestOptions("GET", JWKS_PATH, "Jwks", api_path=False)


def health() -> RequestOptions:
    return RequestOptions("GET", HEALTH_PATH, "Health", api_path=False)


def list_approvals(status: str | None, limit: int | None) -> RequestOptions:
    return RequestOptions("GET", "/approvals", "ApprovalList", params={"status": status, "limit": limit})


def get_approval(approval_id: str) -> RequestOptions:
    return RequestOptions("GET", f"/approvals/{path_segment(approval_id)}", "ApprovalRequest")


def approval_decision(approval_id: str, verdict: str, note: str | None) -> RequestOptions:
    path = f"/approvals/{path_segment(approval_id)}/{verdict}"
    return RequestOptions("POST", path, "ApprovalRequest", body=_body(note=note))


def put_tool(definition: Mapping[str, Any]) -> RequestOptions:
    name = definition.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("the tool definition needs a non-empty string `name`")
    return RequestOptions("PUT", f"/tools/{path_segment(name)}", "ApprovedTool", body=definition)


def list_tools() -> RequestOptions:
    return RequestOptions("GET", "/tools", "ToolList")


def put_credential(
    name: str,
    *,
    value: str,
    bound_tools: Sequence[str],
    lease_ttl_seconds: int | None,
    delivery: str | None = None,
) -> RequestOptions:
    # delivery "proxy": only the enforcing proxy ever receives the secret; "sdk" (default) leases it.
    body = _body(
        value=value,
        bound_tools=list(bound_tools),
        lease_ttl_seconds=lease_ttl_seconds,
        delivery=delivery,
    )
    return RequestOptions("PUT", f"/credentials/{path_segment(name)}", "CredentialMetadata", body=body)


def list_credentials() -> RequestOptions:
    return RequestOptions("GET", "/credentials", "CredentialList")


def delete_credential(name: str) -> RequestOptions:
    return RequestOptions("DELETE", f"/credentials/{path_segment(name)}", "CredentialDeletion")


def create_suspension(
    *, scope: str, reason: str, match: str | None = None, until: Instant | None = None
) -> RequestOptions:
    body = _body(scope=scope, match=match, reason=reason, until=instant(until, "until"))
    return RequestOptions("POST", "/suspensions", "Suspension", body=body)


def list_suspensions(status: str | None, limit: int | None) -> RequestOptions:
    return RequestOptions("GET", "/suspensions", "SuspensionList", params={"status": status, "limit": limit})


def get_suspension(suspension_id: str) -> RequestOptions:
    return RequestOptions("GET", f"/suspensions/{path_segment(suspension_id)}", "Suspension")


def resume_suspension(suspension_id: str) -> RequestOptions:
    return RequestOptions("DELETE", f"/suspensions/{path_segment(suspension_id)}", "Suspension")


def evidence_list(
    after_seq: int | None,
    limit: int | None,
    *,
    type: str | None = None,
    tool: str | None = None,
    decision: str | None = None,
    agent_id: str | None = None,
    since: Instant | None = None,
    until: Instant | None = None,
) -> RequestOptions:
    params = {
        "after_seq": after_seq, "limit": limit, "type": type, "tool": tool, "decision": decision,
        "agent_id": agent_id, "since": instant(since, "since"), "until": instant(until, "until"),
    }  # fmt: skip
    return RequestOptions("GET", "/evidence", "EvidencePage", params=params)


def whoami() -> RequestOptions:
    return RequestOptions("GET", "/whoami", "WhoAmI")


def rollout_report(
    since: Instant | None, until: Instant | None, bucket: str | None, top: int | None
) -> RequestOptions:
    params = {
        "since": instant(since, "since"), "until": instant(until, "until"), "bucket": bucket, "top": top,
    }  # fmt: skip
    return RequestOptions("GET", "/reports/rollout", "RolloutReport", params=params)


def simulate_policy(
    policy: Mapping[str, Any],
    *,
    since: Instant | None,
    until: Instant | None,
    after_seq: int | None,
    limit: int | None,
) -> RequestOptions:
    body = _body(
        policy=policy,
        since=instant(since, "since"),
        until=instant(until, "until"),
        after_seq=after_seq,
        limit=limit,
    )
    return RequestOptions("POST", "/policy/simulate", "PolicySimulation", body=body)


def instant(value: Instant | None, name: str) -> str | None:
    """RFC 3339 text for the wire; a ``datetime`` must carry its time zone (a naive one is ambiguous)."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime (e.g. datetime.now(timezone.utc))")
    return value.isoformat()


def evidence_verify() -> RequestOptions:
    return RequestOptions("GET", "/evidence/verify", "ChainVerification")


def evidence_export() -> RequestOptions:
    return RequestOptions("GET", "/evidence/export", "EvidenceExport")


def get_policy() -> RequestOptions:
    return RequestOptions("GET", "/policy", "PolicyDocument")


def put_policy(policy: Mapping[str, Any]) -> RequestOptions:
    return RequestOptions("PUT", "/policy", "PolicyDocument", body=policy)
