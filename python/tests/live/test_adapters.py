"""The Python framework adapters in full agent loops, each driven by its framework's own fake model,
against the real gateway on loopback: allowed runs, held and denied never run and the model reads the
BLOCKED text, monitor runs everything. The agents themselves are the example's
(examples/agent-frameworks/python)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import actpass

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "examples" / "agent-frameworks" / "python"))

import langchain_agent
import openai_agents_agent
from refunds import FakePayments, approve_first_pending, pending_ids

BLOCKED_HELD = "BLOCKED refund.medium_needs_approval: "
BLOCKED_DENIED = "BLOCKED refund.large_denied: "


def client(gateway: dict[str, Any], role: str, cls: Any = actpass.ActPassClient, **options: Any) -> Any:
    return cls(
        api_key=gateway["keys"][role],
        tenant_id=gateway["tenant_id"],
        agent_id="support_agent",
        base_url=gateway["url"],
        **options,
    )


def amounts(payments: FakePayments) -> list[int]:
    return sorted(r["amount"] for r in payments.refunded)


def assert_enforced(run: dict[str, Any], payments: FakePayments) -> None:
    assert payments.refunded == [{"charge": "ch_small", "amount": 4900}]
    assert run["told"][0] == "refunded 4900 on ch_small"
    assert run["told"][1].startswith(BLOCKED_HELD)
    assert run["told"][2].startswith(BLOCKED_DENIED)
    # The model's last turn repeats what it was told: it saw why.
    assert BLOCKED_DENIED in run["final"] and BLOCKED_HELD in run["final"]


# -- LangChain, sync and async -------------------------------------------------------------------------


def test_langchain_sync_enforce(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    with client(live_gateway, "agent") as agent:
        run = langchain_agent.run_sync(agent, payments)
    assert_enforced(run, payments)


async def test_langchain_async_enforce(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    async with client(live_gateway, "agent", actpass.AsyncActPassClient) as agent:
        run = await langchain_agent.run_async(agent, payments)
    assert_enforced(run, payments)


def test_langchain_monitor_runs_everything(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    with client(live_gateway, "agent", mode="monitor") as agent:
        run = langchain_agent.run_sync(agent, payments)
    assert amounts(payments) == [4900, 25000, 60000]
    assert "BLOCKED" not in run["final"]


def test_langchain_waits_for_an_approval(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    with client(live_gateway, "agent") as agent, client(live_gateway, "approver") as approver:
        approving = threading.Thread(target=approve_first_pending, args=(approver, pending_ids(approver)))
        approving.start()
        run = langchain_agent.run_sync(agent, payments, wait_for_approval={"timeout_s": 20})
        approving.join()
    assert amounts(payments) == [4900, 25000]
    assert run["told"][2].startswith(BLOCKED_DENIED)


def test_langchain_raise_mode(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    with client(live_gateway, "agent") as agent, pytest.raises(actpass.adapters.ToolBlockedError) as raised:
        langchain_agent.run_sync(agent, payments, on_blocked="raise")
    assert raised.value.reason_code == "refund.medium_needs_approval"
    assert amounts(payments) == [4900]


# -- OpenAI Agents SDK (async only: the SDK invokes tools asynchronously) ---------------------------


async def test_openai_agents_enforce(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    async with client(live_gateway, "agent", actpass.AsyncActPassClient) as agent:
        run = await openai_agents_agent.run_async(agent, payments)
    assert payments.refunded == [{"charge": "ch_small", "amount": 4900}]
    assert sum(text.startswith(BLOCKED_HELD) for text in run["told"]) == 1
    assert sum(text.startswith(BLOCKED_DENIED) for text in run["told"]) == 1
    assert BLOCKED_DENIED in run["final"] and BLOCKED_HELD in run["final"]


async def test_openai_agents_monitor_runs_everything(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    async with client(live_gateway, "agent", actpass.AsyncActPassClient, mode="monitor") as agent:
        run = await openai_agents_agent.run_async(agent, payments)
    assert amounts(payments) == [4900, 25000, 60000]
    assert "BLOCKED" not in run["final"]


async def test_openai_agents_waits_for_an_approval(live_gateway: dict[str, Any]) -> None:
    payments = FakePayments()
    with client(live_gateway, "approver") as approver:
        known = pending_ids(approver)
        approving = threading.Thread(target=approve_first_pending, args=(approver, known))
        approving.start()
        async with client(live_gateway, "agent", actpass.AsyncActPassClient) as agent:
            run = await openai_agents_agent.run_async(agent, payments, wait_for_approval={"timeout_s": 20})
        approving.join()
    assert amounts(payments) == [4900, 25000]
    assert sum(text.startswith(BLOCKED_DENIED) for text in run["told"]) == 1


def test_openai_agents_needs_the_async_client(live_gateway: dict[str, Any]) -> None:
    with (
        client(live_gateway, "agent") as agent,
        pytest.raises(actpass.MisconfiguredError, match="AsyncActPassClient"),
    ):
        openai_agents_agent.guard_tool(agent, object(), goal="g")  # type: ignore[arg-type]
