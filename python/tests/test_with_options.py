"""with_options(): a client copy with some settings replaced, per call or per family of calls; raw
responses on every result; the guard result typed from execute_fn."""

from __future__ import annotations

from typing import Any

import pytest
from _helpers import FakeGateway, Sleeps, call, decision_body, event_body, new_client

import actpass

PREFLIGHT = "/api/v1/actions/preflight"
ACTION: dict[str, Any] = {"goal": "resolve_refund_request", "tool": "stripe.refund.create"}


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_overrides_apply_to_the_copy_only(kind: str) -> None:
    gateway = FakeGateway().on("POST", PREFLIGHT, decision_body())
    client = new_client(kind, gateway, mode="warn")
    copy = client.with_options(
        mode="monitor",
        extra_headers={"x-trace-id": "t-1"},
        idempotency_key="idem_caller_1",
        tenant_id="acme2",
    )
    await call(copy.preflight(**ACTION))
    await call(client.preflight(**ACTION))
    first, second = gateway.calls("POST", PREFLIGHT)
    assert first.headers["x-trace-id"] == "t-1" and first.headers["Idempotency-Key"] == "idem_caller_1"
    assert first.headers["x-actpass-tenant"] == "acme2"
    assert gateway.bodies("POST", PREFLIGHT)[0]["mode"] == "monitor"
    assert "x-trace-id" not in second.headers and second.headers["Idempotency-Key"] != "idem_caller_1"
    assert gateway.bodies("POST", PREFLIGHT)[1]["mode"] == "warn"
    assert (copy.mode, client.mode) == ("monitor", "warn")


async def test_max_retries_and_deadline_per_copy(kind: str) -> None:
    gateway = FakeGateway().on("POST", PREFLIGHT, "connection_refused")
    sleeps = Sleeps()
    client = new_client(kind, gateway, sleeps)
    decision = await call(client.with_options(max_retries=0).preflight(**ACTION))
    assert decision["reason_code"] == "client.unreachable"
    assert len(gateway.calls("POST", PREFLIGHT)) == 1
    await call(client.preflight(**ACTION))
    assert len(gateway.calls("POST", PREFLIGHT)) == 4  # the original still retries twice


async def test_resources_of_the_copy_use_its_settings(kind: str) -> None:
    gateway = FakeGateway().on("GET", "/api/v1/tools", {"items": []})
    client = new_client(kind, gateway)
    await call(client.with_options(extra_headers={"x-trace-id": "t-2"}).tools.list())
    assert gateway.calls("GET", "/api/v1/tools")[0].headers["x-trace-id"] == "t-2"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [({"apikey": "other"}, TypeError), ({"mode": "audit"}, ValueError), ({"timeout": 0}, ValueError)],
)
def test_bad_overrides_raise_at_once(overrides: dict[str, Any], error: type[Exception]) -> None:
    client = new_client("sync", FakeGateway())
    with pytest.raises(error):
        client.with_options(**overrides)


async def test_every_result_carries_its_raw_response(kind: str) -> None:
    gateway = (
        FakeGateway().on("POST", PREFLIGHT, decision_body()).on("POST", "/api/v1/evidence", event_body())
    )
    client = new_client(kind, gateway)
    decision = await call(client.preflight(**ACTION))
    assert decision.http_response.status_code == 200
    assert decision.http_response.headers["x-request-id"] == decision.request_id
    out: actpass.GuardResult[str] = await call(client.guard(**ACTION, execute_fn=lambda: "refunded"))
    assert out["result"] == "refunded"
    assert out["decision"].http_response.status_code == 200


async def test_per_call_options_on_preflight_and_guard(kind: str) -> None:
    gateway = (
        FakeGateway().on("POST", PREFLIGHT, decision_body()).on("POST", "/api/v1/evidence", event_body())
    )
    client = new_client(kind, gateway)
    await call(client.preflight(**ACTION, idempotency_key="idem_call_1", extra_headers={"x-trace-id": "t-3"}))
    out = await call(
        client.guard(**ACTION, execute_fn=lambda: "ok", idempotency_key="idem_call_2", await_outcome=True)
    )
    assert out["executed"] is True
    first, second = gateway.calls("POST", PREFLIGHT)
    assert first.headers["Idempotency-Key"] == "idem_call_1" and first.headers["x-trace-id"] == "t-3"
    assert second.headers["Idempotency-Key"] == "idem_call_2" and "x-trace-id" not in second.headers
    # The outcome record gets a key of its own, derived from the call's.
    (record,) = gateway.calls("POST", "/api/v1/evidence")
    assert record.headers["Idempotency-Key"] == "idem_call_2.outcome"


async def test_per_call_max_retries(kind: str) -> None:
    gateway = FakeGateway().on("POST", PREFLIGHT, "connection_refused")
    client = new_client(kind, gateway)
    decision = await call(client.preflight(**ACTION, max_retries=0, timeout=1.0))
    assert decision["reason_code"] == "client.unreachable"
    assert len(gateway.calls("POST", PREFLIGHT)) == 1
