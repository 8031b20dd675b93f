"""Whoami, reports, what-if and evidence filters/iterators against a scripted gateway: what goes on the
wire, and the one paging rule both clients share (``ClientCore.next_page``)."""

from __future__ import annotations

import inspect
from datetime import datetime, timezone
from typing import Any, Callable

import pytest
from _helpers import FakeGateway

EVENT = {
    "v": 1, "seq": 1, "id": "ev_a", "tenant_id": "acme", "type": "decision", "at": "2026-11-23T00:00:00.000Z",
    "data": {}, "prev_hash": "0" * 64, "hash": "1" * 64,
}  # fmt: skip


async def call(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def collect(iterable: Any) -> list[Any]:
    if hasattr(iterable, "__aiter__"):
        return [item async for item in iterable]
    return list(iterable)


async def test_iterate_follows_next_after_seq_with_the_same_filters(
    gateway: FakeGateway, make_client: Callable[..., Any]
) -> None:
    gateway.on(
        "GET", "/api/v1/evidence",
        {"events": [EVENT, {**EVENT, "seq": 2, "id": "ev_b"}], "next_after_seq": 2},
        {"events": [{**EVENT, "seq": 3, "id": "ev_c"}], "next_after_seq": None},
    )  # fmt: skip
    client = make_client()
    since = datetime(2026, 11, 23, tzinfo=timezone.utc)
    events = await collect(
        client.evidence.iterate(type="decision", tool="stripe.refund.create", since=since, limit=2)
    )
    assert [e["id"] for e in events] == ["ev_a", "ev_b", "ev_c"]
    queries = [dict(r.url.params) for r in gateway.calls("GET", "/api/v1/evidence")]
    first = {"type": "decision", "tool": "stripe.refund.create", "since": "2026-11-23T00:00:00+00:00"}
    assert queries == [{**first, "limit": "2"}, {**first, "limit": "2", "after_seq": "2"}]


async def test_naive_datetimes_are_refused(make_client: Callable[..., Any]) -> None:
    client = make_client()
    with pytest.raises(ValueError, match="timezone-aware"):
        await call(client.reports.rollout(since=datetime(2026, 11, 23)))


async def test_whoami_report_and_simulate_requests(
    gateway: FakeGateway, make_client: Callable[..., Any]
) -> None:
    gateway.on("GET", "/api/v1/whoami", {"tenant_id": "acme", "key_id": "k", "roles": ["admin"]})
    gateway.on("POST", "/api/v1/policy/simulate", {"bad": "shape"})
    client = make_client()
    assert (await call(client.whoami()))["roles"] == ["admin"]
    with pytest.raises(Exception, match="PolicySimulation"):
        await call(
            client.policy.simulate({"id": "p", "version": 1, "rules": []}, since="2026-11-23T00:00:00Z")
        )
    bodies = gateway.bodies("POST", "/api/v1/policy/simulate")
    assert bodies and all(
        body == {"policy": {"id": "p", "version": 1, "rules": []}, "since": "2026-11-23T00:00:00Z"}
        for body in bodies
    )
