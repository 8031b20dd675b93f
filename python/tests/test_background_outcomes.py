"""guard() returns when execute_fn returns: the outcome record goes to a bounded background queue
(sync: a worker thread; async: a task), drained by flush()/close() and the context managers."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from typing import Any

import httpx
import pytest
from _helpers import API_KEY, Sleeps, decision_body, event_body

import actpass
from actpass._background import ThreadOutcomes
from actpass._base_client import Defer

ACTION: dict[str, Any] = {
    "goal": "resolve_refund_request",
    "tool": "stripe.refund.create",
    "args": {"amount": 1},
}
PREFLIGHT = "/api/v1/actions/preflight"


class HeldGateway:
    """Decides at once; holds every evidence POST until ``release`` is set, then answers 201."""

    def __init__(self, evidence_statuses: tuple[int, ...] = (201,)) -> None:
        self.release = threading.Event()
        self.evidence: list[httpx.Request] = []
        self.statuses = list(evidence_statuses)

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == PREFLIGHT:
            return httpx.Response(200, json=decision_body())
        assert self.release.wait(10), "the test never released the evidence POST"
        self.evidence.append(request)
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return httpx.Response(status, json=event_body() if status == 201 else {"error": {"code": "x"}})


def sync_client(gateway: HeldGateway) -> actpass.ActPassClient:
    return actpass.ActPassClient(
        api_key=API_KEY,
        base_url="http://gw.test",
        transport=httpx.MockTransport(gateway.handler),
        sleep=Sleeps(),
    )


def test_sync_guard_returns_before_the_record_is_sent_and_flush_waits() -> None:
    gateway = HeldGateway()
    with sync_client(gateway) as client:
        out = client.guard(**ACTION, execute_fn=lambda: "done")
        assert (out["executed"], out["result"]) == (True, "done")
        assert gateway.evidence == []  # held by the gateway, yet guard() has returned
        gateway.release.set()
        client.flush()
        assert len(gateway.evidence) == 1
        assert json.loads(gateway.evidence[0].content)["type"] == "action.outcome"


def test_sync_await_outcome_sends_before_returning() -> None:
    gateway = HeldGateway()
    gateway.release.set()
    with sync_client(gateway) as client:
        client.guard(**ACTION, execute_fn=lambda: "done", await_outcome=True)
        assert len(gateway.evidence) == 1


def test_sync_close_drains_and_retries_keep_one_idempotency_key() -> None:
    gateway = HeldGateway(evidence_statuses=(503, 503, 201))
    client = sync_client(gateway)
    client.guard(**ACTION, execute_fn=lambda: "done")
    gateway.release.set()
    client.close()
    assert len(gateway.evidence) == 3
    keys = {r.headers["Idempotency-Key"] for r in gateway.evidence}
    assert len(keys) == 1 and next(iter(keys)).startswith("idem_")


def test_a_full_queue_drops_the_record_and_logs_its_evidence_id(caplog: pytest.LogCaptureFixture) -> None:
    started, release = threading.Event(), threading.Event()
    sent: list[str] = []

    def run(flow: Any) -> None:
        started.set()
        release.wait(10)
        sent.append(next(flow))

    def record(evidence_id: str) -> Defer:
        return Defer((x for x in [evidence_id]), evidence_id)

    outcomes = ThreadOutcomes(run, logging.getLogger("actpass"), limit=1)
    with caplog.at_level(logging.WARNING, logger="actpass"):
        outcomes.push(record("ev_1"))
        assert started.wait(10)  # ev_1 is in the worker's hands
        outcomes.push(record("ev_2"))  # waits (limit 1)
        outcomes.push(record("ev_3"))  # dropped
    assert "outcome record dropped for evidence ev_3" in caplog.text
    release.set()
    outcomes.close()
    assert sent == ["ev_1", "ev_2"]


class AsyncHeldGateway:
    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.evidence: list[httpx.Request] = []

    async def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == PREFLIGHT:
            return httpx.Response(200, json=decision_body())
        await self.release.wait()
        self.evidence.append(request)
        return httpx.Response(201, json=event_body())


async def test_async_guard_returns_before_the_record_and_aclose_drains() -> None:
    gateway = AsyncHeldGateway()
    async with actpass.AsyncActPassClient(
        api_key=API_KEY, base_url="http://gw.test", transport=httpx.MockTransport(gateway.handler)
    ) as client:
        out = await client.guard(**ACTION, execute_fn=lambda ctx: "done")
        assert out["executed"] is True
        await asyncio.sleep(0)
        assert gateway.evidence == []
        gateway.release.set()
    assert len(gateway.evidence) == 1  # drained by __aexit__


async def test_async_flush_and_await_outcome() -> None:
    gateway = AsyncHeldGateway()
    gateway.release.set()
    client = actpass.AsyncActPassClient(
        api_key=API_KEY, base_url="http://gw.test", transport=httpx.MockTransport(gateway.handler)
    )
    await client.guard(**ACTION, execute_fn=lambda ctx: "a", await_outcome=True)
    assert len(gateway.evidence) == 1
    await client.guard(**ACTION, execute_fn=lambda ctx: "b")
    await client.flush()
    assert len(gateway.evidence) == 2
    await client.aclose()
