"""Approval requests: ``pending -> approved | denied | expired``, then ``used`` (one run per approval).

Expiry is lazy, against the gateway's clock: a pending or approved request past ``expires_at`` becomes
``expired`` the next time anyone looks. Every change is recorded in the ledger before it takes effect.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Final

from ._errors import GatewayError, not_found
from ._ids import iso_ms, parse_iso_ms

if TYPE_CHECKING:
    from ._gateway import LocalGateway, Principal

APPROVAL_TTL_MS: Final = 24 * 60 * 60 * 1000
# An approval keeps at most this much of the verdict's summary (the contract's bound).
SUMMARY_MAX_CHARS: Final = 1024
_CONFLICT: Final = {
    "pending": ("approval.pending", "is still pending"),
    "approved": ("approval.granted", "was already approved"),
    "used": ("approval.granted", "was already approved and used"),
    "denied": ("approval.denied", "was already denied"),
    "expired": ("approval.expired", "has expired; the agent must ask again"),
}
_PRIVATE: Final = ("tenant_id", "requested_by_key", "passport", "used_at")


class Approvals:
    def __init__(self, gateway: LocalGateway, ttl_ms: int = APPROVAL_TTL_MS) -> None:
        self._gateway = gateway
        self._ttl_ms = ttl_ms
        self._records: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.RLock()

    def request(
        self,
        *,
        tenant_id: str,
        action: dict[str, Any],
        action_hash: str,
        reason_code: str,
        risk_tier: str,
        principal: Principal,
        request_id: str,
        passport: dict[str, Any] | None,
        summary: str | None = None,
    ) -> dict[str, Any]:
        now = self._gateway.now_ms()
        record: dict[str, Any] = {
            "id": self._gateway.new_id("apr_"),
            "tenant_id": tenant_id,
            "status": "pending",
            "action": action,
            "action_hash": action_hash,
            "reason_code": reason_code,
            "risk_tier": risk_tier,
            "created_at": iso_ms(now),
            "expires_at": iso_ms(now + self._ttl_ms),
            "requested_by_key": principal.key_id,
        }
        if summary:
            # Why it was held, in words (the matched rule's description), for the approver.
            record["summary"] = summary[:SUMMARY_MAX_CHARS]
        if passport is not None:
            record["passport"] = passport
        self._gateway.ledger.append(
            tenant_id,
            "approval.requested",
            {
                "approval_request_id": record["id"],
                "action_hash": action_hash,
                "tool": action["tool"],
                "agent_id": action["agent_id"],
                "reason_code": reason_code,
                "risk_tier": risk_tier,
                "expires_at": record["expires_at"],
                "passport_jti": passport["jti"] if passport else None,
                "request_id": request_id,
            },
            principal.writer,
        )
        with self._lock:
            self._records[(tenant_id, record["id"])] = record
        return record

    def current(self, tenant_id: str, approval_id: str) -> dict[str, Any] | None:
        with self._lock:
            record = self._records.get((tenant_id, approval_id))
            if record is None:
                return None
            if record["status"] in ("pending", "approved") and self._gateway.now_ms() >= parse_iso_ms(
                record["expires_at"]
            ):
                record["status"] = "expired"
            return record

    def visible(self, principal: Principal, approval_id: str) -> dict[str, Any]:
        record = self.current(principal.tenant_id, approval_id)
        if record is None or not _can_see(principal, record):
            raise not_found(f"No approval request {approval_id}.")
        return record

    def list(self, tenant_id: str, status: str | None, limit: int) -> list[dict[str, Any]]:
        with self._lock:
            records = [self.current(t, i) for (t, i) in list(self._records) if t == tenant_id]
        chosen = [r for r in records if r is not None and (status is None or r["status"] == status)]
        return chosen[:limit]

    def decide(
        self, principal: Principal, approval_id: str, verdict: str, note: str | None
    ) -> dict[str, Any]:
        with self._lock:
            record = self.visible(principal, approval_id)
            if record["status"] != "pending":
                code, message = _CONFLICT[record["status"]]
                raise GatewayError(409, code, f"Approval request {approval_id} {message}.")
            self._gateway.ledger.append(
                principal.tenant_id,
                "approval.approved" if verdict == "approved" else "approval.denied",
                {
                    "approval_request_id": approval_id,
                    "action_hash": record["action_hash"],
                    "decided_by": principal.key_id,
                    "note": note,
                },
                principal.writer,
            )
            record.update(
                status=verdict, decided_by=principal.key_id, decided_at=iso_ms(self._gateway.now_ms())
            )
            if note is not None:
                record["note"] = note
            return record

    def consume(self, tenant_id: str, approval_id: str) -> bool:
        """approved -> used, for exactly one caller."""
        with self._lock:
            record = self._records.get((tenant_id, approval_id))
            if record is None or record["status"] != "approved":
                return False
            record.update(status="used", used_at=iso_ms(self._gateway.now_ms()))
            return True

    def unconsume(self, tenant_id: str, approval_id: str) -> None:
        with self._lock:
            record = self._records.get((tenant_id, approval_id))
            if record is not None and record["status"] == "used":
                record["status"] = "approved"
                record.pop("used_at", None)

    def view(self, record: dict[str, Any]) -> dict[str, Any]:
        """The contract's ApprovalRequest, with the delegation it was held under and its status now."""
        visible = {k: v for k, v in record.items() if k not in _PRIVATE}
        held = record.get("passport")
        if held:
            claims = held["claims"]
            if self._gateway.jti.is_revoked(record["tenant_id"], held["jti"]):
                status = "revoked"
            elif self._gateway.now_ms() >= claims["exp"] * 1000:
                status = "expired"
            else:
                status = "active"
            visible["delegation"] = {
                "jti": held["jti"],
                "goal": claims["goal"],
                "user_id": claims["user_id"],
                "agent_id": claims["agent_id"],
                "expires_at": iso_ms(claims["exp"] * 1000),
                "status": status,
            }
        return visible


def _can_see(principal: Principal, record: dict[str, Any]) -> bool:
    if "approver" in principal.roles or record["requested_by_key"] == principal.key_id:
        return True
    return principal.agent_id is not None and record["action"]["agent_id"] == principal.agent_id
