"""Shared fail-closed matrix (``packages/contract/vectors/fail-closed/``): every case, both clients,
in ``enforce`` (execute runs only on a real allow) and ``monitor`` (execute always runs, exactly once)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from _helpers import FAULTS, Sleeps, call, event_body
from _load import load_vectors  # pytest puts this folder on sys.path (no __init__.py)

import actpass

PREFLIGHT = "/api/v1/actions/preflight"
CASES = [
    pytest.param(case, id=f"{file}::{case['name']}")
    for file, data in load_vectors("fail-closed")
    for case in data["cases"]
]


def test_vectors_exist() -> None:
    assert CASES


class ScriptedGateway:
    """Answers preflight attempts from the case's script; outcome evidence is always accepted."""

    def __init__(self, responses: list[dict[str, Any]]) -> None:
        self.script = list(responses)
        self.attempts: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != PREFLIGHT:
            return httpx.Response(201, json=event_body())
        self.attempts.append(request)
        assert self.script, "the client made more attempts than the case scripts"
        step = self.script.pop(0)
        if "fault" in step:
            raise FAULTS[step["fault"]](request)
        return httpx.Response(step["status"], headers=step.get("headers", {}), content=step["body"].encode())


@pytest.mark.parametrize("mode", ["enforce", "monitor"])
@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("case", CASES)
async def test_fail_closed_vector(
    case: dict[str, Any], kind: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACTPASS_API_KEY", raising=False)
    monkeypatch.delenv("ACTPASS_BASE_URL", raising=False)
    gateway = ScriptedGateway(case["responses"])
    sleeps = Sleeps()
    cls = actpass.ActPassClient if kind == "sync" else actpass.AsyncActPassClient
    client = cls(
        api_key=case["client"].get("api_key"),
        base_url=case["client"].get("base_url"),
        transport=httpx.MockTransport(gateway.handler),
        sleep=sleeps,
        random=lambda: case["random"],
    )
    executions: list[Any] = []

    out = await call(
        client.guard(
            goal="resolve_refund_request",
            tool="stripe.refund.create",
            args={"amount": 4900, "currency": "usd"},
            mode=mode,
            execute_fn=lambda ctx: executions.append(ctx) or "refunded",
        )
    )

    expect = case["expect"]
    decision = out["decision"]
    assert decision["decision"] == expect["decision"]
    assert decision["reason_code"] == expect["reason_code"]
    assert decision["source"] == expect["source"]
    assert len(gateway.attempts) == expect["attempts"]
    assert [round(s * 1000) for s in sleeps] == expect["waits_ms"]
    if expect.get("same_idempotency_key") and gateway.attempts:
        keys = {r.headers.get("Idempotency-Key") for r in gateway.attempts}
        assert len(keys) == 1
        assert next(iter(keys)).startswith("idem_")
    if "request_id" in expect:
        # The id of the response (its x-request-id header), which a client-made decision also carries.
        assert decision.request_id == expect["request_id"]
        if decision["source"] == "client":
            assert decision["request_id"] == expect["request_id"]
    if decision["source"] == "client":
        assert decision["enforced"] is (mode != "monitor")
        assert decision["mode"] == mode
        assert decision["risk_tier"] == "high"
        assert decision["explain"]["summary"].startswith("No decision from ActPass: ")
        assert ("runs unchecked" if mode == "monitor" else "blocked (fail closed)") in decision["explain"][
            "summary"
        ]
        assert decision["would_decision" if mode == "monitor" else "decision"] == "deny"
    if mode == "enforce":
        assert out["executed"] is expect["executes_in_enforce"]
        assert len(executions) == (1 if expect["executes_in_enforce"] else 0)
    else:
        assert out["executed"] is True
        assert len(executions) == 1
    if out["executed"]:
        assert out["result"] == "refunded" and out["error"] is None
        assert executions[0]["decision"] is decision
    else:
        assert out["result"] is None
