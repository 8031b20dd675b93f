"""One preflight, in the gateway's order, first failure wins:

approval (when ``approval_request_id`` is given) or else passport (when given, or required in strict)
-> tool drift -> policy -> the ledger's ``decision`` event -> the Decision. A passport bounds what any
policy or approval can allow; only an enforced hold asks a person; monitor and warn change what the
caller is told, never what the ledger records about the real decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ._flow import SESSION_LABELED_EVENT, SessionFlow
from ._ids import canonical_sha256, iso_ms, sha256_hex
from ._passports import LEEWAY_DEFAULT, peek_audience, peek_jti, verify
from ._policy import evaluate

if TYPE_CHECKING:
    from ._gateway import LocalGateway, Principal

RISK_TIER_REFUSED_DELEGATION: Final = "high"
RISK_TIER_TOOL_DRIFT: Final = "high"
ASK_AGAIN: Final = "Run preflight without approval_request_id to ask for a new approval."
PASSPORT_NEXT_STEP: Final = {
    "passport.missing": (
        "Issue a passport (POST /api/v1/passports) and send it as `passport`; strict mode requires one."
    ),
    "passport.replayed": "A passport is single use: issue a new one for this action.",
    "passport.expired": "Issue a new passport; this one has expired.",
    "passport.revoked": "This passport was revoked; issue a new one if the action is still intended.",
    "passport.goal_mismatch": "Send the goal the passport was issued for, or issue a passport for this goal.",
    "passport.user_mismatch": (
        "Send the user_id the passport was issued for, or issue a passport for this user."
    ),
}
DEFAULT_PASSPORT_NEXT_STEP: Final = "Issue a passport that covers this tool, resource and arguments."


@dataclass
class Verdict:
    decision: str
    reason_code: str
    risk_tier: str
    matched_rules: list[str]
    summary: str
    next_steps: list[str]


@dataclass
class Deliberation:
    tenant_id: str
    mode: str
    body: dict[str, Any]
    action: dict[str, Any]
    action_hash: str
    policy: Any
    delegation: dict[str, Any] | None = None
    approval: dict[str, Any] | None = None
    spent: dict[str, str] = field(default_factory=dict)
    session: SessionFlow | None = None


def canonical_action(tenant_id: str, agent_id: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """``{tenant_id, agent_id, user_id, goal, tool, resource, args}``: null for absent, ``{}`` for no args."""
    return {
        "tenant_id": tenant_id,
        "agent_id": agent_id,
        "user_id": body.get("user_id"),
        "goal": body["goal"],
        "tool": body["tool"],
        "resource": body.get("resource"),
        "args": body.get("args", {}),
    }


def apply_mode(real: str, mode: str) -> dict[str, Any]:
    if mode == "monitor":
        return {"decision": real, "enforced": False, "would_decision": real}
    if mode == "warn":
        return {"decision": "allow" if real == "allow" else "warn", "enforced": True, "would_decision": real}
    return {"decision": real, "enforced": True}


def refused_delegation(reason_code: str, message: str) -> Verdict:
    step = PASSPORT_NEXT_STEP.get(reason_code, DEFAULT_PASSPORT_NEXT_STEP)
    return Verdict(
        "deny", reason_code, RISK_TIER_REFUSED_DELEGATION, [], f"Passport refused: {message}.", [step]
    )


def policy_verdict(policy: Any, outcome: dict[str, Any]) -> Verdict:
    rule_id = outcome["matched_rule"]
    description = None
    if rule_id is not None:
        description = next((r.description for r in policy.rules if r.id == rule_id), None)
    decision = outcome["decision"]
    if rule_id is None:
        summary = f"No rule of policy {policy.id} matched; its default answers {decision}."
    else:
        summary = (
            description
            if description is not None
            else f"Rule {rule_id} of policy {policy.id} answers {decision}."
        )
    steps: list[str] = []
    if decision == "deny":
        steps = ["Do not run the action; change it or ask an admin to review the policy."]
    elif decision == "warn":
        steps = ["The action may run; review the warning."]
    return Verdict(
        decision,
        outcome["reason_code"],
        outcome["risk_tier"],
        [] if rule_id is None else [rule_id],
        summary,
        steps,
    )


OUTCOME_EVENT: Final = "action.outcome"


def decide(
    gateway: LocalGateway,
    principal: Principal,
    body: dict[str, Any],
    request_id: str,
    idempotency_key: str | None,
    outcomes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    tenant_id = principal.tenant_id
    agent_id = gateway.effective_agent_id(principal, body.get("agent_id"))
    action = canonical_action(tenant_id, agent_id, body)
    state = Deliberation(
        tenant_id=tenant_id,
        mode=body.get("mode", "enforce"),
        body=body,
        action=action,
        action_hash=canonical_sha256(action),
        policy=gateway.policy_in_force(tenant_id),
    )
    # A bad context.session (or labels the caller tried to set) is refused before anything is decided.
    state.session = gateway.flow.open(tenant_id, principal.key_id, action["tool"], body.get("context"))
    if "approval_request_id" in body:
        verdict = _with_approval(gateway, state, body["approval_request_id"])
    else:
        verdict = _delegation_step(gateway, state) or _tool_and_policy(gateway, state)
    return _answer(gateway, principal, state, verdict, request_id, idempotency_key, outcomes or [])


def _delegation_step(gateway: LocalGateway, state: Deliberation) -> Verdict | None:
    token = state.body.get("passport")
    inherited = (state.approval or {}).get("passport")
    if inherited and (token is None or peek_jti(token) == inherited["jti"]):
        if gateway.jti.is_revoked(inherited["claims"]["tenant_id"], inherited["jti"]):
            return refused_delegation(
                "passport.revoked", "the passport this action was held under was revoked"
            )
        state.delegation = inherited["claims"]
        return None
    if token is None:
        if state.mode != "strict":
            return None
        return refused_delegation("passport.missing", "strict mode requires a passport")
    action = state.action
    result = verify(
        token,
        key_for=gateway.keyset.public_key,
        store=gateway.jti,
        now_s=gateway.now_ms() // 1000,
        issuer=gateway.issuer,
        audience=peek_audience(token),
        tenant_id=state.tenant_id,
        leeway_s=LEEWAY_DEFAULT,
        action={
            "tool": action["tool"],
            "resource": action["resource"],
            "args": action["args"],
            "action_hash": state.action_hash,
        },
    )
    if isinstance(result, tuple):
        return refused_delegation(result[0], result[1])
    claims = result
    # A passport names its agent, goal and (when given) user; checked before the claim, so no burn.
    if claims["agent_id"] is not None and claims["agent_id"] != action["agent_id"]:
        return refused_delegation(
            "passport.constraint_violated", f'passport was issued to agent "{claims["agent_id"]}"'
        )
    if claims["goal"] != action["goal"]:
        return refused_delegation("passport.goal_mismatch", "passport was issued for another goal")
    if claims["user_id"] is not None and claims["user_id"] != action["user_id"]:
        return refused_delegation("passport.user_mismatch", "passport was issued for another user")
    if not gateway.jti.claim(claims["tenant_id"], claims["jti"]):
        return refused_delegation("passport.replayed", "passport was already used")
    state.delegation = claims
    state.spent["jti"] = claims["jti"]
    return None


def _tool_and_policy(gateway: LocalGateway, state: Deliberation) -> Verdict:
    drift = gateway.find_drift(
        state.tenant_id,
        state.body["tool"],
        state.body.get("tool_definition"),
        state.body.get("tool_hash"),
        strict=state.mode == "strict",
    )
    if drift is not None:
        reason_code, message, step = drift
        return Verdict("require_tool_reapproval", reason_code, RISK_TIER_TOOL_DRIFT, [], message, [step])
    action = state.action
    data: dict[str, Any] = {
        "tool": action["tool"],
        "goal": action["goal"],
        "mode": state.mode,
        "args": action["args"],
        "context": gateway.flow.policy_context(state.body.get("context"), state.session),
    }
    for name in ("resource", "agent_id", "user_id"):
        if action[name] is not None:
            data[name] = action[name]
    if state.delegation is not None:
        data["passport"] = state.delegation
    verdict = policy_verdict(state.policy, evaluate(state.policy, data))
    reads = gateway.flow.triggering_reads(state.policy, verdict.matched_rules, state.session)
    if reads is not None:
        verdict.summary = f"{verdict.summary} {reads}"
    return verdict


def _with_approval(gateway: LocalGateway, state: Deliberation, approval_id: str) -> Verdict:
    record = gateway.approvals.current(state.tenant_id, approval_id)
    if record is None or record["action_hash"] != state.action_hash:
        why = "does not exist" if record is None else "was requested for a different action"
        return Verdict(
            "deny",
            "approval.mismatch",
            "high",
            [],
            f"Approval request {approval_id} {why}.",
            ["Re-run with the exact action that was held (same goal, tool, resource, args, agent and user)."],
        )
    state.approval = record
    status, tier = record["status"], record["risk_tier"]
    if status == "pending":
        return Verdict(
            "require_approval",
            "approval.pending",
            tier,
            [],
            f"Approval request {approval_id} is waiting for an approver.",
            [f"Wait for an approver to decide {approval_id}, then re-run."],
        )
    if status == "denied":
        note = record.get("note")
        summary = f"Approval request {approval_id} was denied{': ' + note if note else '.'}"
        return Verdict("deny", "approval.denied", tier, [], summary, [])
    if status == "expired":
        return Verdict(
            "deny", "approval.expired", tier, [], f"Approval request {approval_id} expired.", [ASK_AGAIN]
        )
    if status == "used":
        summary = f"Approval request {approval_id} was already used; an approval allows one run."
        return Verdict("deny", "approval.expired", tier, [], summary, [ASK_AGAIN])
    refused = _delegation_step(gateway, state)
    if refused is not None:
        return refused
    current = _tool_and_policy(gateway, state)
    if current.decision in ("deny", "require_tool_reapproval"):
        return current
    if not gateway.approvals.consume(state.tenant_id, approval_id):
        summary = (
            f"Approval request {approval_id} was used by a concurrent re-run; an approval allows one run."
        )
        return Verdict("deny", "approval.expired", tier, [], summary, [ASK_AGAIN])
    state.spent["approval_id"] = approval_id
    by = f" by {record['decided_by']}" if record.get("decided_by") else ""
    return Verdict("allow", "approval.granted", tier, [], f"Approved{by}: {current.summary}", [])


def _answer(
    gateway: LocalGateway,
    principal: Principal,
    state: Deliberation,
    reached: Verdict,
    request_id: str,
    idempotency_key: str | None,
    outcomes: list[dict[str, Any]],
) -> dict[str, Any]:
    verdict = reached
    told = apply_mode(verdict.decision, state.mode)
    credential = None
    if told["decision"] == "allow":
        leased = gateway.lease_credential(state.tenant_id, state.action["tool"])
        if isinstance(leased, Verdict):
            verdict = leased
            told = apply_mode(verdict.decision, state.mode)
        else:
            credential = leased
    approval_id = state.approval["id"] if state.approval else None
    explain = {
        "summary": verdict.summary,
        "matched_rules": verdict.matched_rules,
        "next_steps": verdict.next_steps,
    }
    # Only an enforced hold asks a person: monitor and warn let the action run.
    if told["decision"] == "require_approval" and told["enforced"] and approval_id is None:
        held = gateway.approvals.request(
            tenant_id=state.tenant_id,
            action=state.action,
            action_hash=state.action_hash,
            reason_code=verdict.reason_code,
            risk_tier=verdict.risk_tier,
            summary=verdict.summary,
            principal=principal,
            request_id=request_id,
            passport=None
            if state.delegation is None
            else {"jti": state.delegation["jti"], "claims": state.delegation},
        )
        approval_id = held["id"]
        explain["next_steps"] = [
            f"Ask an approver to approve {approval_id}, then re-run preflight with approval_request_id.",
            *explain["next_steps"],
        ]
    decided_at = iso_ms(gateway.now_ms())
    data: dict[str, Any] = {
        "request_id": request_id,
        "decision": told["decision"],
        "reason_code": verdict.reason_code,
        "risk_tier": verdict.risk_tier,
        "mode": state.mode,
        "enforced": told["enforced"],
    }
    if "would_decision" in told:
        data["would_decision"] = told["would_decision"]
    data["action_hash"] = state.action_hash
    # The action is recorded whole so an auditor can recompute action_hash from the ledger alone.
    data["action"] = state.action
    if state.session is not None:
        # With a session, the context as policy saw it (the session's labels).
        data["context"] = gateway.flow.policy_context(state.body["context"], state.session)
    elif "context" in state.body:
        data["context"] = state.body["context"]
    data.update(
        policy={"id": state.policy.id, "version": state.policy.version, "hash": state.policy.hash},
        matched_rules=verdict.matched_rules,
        passport_jti=state.delegation["jti"] if state.delegation else None,
        approval_request_id=approval_id,
        credential_name=credential["name"] if credential else None,
        key_id=principal.key_id,
        idempotency_key_sha256=None if idempotency_key is None else sha256_hex(idempotency_key),
        decided_at=decided_at,
    )
    try:
        # Outcome records of earlier actions (already checked) go just before the decision.
        for outcome in outcomes:
            gateway.ledger.append(state.tenant_id, OUTCOME_EVENT, outcome, principal.writer)
        event = gateway.ledger.append(state.tenant_id, "decision", data, principal.writer)
    except Exception:
        # What this preflight spent is given back, so a retry can run.
        if "jti" in state.spent:
            gateway.jti.release(state.tenant_id, state.spent["jti"])
        if "approval_id" in state.spent:
            gateway.approvals.unconsume(state.tenant_id, state.spent["approval_id"])
        raise
    # The call may run (allowed, or observed only): its labels stick to the session from now on.
    if told["decision"] in ("allow", "warn") or not told["enforced"]:
        for label in gateway.flow.new_labels(state.session, state.action["tool"], event["id"], decided_at):
            gateway.ledger.append(
                state.tenant_id,
                SESSION_LABELED_EVENT,
                {
                    "session_id": state.session.session_id if state.session else None,
                    "session_asserted_by": "agent",
                    "label": label,
                    "tool": state.action["tool"],
                    "agent_id": state.action["agent_id"],
                    "decision_event_id": event["id"],
                },
                principal.writer,
            )
    decision: dict[str, Any] = {
        "decision": told["decision"],
        "reason_code": verdict.reason_code,
        "risk_tier": verdict.risk_tier,
        "mode": state.mode,
        "enforced": told["enforced"],
        "source": "gateway",
    }
    if "would_decision" in told:
        decision["would_decision"] = told["would_decision"]
    decision["explain"] = explain
    decision["evidence_event_id"] = event["id"]
    if approval_id is not None:
        decision["approval_request_id"] = approval_id
    decision.update(action_hash=state.action_hash, policy=data["policy"])
    if credential:
        decision["credential"] = credential
    decision.update(request_id=request_id, decided_at=decided_at)
    return decision
