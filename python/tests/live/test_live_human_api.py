"""The human-side API against the real gateway on loopback, with both clients: whoami, the
rollout report, the policy what-if, filtered evidence and the page iterators (``for`` / ``async for``)."""

from __future__ import annotations

import inspect
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import actpass

GOAL = "resolve_refund_request"
TOOL = "stripe.refund.create"


async def call(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def collect(iterable: Any) -> list[Any]:
    """Drains a sync iterator with ``for`` or an async one with ``async for``."""
    if hasattr(iterable, "__aiter__"):
        return [item async for item in iterable]
    return list(iterable)


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def connect(live_gateway: dict[str, Any], kind: str) -> Any:
    def make(role: str) -> Any:
        cls = actpass.ActPassClient if kind == "sync" else actpass.AsyncActPassClient
        return cls(
            api_key=live_gateway["keys"][role],
            tenant_id=live_gateway["tenant_id"],
            base_url=live_gateway["url"],
        )

    return make


async def _monitor_traffic(agent: Any, agent_id: str) -> str:
    """Three monitor-mode refunds (allow, hold, deny) for a fresh agent on a fresh resource."""
    resource = f"stripe:charge:ch_{uuid.uuid4().hex[:12]}"
    for amount in (4900, 25000, 90000):
        args = {"amount": amount, "currency": "usd"}
        decision = await call(
            agent.preflight(
                goal=GOAL, tool=TOOL, resource=resource, args=args, mode="monitor", agent_id=agent_id
            )
        )
        assert decision["enforced"] is False
    return resource


async def test_whoami_names_each_key(connect: Any, live_gateway: dict[str, Any]) -> None:
    for role in ("agent", "approver", "admin"):
        me = await call(connect(role).whoami())
        assert me["tenant_id"] == live_gateway["tenant_id"]
        assert me["roles"] == [role]
        assert me.request_id


async def test_rollout_report_counts_what_enforce_would_block(connect: Any) -> None:
    agent_id = f"bot_{uuid.uuid4().hex[:8]}"
    resource = await _monitor_traffic(connect("agent"), agent_id)
    since = datetime.now(timezone.utc) - timedelta(hours=1)
    report = await call(connect("approver").reports.rollout(since=since, bucket="minute", top=100))
    assert report["window"]["bucket"] == "minute"
    assert report["totals"]["observed_would_block"] >= 2
    mine = [row for row in report["top_would_block"] if row["resource"] == resource]
    assert sorted((row["enforce_decision"], row["count"]) for row in mine) == [
        ("deny", 1), ("require_approval", 1),
    ]  # fmt: skip


async def test_simulate_reports_changes_and_writes_nothing(connect: Any) -> None:
    agent_id = f"bot_{uuid.uuid4().hex[:8]}"
    resource = await _monitor_traffic(connect("agent"), agent_id)
    admin = connect("admin")
    before = (await call(admin.evidence.verify()))["count"]
    policy = (await call(admin.policy.get()))["policy"]
    rules = [rule for rule in policy["rules"] if rule["id"] != "refund-small"]
    candidate = {**policy, "version": policy["version"] + 1, "rules": rules}
    since = datetime.now(timezone.utc) - timedelta(minutes=30)
    simulation = await call(admin.policy.simulate(candidate, since=since, limit=1000))
    changed = [c for c in simulation["changes"] if c["action"]["resource"] == resource]
    assert [(c["recorded"]["decision"], c["action"]["args"]["amount"]) for c in changed] == [("allow", 4900)]
    assert simulation["summary"]["changed"] >= 1
    assert (await call(admin.evidence.verify()))["count"] == before


async def test_evidence_iterate_walks_filtered_pages(connect: Any) -> None:
    agent_id = f"bot_{uuid.uuid4().hex[:8]}"
    await _monitor_traffic(connect("agent"), agent_id)
    admin = connect("admin")
    events = await collect(admin.evidence.iterate(type="decision", agent_id=agent_id, limit=1))
    assert [e["data"]["action"]["args"]["amount"] for e in events] == [4900, 25000, 90000]
    denied = await collect(admin.evidence.iterate(agent_id=agent_id, decision="deny"))
    assert len(denied) == 1
    future = datetime.now(timezone.utc) + timedelta(days=1)
    assert await collect(admin.evidence.iterate(agent_id=agent_id, since=future)) == []


async def test_approvals_iterate_yields_pending_requests(connect: Any) -> None:
    held = await call(
        connect("agent").preflight(
            goal=GOAL, tool=TOOL, resource=f"stripe:charge:ch_{uuid.uuid4().hex[:12]}",
            args={"amount": 25000, "currency": "usd"},
        )
    )  # fmt: skip
    ids = [
        request["id"] for request in await collect(connect("approver").approvals.iterate(status="pending"))
    ]
    assert held["approval_request_id"] in ids
