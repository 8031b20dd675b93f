"""Test your guarded tools against an in-process ActPass gateway, the way ``respx`` or ``moto`` do.

Installed with the package as a pytest plugin (entry point ``pytest11``), so the fixture is simply there:

    def test_refund_tool(local_actpass):
        client = local_actpass.client                      # an ActPassClient, no server, no Node
        held = client.preflight(goal="refund", tool="stripe.refund.create", args={"amount": 20000})
        local_actpass.approve(held)                        # as an approver would
        assert local_actpass.last_decision()["decision"] == "require_approval"

Choose the policy with ``@pytest.mark.actpass_policy("coding-agents")`` (a pack name or a policy
object); the default is the refunds pack. Each test gets a fresh gateway with its own ledger and time
that only moves when the test says so (``advance``), so expiry is testable without sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from . import ActPassClient
    from .local import LocalGateway

DEFAULT_POLICY = "refunds"
START_MS = 1_800_000_000_000  # 2027-01-15T08:00:00Z: a fixed start, so ledgers read the same every run


class LocalActPass:
    """A fresh local gateway, a client with every role, and helpers for what a person would do."""

    def __init__(self, policy: Any = DEFAULT_POLICY, *, start_ms: int = START_MS) -> None:
        from .local import LocalGateway

        self._now = start_ms
        self.gateway: LocalGateway = LocalGateway(policy, clock=lambda: self._now)
        self.client: ActPassClient = self.gateway.client()
        self.tenant_id = self.gateway.tenants[0]

    # --- time ---------------------------------------------------------------------------------------
    def advance(self, seconds: float) -> None:
        """Move the gateway's clock forward (passports and approvals expire by it)."""
        if seconds < 0:
            raise ValueError("seconds: time only moves forward; pass a positive number")
        self._now += round(seconds * 1000)

    # --- what people do -----------------------------------------------------------------------------
    def approve(self, held: str | Mapping[str, Any], note: str | None = None) -> dict[str, Any]:
        """Approve a held action: its approval id, or the decision that held it."""
        return dict(self.client.approvals.approve(_approval_id(held), note=note))

    def deny(self, held: str | Mapping[str, Any], note: str | None = None) -> dict[str, Any]:
        """Deny a held action: its approval id, or the decision that held it."""
        return dict(self.client.approvals.deny(_approval_id(held), note=note))

    def pending(self) -> list[dict[str, Any]]:
        """Approval requests still waiting for a person."""
        return [dict(item) for item in self.client.approvals.list(status="pending")["items"]]

    def revoke(self, passport: str | Mapping[str, Any], reason: str = "revoked in a test") -> None:
        """Revoke a passport: its ``jti``, or what ``issue_passport`` returned."""
        jti = passport if isinstance(passport, str) else str(passport["jti"])
        self.client.revoke_passport(jti, reason=reason)

    def use_policy(self, policy: Any) -> None:
        """Put another policy in force (a pack name or a policy object), as an admin would."""
        from .local import pack_source

        self.client.policy.put(pack_source(policy) if isinstance(policy, str) else policy)

    def approve_tool(self, definition: Mapping[str, Any]) -> None:
        """Pin a tool definition; a preflight presenting another one is held as drifted."""
        self.client.tools.approve(definition)

    # --- the ledger ---------------------------------------------------------------------------------
    def events(self, type: str | None = None) -> list[dict[str, Any]]:
        """The tenant's ledger events, oldest first; ``type`` keeps one type (``approval.*`` a namespace)."""
        events = self.gateway.ledger.events(self.tenant_id)
        if type is None:
            return events
        if type.endswith(".*"):
            return [e for e in events if e["type"].startswith(type[:-1])]
        return [e for e in events if e["type"] == type]

    def decisions(self) -> list[dict[str, Any]]:
        """The ``data`` of every decision event: decision, reason_code, action, …"""
        return [event["data"] for event in self.events("decision")]

    def last_decision(self) -> dict[str, Any]:
        decisions = self.decisions()
        if not decisions:
            raise AssertionError(
                "no decision was recorded: the code under test never called preflight or guard"
            )
        return decisions[-1]

    def verify(self) -> bool:
        """Whether the hash chain verifies (every hash and link recomputed)."""
        return bool(self.gateway.ledger.verify(self.tenant_id)["ok"])

    def close(self) -> None:
        self.client.close()


def _approval_id(held: str | Mapping[str, Any]) -> str:
    if isinstance(held, str):
        return held
    found = held.get("approval_request_id")
    if not isinstance(found, str):
        raise ValueError(
            f"this decision was not held for approval (decision {held.get('decision')!r}); "
            "pass a decision that says require_approval, or its approval_request_id"
        )
    return found


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "actpass_policy(policy): the policy (pack name or object) the local_actpass fixture starts with",
    )


@pytest.fixture
def local_actpass(request: pytest.FixtureRequest) -> Iterator[LocalActPass]:
    """A fresh in-process ActPass gateway with a client and helpers; see ``actpass.testing``."""
    marker = request.node.get_closest_marker("actpass_policy")
    policy = marker.args[0] if marker is not None and marker.args else DEFAULT_POLICY
    local = LocalActPass(policy)
    try:
        yield local
    finally:
        local.close()
