"""The contract's operations, one function each: check the body, call one concept, shape the answer.

The route table (``_routes``) maps each method and path to one. They know nothing of HTTP beyond the
status they answer with.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from . import _validate as schema
from ._decide import decide
from ._errors import GatewayError, invalid, not_found
from ._globs import is_tool_name, tool_glob_problem
from ._ids import iso_ms
from ._ledger import LedgerInputError, check_append, signed_export
from ._passports import issue, peek_audience, verify
from ._policy import compile_policy
from ._principal import Principal
from ._vault import LEASE_TTL_DEFAULT

if TYPE_CHECKING:
    from ._gateway import LocalGateway

GATEWAY_NAMESPACES: Final = (
    "decision",
    "approval",
    "passport",
    "credential",
    "tool",
    "policy",
    "keyset",
    "ledger",
    "evidence",
    "action",
)
OUTCOME_TYPE: Final = "action.outcome"
# Where an outcome names its decision, in the order read; and an event id's shape (the contract's EventId).
OUTCOME_DECISION_FIELDS: Final = ("decision_event_id", "evidence_event_id")
OUTCOME_EVENT_ID: Final = re.compile(r"ev_[A-Za-z0-9_-]{1,64}")
VAULT_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")
_TOOL_NOT_A_NAME: Final = 'must be dot-separated segments of letters, digits, "_" and "-"'


def op_preflight(
    gateway: LocalGateway, principal: Principal, body: Any, request_id: str, idem: str | None
) -> tuple[int, Any]:
    checked = schema.check_body(body, "body", schema.PREFLIGHT, ("goal", "tool"))
    if not is_tool_name(checked["tool"]):
        raise invalid("body.tool", _TOOL_NOT_A_NAME, 'correct the value, e.g. "stripe.refund.create"')
    # Outcome records ride along: all checked before anything is recorded or decided.
    outcomes = checked_outcomes(gateway, principal, checked.get("outcomes"))
    return 200, decide(gateway, principal, checked, request_id, idem, outcomes)


def checked_outcomes(gateway: LocalGateway, principal: Principal, outcomes: Any) -> list[dict[str, Any]]:
    """Outcome records of earlier actions, each bound to a decision made for this key in this tenant.

    The checks ``op_record_evidence`` makes for an outcome (no ``written_by`` of its own, and a
    ``decision`` event the calling key was given: ``bound_decision_id``), and that no two records of the
    request name the same decision; one bad record refuses the whole request.
    """
    seen: set[str] = set()
    for i, data in enumerate(outcomes or []):
        at = f"body.outcomes[{i}]"
        if "written_by" in data:
            raise invalid(f"{at}.written_by", "is recorded by the gateway from the API key", "remove it")
        try:
            check_append(OUTCOME_TYPE, data)
        except LedgerInputError as error:
            # What the ledger itself would refuse is refused before anything is appended.
            raise invalid(at, str(error), "leave it out") from error
        event_id = bound_decision_id(gateway, principal, data, at)
        if event_id in seen:
            raise invalid(
                f"{at}.decision_event_id",
                "names a decision an earlier record of this request names",
                "send one outcome per decision",
            )
        seen.add(event_id)
    return list(outcomes or [])


def bound_decision_id(gateway: LocalGateway, principal: Principal, data: dict[str, Any], at: str) -> str:
    """The decision an ``action.outcome`` record names, checked to be one made for the calling key.

    An outcome names it in ``decision_event_id`` (the proxies, and records carried on a preflight) or
    ``evidence_event_id`` (the SDKs' guard); both only if equal. Another key's or tenant's decision, an
    id that never existed and an event that is not a decision get one answer. A second outcome for a
    decision from a later request is not refused (the served gateway documents why).
    """
    named = [field for field in OUTCOME_DECISION_FIELDS if field in data]
    if not named:
        raise invalid(
            f"{at}.decision_event_id",
            "is required: an outcome names the decision it is the outcome of",
            "add the evidence_event_id of the decision this key was given",
        )
    field = named[0]
    event_id = data[field]
    # Both spellings only as the very same id (a reader may follow either).
    if len(named) > 1 and not (
        isinstance(data["evidence_event_id"], str) and data["evidence_event_id"] == event_id
    ):
        raise invalid(
            f"{at}.evidence_event_id",
            "names another decision than decision_event_id",
            "name one decision, or leave evidence_event_id out",
        )
    # Only a string of an event id's shape is looked up (what else could it name?).
    shaped = isinstance(event_id, str) and OUTCOME_EVENT_ID.fullmatch(event_id) is not None
    decision = gateway.ledger.find(principal.tenant_id, event_id) if shaped else None
    writer = decision["data"].get("written_by") if decision is not None else None
    if (
        decision is None
        or decision["type"] != "decision"
        or not isinstance(writer, dict)
        or writer.get("key_id") != principal.key_id
    ):
        # One answer for "no such decision" and "someone else's": which ids exist is not told.
        raise invalid(
            f"{at}.{field}",
            "names no decision made for this key",
            "send the evidence_event_id of a decision this key was given",
        )
    return str(event_id)


def op_issue_passport(gateway: LocalGateway, principal: Principal, body: Any) -> tuple[int, Any]:
    checked = schema.check_body(body, "body", schema.ISSUE_PASSPORT, ("audience", "goal", "allowed_tools"))
    request: dict[str, Any] = {
        "issuer": gateway.issuer,
        "audience": checked["audience"],
        "tenant_id": principal.tenant_id,
        "agent_id": gateway.effective_agent_id(principal, checked.get("agent_id")),
        **{
            k: checked[k]
            for k in (
                "user_id",
                "goal",
                "allowed_tools",
                "allowed_resources",
                "resource_constraints",
                "risk_tier",
                "action_hash",
                "ttl_seconds",
            )
            if k in checked
        },
    }
    try:
        token, claims = issue(gateway.keyset, request, gateway.now_ms() // 1000)
    except ValueError as error:
        raise GatewayError(400, "request.invalid", f"body: {error}; fix the request.") from None
    expires_at = iso_ms(claims["exp"] * 1000)
    gateway.ledger.append(
        principal.tenant_id,
        "passport.issued",
        {
            "jti": claims["jti"],
            "audience": claims["aud"],
            "agent_id": claims["agent_id"],
            "user_id": claims["user_id"],
            "goal": claims["goal"],
            "allowed_tools": claims["allowed_tools"],
            "allowed_resources": claims["allowed_resources"],
            "resource_constraints": claims["resource_constraints"],
            "risk_tier": claims["risk_tier"],
            "expires_at": expires_at,
            "exp": claims["exp"],
            "key_id": principal.key_id,
        },
        principal.writer,
    )
    return 201, {"token": token, "jti": claims["jti"], "expires_at": expires_at, "claims": claims}


def op_verify_passport(gateway: LocalGateway, principal: Principal, body: Any) -> tuple[int, Any]:
    checked = schema.check_body(body, "body", schema.VERIFY_PASSPORT, ("token",))
    token = checked["token"]
    action = None
    if "tool" in checked:
        action = {
            "tool": checked["tool"],
            "resource": checked.get("resource"),
            "args": checked.get("args"),
        }
    result = verify(
        token,
        key_for=gateway.keyset.public_key,
        store=gateway.jti,
        now_s=gateway.now_ms() // 1000,
        issuer=gateway.issuer,
        audience=checked.get("audience", peek_audience(token)),
        tenant_id=principal.tenant_id,
        action=action,
    )
    if isinstance(result, dict):
        return 200, {"valid": True, "claims": result}
    reason_code, message, claims = result
    answer: dict[str, Any] = {"valid": False, "reason_code": reason_code, "message": message}
    # Claims of another tenant's passport are not this caller's to read.
    if claims is not None and claims["tenant_id"] == principal.tenant_id:
        answer["claims"] = claims
    return 200, answer


def op_revoke_passport(gateway: LocalGateway, principal: Principal, jti: str, body: Any) -> tuple[int, Any]:
    checked = schema.check_body(body, "body", schema.REVOKE_PASSPORT, ("reason",))
    issued = next(
        (
            e
            for e in gateway.ledger.events(principal.tenant_id)
            if e["type"] == "passport.issued" and e["data"]["jti"] == jti
        ),
        None,
    )
    if issued is None:
        raise not_found(f"No passport {jti}.")
    # An admin withdraws any passport of the tenant; a key bound to an agent only that agent's (another
    # agent's is reported like a missing one, so jtis cannot be probed across agents).
    if (
        "admin" not in principal.roles
        and principal.agent_id is not None
        and issued["data"].get("agent_id") != principal.agent_id
    ):
        raise not_found(f"No passport {jti}.")
    revoked_at = iso_ms(gateway.now_ms())
    data = {"jti": jti, "reason": checked["reason"], "key_id": principal.key_id}
    gateway.ledger.append(principal.tenant_id, "passport.revoked", data, principal.writer)
    # Kept for the life of the gateway, so past the passport's exp plus any leeway.
    gateway.jti.revoke(principal.tenant_id, jti, checked["reason"])
    return 200, {"jti": jti, "revoked": True, "reason": checked["reason"], "revoked_at": revoked_at}


def op_record_evidence(gateway: LocalGateway, principal: Principal, body: Any) -> tuple[int, Any]:
    checked = schema.check_body(body, "body", schema.RECORD_EVIDENCE, ("type", "data"))
    event_type, data = checked["type"], checked["data"]
    if "written_by" in data:
        raise invalid("body.data.written_by", "is recorded by the gateway from the API key", "remove it")
    if event_type != OUTCOME_TYPE:
        namespace = next(
            (ns for ns in GATEWAY_NAMESPACES if event_type == ns or event_type.startswith(ns + ".")), None
        )
        if namespace is not None:
            raise invalid(
                "body.type",
                f'"{event_type}" is in the gateway\'s "{namespace}" namespace',
                'use a type of your own, e.g. "app.refund_sent"',
            )
    else:
        # An outcome is bound to a decision made for this key, as one carried on a preflight is.
        bound_decision_id(gateway, principal, data, "body.data")
    return 201, gateway.ledger.append(principal.tenant_id, event_type, data, principal.writer)


def op_list_evidence(gateway: LocalGateway, principal: Principal, query: dict[str, str]) -> tuple[int, Any]:
    after = int_query(query, "after_seq", 0, 0, 2**53 - 1)
    limit = int_query(query, "limit", 100, 1, 1000)
    wanted = query.get("type")
    events = [
        e
        for e in gateway.ledger.events(principal.tenant_id)
        if e["seq"] > after
        and (
            wanted is None
            or e["type"] == wanted
            or (wanted.endswith(".*") and e["type"].startswith(wanted[:-1]))
        )
    ][:limit]
    following = events[-1]["seq"] if events and len(events) == limit else None
    return 200, {"events": events, "next_after_seq": following}


def op_verify_evidence(gateway: LocalGateway, principal: Principal) -> tuple[int, Any]:
    result = gateway.ledger.verify(principal.tenant_id)
    head = gateway.ledger.head(principal.tenant_id)
    count = head["seq"]
    if result["ok"]:
        return 200, {"ok": True, "count": count, "head": None if count == 0 else result["head"]}
    return 200, {
        "ok": False,
        "count": count,
        "head": None if count == 0 else head,
        "first_broken_seq": result["first_broken_seq"],
        "reason": result["reason"],
    }


def op_export_evidence(gateway: LocalGateway, principal: Principal) -> tuple[int, Any]:
    return 200, signed_export(
        gateway.ledger.events(principal.tenant_id), principal.tenant_id, gateway.keyset.sign, gateway.now_ms()
    )


def op_approve_tool(gateway: LocalGateway, principal: Principal, name: str, body: Any) -> tuple[int, Any]:
    checked = schema.check_body(body, "body", schema.TOOL_APPROVAL, ("name", "description", "input_schema"))

    def record(data: dict[str, Any]) -> None:
        gateway.ledger.append(principal.tenant_id, "tool.approved", data, principal.writer)

    return 200, gateway.tools.approve(principal.tenant_id, name, checked, gateway.now_ms(), record)


def op_list_tools(gateway: LocalGateway, principal: Principal) -> tuple[int, Any]:
    return 200, {"items": gateway.tools.approved(principal.tenant_id)}


def op_get_policy(gateway: LocalGateway, principal: Principal) -> tuple[int, Any]:
    policy = gateway._policies[principal.tenant_id]
    return 200, {
        "policy": policy.source,
        "hash": policy.hash,
        "updated_at": gateway._policy_updated[principal.tenant_id],
    }


def op_put_policy(gateway: LocalGateway, principal: Principal, body: Any) -> tuple[int, Any]:
    compiled, problems = compile_policy(body)
    if compiled is None:
        details = [
            {
                "path": f"body.{p.path}" if p.path else "body",
                "message": p.message,
                **({"rule_id": p.rule_id} if p.rule_id else {}),
            }
            for p in problems
        ]
        more = f" (and {len(details) - 1} more problems, see error.details)" if len(details) > 1 else ""
        raise GatewayError(
            400,
            "request.invalid",
            f"{details[0]['path']}: {details[0]['message']}{more}. "
            "Fix every problem listed, then PUT the policy again.",
            details,
        )
    gateway._put_policy(principal.tenant_id, compiled, principal.writer)
    return op_get_policy(gateway, principal)


def op_put_credential(gateway: LocalGateway, principal: Principal, name: str, body: Any) -> tuple[int, Any]:
    if not VAULT_NAME.match(name):
        raise invalid(
            "name", "must be 1-128 of letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    spec: schema.Spec = {
        "value": ("string", {"min": 1, "max": 16384}),
        "bound_tools": ("strings", {"min_items": 1, "max_items": 100, "items": {"min": 1, "max": 256}}),
        "lease_ttl_seconds": ("integer", {}),
        "delivery": ("string", {"enum": ("sdk", "proxy")}),
    }
    checked = schema.check_body(body, "body", spec, ("value", "bound_tools"))
    for i, pattern in enumerate(checked["bound_tools"]):
        if tool_glob_problem(pattern):
            raise invalid(f"body.bound_tools/{i}", "is not a tool name or tool glob")
    ttl = checked.get("lease_ttl_seconds", LEASE_TTL_DEFAULT)
    if not 1 <= ttl <= 3600:
        raise invalid("body.lease_ttl_seconds", "must be between 1 and 3600")
    delivery = checked.get("delivery", "sdk")
    stored = gateway.vault.put(
        principal.tenant_id, name, checked["value"], checked["bound_tools"], ttl, delivery, gateway.now_ms()
    )
    data = {
        "name": name,
        "version": stored["version"],
        "bound_tools": stored["bound_tools"],
        "delivery": delivery,
    }
    gateway.ledger.append(principal.tenant_id, "credential.stored", data, principal.writer)
    return 200, stored


def op_list_credentials(gateway: LocalGateway, principal: Principal) -> tuple[int, Any]:
    return 200, {"items": gateway.vault.list(principal.tenant_id)}


def op_delete_credential(gateway: LocalGateway, principal: Principal, name: str) -> tuple[int, Any]:
    if not any(c["name"] == name for c in gateway.vault.list(principal.tenant_id)):
        raise not_found(f"No credential {name}.")
    gateway.ledger.append(principal.tenant_id, "credential.deleted", {"name": name}, principal.writer)
    gateway.vault.delete(principal.tenant_id, name)
    return 200, {"name": name, "deleted": True}


def op_whoami(gateway: LocalGateway, principal: Principal) -> tuple[int, Any]:
    answer: dict[str, Any] = {
        "tenant_id": principal.tenant_id,
        "key_id": principal.key_id,
        "roles": sorted(principal.roles),
    }
    if principal.agent_id is not None:
        answer["agent_id"] = principal.agent_id
    return 200, answer


def int_query(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not re.fullmatch(r"-?\d{1,16}", text) or not low <= int(text) <= high:
        raise invalid(f"query.{name}", f"must be an integer from {low} to {high}")
    return int(text)
