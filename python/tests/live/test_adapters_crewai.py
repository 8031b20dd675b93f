"""The CrewAI adapter in a full crew run driven by a scripted ``BaseLLM`` (CrewAI's interface for custom
models, answering in its ReAct format), against the real gateway on loopback. The crew is the
example's (examples/agent-frameworks/python/crewai_agent.py)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

import actpass

pytestmark = pytest.mark.skipif(sys.version_info < (3, 10), reason="CrewAI needs Python 3.10+")

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "examples" / "agent-frameworks" / "python"))

if sys.version_info >= (3, 10):
    import crewai_agent
    from refunds import FakePayments


def client(gateway: dict[str, Any], cls: Any = actpass.ActPassClient, **options: Any) -> Any:
    return cls(
        api_key=gateway["keys"]["agent"],
        tenant_id=gateway["tenant_id"],
        agent_id="support_agent",
        base_url=gateway["url"],
        **options,
    )


def test_crew_enforce(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    with client(live_gateway) as agent:
        run = crewai_agent.run_sync(agent, payments)
    assert payments.refunded == [{"charge": "ch_small", "amount": 4900}]
    assert run["told"][0] == "refunded 4900 on ch_small"
    assert run["told"][1].startswith("BLOCKED refund.medium_needs_approval: ")
    assert run["told"][2].startswith("BLOCKED refund.large_denied: ")
    assert "BLOCKED refund.large_denied: " in run["final"]


def test_crew_monitor_runs_everything(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    with client(live_gateway, mode="monitor") as agent:
        run = crewai_agent.run_sync(agent, payments)
    assert sorted(r["amount"] for r in payments.refunded) == [4900, 25000, 60000]
    assert "BLOCKED" not in run["final"]


async def test_async_client_serves_arun(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    async with client(live_gateway, actpass.AsyncActPassClient) as agent:
        guarded = crewai_agent.guard_tool(
            agent,
            crewai_agent.refund_tool(payments),
            tool_name="stripe.refund.create",
            goal="resolve_refund_request",
        )
        assert await guarded.arun(charge="ch_a", amount=4900) == "refunded 4900 on ch_a"
        denied = await guarded.arun(charge="ch_b", amount=60000)
        # CrewAI calls run() even in akickoff(), from a worker thread: it decides on the client's loop.
        assert await asyncio.to_thread(guarded.run, charge="ch_c", amount=4900) == "refunded 4900 on ch_c"
        # On the loop thread itself run() would block the loop the decision needs: refused, nothing runs.
        with pytest.raises(actpass.MisconfiguredError, match="arun"):
            guarded.run(charge="ch_d", amount=4900)
    assert denied.startswith("BLOCKED refund.large_denied: ")
    assert payments.refunded == [{"charge": "ch_a", "amount": 4900}, {"charge": "ch_c", "amount": 4900}]


def test_raise_mode_surfaces_the_decision(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    with client(live_gateway) as agent:
        guarded = crewai_agent.guard_tool(
            agent,
            crewai_agent.refund_tool(payments),
            tool_name="stripe.refund.create",
            goal="resolve_refund_request",
            on_blocked="raise",
        )
        with pytest.raises(actpass.adapters.ToolBlockedError) as raised:
            guarded.run(charge="ch_b", amount=60000)
    assert raised.value.reason_code == "refund.large_denied"
    assert payments.refunded == []


async def test_async_client_in_akickoff(live_gateway: dict[str, Any]) -> None:
    from crewai import Agent, Crew, Task

    payments = FakePayments()
    async with client(live_gateway, actpass.AsyncActPassClient) as agent_client:
        guarded = crewai_agent.guard_tool(
            agent_client,
            crewai_agent.refund_tool(payments),
            tool_name="stripe.refund.create",
            goal="resolve_refund_request",
            resource=crewai_agent.resource_of,
        )
        agent = Agent(
            role="support agent",
            goal="Resolve refund requests",
            backstory="Handles disputed charges.",
            llm=crewai_agent.ScriptedRefundLLM(),
            tools=[guarded],
            max_iter=8,
            verbose=False,
        )
        task = Task(description="Refund the three charges.", expected_output="What happened.", agent=agent)
        result = await Crew(agents=[agent], tasks=[task], verbose=False).akickoff()
    assert payments.refunded == [{"charge": "ch_small", "amount": 4900}]
    assert "BLOCKED refund.large_denied: " in str(result.raw)
    assert "BLOCKED refund.medium_needs_approval: " in str(result.raw)


def test_wrapper_keeps_usage_limit_and_cache_function(live_gateway: dict[str, Any]) -> None:
    from crewai.tools import tool

    def never_cache(_args: Any = None, _result: Any = None) -> bool:
        return False

    @tool("refund", max_usage_count=2)
    def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        return f"refunded {amount} on {charge}"

    refund.cache_function = never_cache

    with client(live_gateway) as agent:
        guarded = crewai_agent.guard_tool(agent, refund, tool_name="stripe.refund.create", goal="g")
    assert guarded.max_usage_count == 2
    assert guarded.cache_function is never_cache
