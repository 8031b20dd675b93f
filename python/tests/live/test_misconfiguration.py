"""A wrong key, a wrong tenant and a wrong base URL against the REAL gateway: each is a client decision
whose ``cause`` and next step name the fix, with both clients."""

from __future__ import annotations

import inspect
import logging
from typing import Any

import pytest

import actpass

ACTION: dict[str, Any] = {
    "goal": "resolve_refund_request",
    "tool": "stripe.refund.create",
    "args": {"amount": 4900},
}


async def call(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@pytest.fixture(params=["sync", "async"])
def make(request: pytest.FixtureRequest, live_gateway: dict[str, Any]) -> Any:
    def build(**options: Any) -> Any:
        cls = actpass.ActPassClient if request.param == "sync" else actpass.AsyncActPassClient
        options.setdefault("api_key", live_gateway["keys"]["agent"])
        options.setdefault("tenant_id", live_gateway["tenant_id"])
        options.setdefault("base_url", live_gateway["url"])
        return cls(**options)

    return build


def next_steps(decision: Any) -> str:
    return " ".join(decision["explain"]["next_steps"])


async def test_right_configuration_decides_and_health_answers(make: Any) -> None:
    client = make()
    decision = await call(client.preflight(**ACTION))
    assert (decision["decision"], decision["source"]) == ("allow", "gateway")
    assert (await call(client.health()))["status"] == "ok"


async def test_wrong_key_names_the_api_key(make: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="actpass"):
        decision = await call(make(api_key="ak_wrong_key_0000").preflight(**ACTION))
    assert (decision["decision"], decision["reason_code"], decision["source"]) == (
        "deny", "client.http_error", "client",
    )  # fmt: skip
    assert decision["cause"]["kind"] == "http_status" and decision["cause"]["status"] == 401
    assert decision["cause"]["code"].startswith("auth.")
    assert "api_key" in next_steps(decision)
    assert decision.request_id
    # Warned by default, and never with the key itself.
    assert any("failed closed" in r.getMessage() for r in caplog.records)
    assert "ak_wrong_key_0000" not in caplog.text


async def test_wrong_tenant_names_the_tenant_id(make: Any) -> None:
    decision = await call(make(tenant_id="not_this_tenant").preflight(**ACTION))
    assert decision["cause"] == {**decision["cause"], "status": 403, "code": "auth.tenant_mismatch"}
    assert "tenant_id" in next_steps(decision)


async def test_wrong_base_url_names_the_base_url(make: Any, live_gateway: dict[str, Any]) -> None:
    decision = await call(make(base_url=live_gateway["url"] + "/gateway").preflight(**ACTION))
    assert decision["cause"]["status"] == 404
    assert "base_url" in next_steps(decision)


async def test_base_url_ending_in_api_v1_is_taken_as_the_root(
    make: Any, live_gateway: dict[str, Any]
) -> None:
    decision = await call(make(base_url=live_gateway["url"] + "/api/v1").preflight(**ACTION))
    assert (decision["decision"], decision["source"]) == ("allow", "gateway")


async def test_missing_tool_is_named_before_any_request(make: Any) -> None:
    decision = await call(make().preflight(goal="resolve_refund_request"))  # type: ignore[call-arg]
    assert decision["cause"]["kind"] == "configuration"
    assert "tool" in next_steps(decision)
