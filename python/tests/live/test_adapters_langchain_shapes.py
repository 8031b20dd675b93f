"""The LangChain adapter beyond plain text tools, in LangChain's tool-call invocation (the ToolMessage a
model would be sent), against the real gateway on loopback: ``content_and_artifact`` tools blocked
without a crash, the wrapped tool's settings kept, injected arguments kept away from the gateway, and a
held call's retry after a person approved it releasing that very request."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import pytest
from langchain_core.messages import ToolMessage
from langchain_core.tools import InjectedToolArg, InjectedToolCallId, StructuredTool, ToolException, tool
from langchain_core.tools.base import _DirectlyInjectedToolArg
from pydantic import BaseModel, Field

import actpass
from actpass.adapters.langchain import guard_tool

GOAL = "resolve_refund_request"
TOOL = "stripe.refund.create"


def client(gateway: dict[str, Any], role: str = "agent", cls: Any = actpass.ActPassClient) -> Any:
    return cls(
        api_key=gateway["keys"][role],
        tenant_id=gateway["tenant_id"],
        agent_id="support_agent",
        base_url=gateway["url"],
    )


def call(args: dict[str, Any], call_id: str = "tc_1") -> dict[str, Any]:
    return {"type": "tool_call", "id": call_id, "name": "refund", "args": args}


def test_content_and_artifact_blocked_and_allowed(live_gateway: dict[str, Any]) -> None:
    ran: list[int] = []

    @tool(response_format="content_and_artifact")
    def refund(charge: str, amount: int) -> tuple[str, dict[str, Any]]:
        """Refund a charge, amount in cents."""
        ran.append(amount)
        return f"refunded {amount}", {"refund_id": "re_1"}

    with client(live_gateway) as agent:
        guarded = guard_tool(agent, refund, tool_name=TOOL, goal=GOAL)
        denied = guarded.invoke(call({"charge": "ch_large", "amount": 60000}))
        allowed = guarded.invoke(call({"charge": "ch_small", "amount": 4900}, "tc_2"))
    assert isinstance(denied, ToolMessage)
    assert str(denied.content).startswith("BLOCKED refund.large_denied: ")
    assert denied.artifact["actpass_blocked"] is True
    assert denied.artifact["reason_code"] == "refund.large_denied"
    assert allowed.content == "refunded 4900" and allowed.artifact == {"refund_id": "re_1"}
    assert ran == [4900]


def test_wrapper_keeps_every_setting(live_gateway: dict[str, Any]) -> None:
    class RefundArgs(BaseModel):
        charge: str
        amount: int = Field(ge=1)

    def refund(charge: str, amount: int) -> str:
        raise ToolException("the provider is down")

    inner = StructuredTool.from_function(
        refund,
        name="refund",
        description="Refund a charge",
        args_schema=RefundArgs,
        tags=["money"],
        metadata={"team": "billing"},
        extras={"cache_control": {"type": "ephemeral"}},
        handle_tool_error="refund failed, tell the user",
        handle_validation_error="amount must be a positive number of cents",
    )
    with client(live_gateway) as agent:
        guarded = guard_tool(agent, inner, tool_name=TOOL, goal=GOAL)
        assert guarded.extras == {"cache_control": {"type": "ephemeral"}}
        assert guarded.tags == ["money"] and guarded.metadata == {"team": "billing"}
        assert guarded.tool_call_schema.model_json_schema() == inner.tool_call_schema.model_json_schema()
        # The author's validation message, before any decision is asked.
        invalid = guarded.invoke(call({"charge": "ch_small", "amount": 0}))
        assert invalid.content == "amount must be a positive number of cents"
        failed = guarded.invoke(call({"charge": "ch_small", "amount": 4900}))
    assert failed.content == "refund failed, tell the user"


class FakeRuntime(_DirectlyInjectedToolArg):
    """Recognised by LangChain exactly as v1's ``ToolRuntime`` is (a directly injected argument)."""

    def __init__(self, note: str) -> None:
        self.note = note


def test_injected_arguments_reach_the_tool_not_the_gateway(live_gateway: dict[str, Any]) -> None:
    seen: list[Any] = []

    @tool
    def refund(
        charge: str,
        amount: int,
        runtime: FakeRuntime,
        tool_call_id: Annotated[str, InjectedToolCallId],
        secret_store: Annotated[Any, InjectedToolArg],
    ) -> str:
        """Refund a charge, amount in cents."""
        seen.append((runtime.note, tool_call_id, secret_store))
        return f"refunded {amount}"

    with client(live_gateway) as agent:
        guarded = guard_tool(agent, refund, tool_name=TOOL, goal=GOAL)
        assert set(guarded.tool_call_schema.model_json_schema()["properties"]) == {"charge", "amount"}
        args = {
            "charge": "ch_small",
            "amount": 4900,
            "runtime": FakeRuntime("rt"),
            "secret_store": object(),  # not JSON: sending it would fail closed as client.misconfigured
        }
        answer = guarded.invoke(call(args, "tc_9"))
    # It ran: a decision on args holding the runtime or the store would have failed closed (not JSON).
    assert answer.content == "refunded 4900"
    assert seen and seen[0][0] == "rt" and seen[0][1] == "tc_9"


def test_held_call_names_its_request_and_the_retry_releases_it(live_gateway: dict[str, Any]) -> None:
    ran: list[int] = []

    @tool
    def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        ran.append(amount)
        return f"refunded {amount}"

    with client(live_gateway) as agent, client(live_gateway, "approver") as approver:
        guarded = guard_tool(agent, refund, tool_name=TOOL, goal=GOAL)
        held = guarded.invoke(call({"charge": "ch_held", "amount": 25000}))
        text = str(held.content)
        assert text.startswith("BLOCKED refund.medium_needs_approval: ")
        approval_id = text.split("Approval request ", 1)[1].split(" ", 1)[0]
        assert approval_id.startswith("apr_") and "a person" in text and "try again" not in text.lower()
        # Before anyone decides, the retry finds the same request still pending: no second request.
        again = guarded.invoke(call({"charge": "ch_held", "amount": 25000}, "tc_2"))
        assert approval_id in str(again.content)
        assert [i["id"] for i in approver.approvals.list(status="pending")["items"]].count(approval_id) == 1
        approver.approvals.approve(approval_id, note="checked")
        released = guarded.invoke(call({"charge": "ch_held", "amount": 25000}, "tc_3"))
        assert released.content == "refunded 25000"
        record = approver.approvals.get(approval_id)
    assert ran == [25000]
    assert record["status"] == "used"


async def test_async_client_held_retry(live_gateway: dict[str, Any]) -> None:
    @tool
    async def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        return f"refunded {amount}"

    with client(live_gateway, "approver") as approver:
        async with client(live_gateway, cls=actpass.AsyncActPassClient) as agent:
            guarded = guard_tool(agent, refund, tool_name=TOOL, goal=GOAL)
            held = await guarded.ainvoke(call({"charge": "ch_async", "amount": 25000}))
            approval_id = str(held.content).split("Approval request ", 1)[1].split(" ", 1)[0]
            await asyncio.to_thread(approver.approvals.approve, approval_id, note="ok")
            released = await guarded.ainvoke(call({"charge": "ch_async", "amount": 25000}))
    assert released.content == "refunded 25000"


def test_missing_extra_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "langchain_core.messages", None)
    monkeypatch.delitem(sys.modules, "actpass.adapters.langchain", raising=False)
    with pytest.raises(ImportError, match=r'pip install "actpass\[langchain\]"'):
        importlib.import_module("actpass.adapters.langchain")
