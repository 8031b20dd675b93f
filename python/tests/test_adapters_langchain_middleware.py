"""One ActPass middleware on a LangChain v1 agent (``create_agent``'s ``wrap_tool_call`` hook; LangGraph's
``interrupt`` with a checkpointer in durable mode), driven by the agent's own loop with a scripted chat
model, against the in-process gateway with the refunds pack: allow, deny, hold, fail closed, invalid
arguments, an MCP tool loaded by the agent, and held calls resumed after an approver decided."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

import actpass
from actpass.adapters.langchain_middleware import ActPassMiddleware

GOAL = "resolve_refund_request"
FILESYSTEM_SERVER = (
    Path(__file__).resolve().parents[2]
    / "packages/gateway/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"
)


class OneCallModel(BaseChatModel):
    """Calls ``name`` once with ``args``; once it has read a tool result, it ends its turn."""

    name_: str
    args_: dict[str, Any]

    @property
    def _llm_type(self) -> str:
        return "one-call"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OneCallModel:
        return self

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        if any(isinstance(m, ToolMessage) for m in messages):
            message = AIMessage(content="done")
        else:
            message = AIMessage(content="", tool_calls=[{"id": "c1", "name": self.name_, "args": self.args_}])
        return ChatResult(generations=[ChatGeneration(message=message)])


def refund_tool(ran: list[int]) -> Any:
    @tool
    def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        ran.append(amount)
        return f"refunded {amount}"

    return refund


def told(result: dict[str, Any]) -> list[str]:
    return [str(m.content) for m in result["messages"] if isinstance(m, ToolMessage)]


def middleware(client: Any, **options: Any) -> ActPassMiddleware:
    return ActPassMiddleware(client, goal=GOAL, tool_name=lambda _name: "stripe.refund.create", **options)


def run_once(client: Any, amount: Any, **options: Any) -> tuple[list[int], list[str]]:
    ran: list[int] = []
    agent = create_agent(
        OneCallModel(name_="refund", args_={"charge": "ch_1", "amount": amount}),
        [refund_tool(ran)],
        middleware=[middleware(client, **options)],
    )
    return ran, told(agent.invoke({"messages": [{"role": "user", "content": "refund it"}]}))


def test_allows_a_small_refund(local_actpass: Any) -> None:
    ran, texts = run_once(local_actpass.client, 4900)
    assert ran == [4900]
    assert texts == ["refunded 4900"]


def test_denies_a_large_refund(local_actpass: Any) -> None:
    ran, texts = run_once(local_actpass.client, 60000)
    assert ran == []
    assert texts[0].startswith("BLOCKED refund.large_denied: ")


def test_holds_a_medium_refund_naming_the_request(local_actpass: Any) -> None:
    ran, texts = run_once(local_actpass.client, 25000)
    assert ran == []
    assert texts[0].startswith("BLOCKED refund.medium_needs_approval: ")
    assert local_actpass.pending()[0]["id"] in texts[0]


def test_raise_mode_raises_the_blocked_error(local_actpass: Any) -> None:
    with pytest.raises(actpass.adapters.ToolBlockedError) as raised:
        run_once(local_actpass.client, 60000, on_blocked="raise")
    assert raised.value.reason_code == "refund.large_denied"


def test_fails_closed_when_the_gateway_cannot_be_reached() -> None:
    with actpass.ActPassClient(api_key="k", base_url="http://127.0.0.1:9", max_retries=0) as unreachable:
        ran, texts = run_once(unreachable, 4900)
    assert ran == []
    assert texts[0].startswith("BLOCKED client.")


def test_invalid_arguments_are_rejected_by_the_tool_before_any_decision(local_actpass: Any) -> None:
    before = len(local_actpass.events())
    ran, texts = run_once(local_actpass.client, "lots")
    assert ran == []
    assert "BLOCKED" not in texts[0]
    assert "amount" in texts[0]
    assert len(local_actpass.events()) == before


async def test_async_agent_with_the_async_client(local_actpass: Any) -> None:
    ran: list[int] = []
    client = local_actpass.gateway.async_client()
    agent = create_agent(
        OneCallModel(name_="refund", args_={"charge": "ch_1", "amount": 60000}),
        [refund_tool(ran)],
        middleware=[middleware(client)],
    )
    result = await agent.ainvoke({"messages": [{"role": "user", "content": "refund it"}]})
    assert ran == []
    assert told(result)[0].startswith("BLOCKED refund.large_denied: ")


async def test_guards_a_tool_loaded_from_an_mcp_server(local_actpass: Any, tmp_path: Path) -> None:
    from langchain_mcp_adapters.client import MultiServerMCPClient

    node = shutil.which("node")
    assert node is not None, "this test starts the MCP filesystem server with Node.js"
    assert FILESYSTEM_SERVER.exists(), "run pnpm install: the MCP filesystem server comes from npm"
    root = tmp_path / "files"
    root.mkdir()
    mcp = MultiServerMCPClient(
        {"fs": {"transport": "stdio", "command": node, "args": [str(FILESYSTEM_SERVER), str(root)]}}
    )
    tools = await mcp.get_tools()
    write = next(t for t in tools if t.name.endswith("write_file"))
    agent = create_agent(
        OneCallModel(name_=write.name, args_={"path": str(root / "pwned.txt"), "content": "x"}),
        tools,
        middleware=[ActPassMiddleware(local_actpass.client, goal="tidy", tool_name=lambda n: f"fs.{n}")],
    )
    result = await agent.ainvoke({"messages": [{"role": "user", "content": "write"}]})
    assert os.listdir(root) == []
    assert told(result)[0].startswith("BLOCKED policy.no_match")


# -- durable approvals -------------------------------------------------------------------------------------


class Durable:
    """One checkpointer; each agent built on it stands for a new process resuming the same thread."""

    def __init__(self, local: Any) -> None:
        self.local = local
        self.checkpointer = InMemorySaver()
        self.config = {"configurable": {"thread_id": "t1"}}

    def agent(self, ran: list[int]) -> tuple[Any, ActPassMiddleware]:
        guard = middleware(self.local.client, approvals="durable")
        agent = create_agent(
            OneCallModel(name_="refund", args_={"charge": "ch_1", "amount": 25000}),
            [refund_tool(ran)],
            middleware=[guard],
            checkpointer=self.checkpointer,
        )
        return agent, guard

    def held(self) -> str:
        ran: list[int] = []
        agent, _ = self.agent(ran)
        result = agent.invoke({"messages": [{"role": "user", "content": "refund it"}]}, self.config)
        assert ran == []
        interrupts = result["__interrupt__"]
        assert len(interrupts) == 1
        value = interrupts[0].value["actpass"]
        assert value["text"].startswith("BLOCKED refund.medium_needs_approval: ")
        return str(value["approval_request_id"])

    def resume(self) -> tuple[list[int], list[str], dict[str, Any]]:
        ran: list[int] = []
        agent, guard = self.agent(ran)
        state = agent.get_state(self.config)
        resume = guard.resume(state.interrupts)
        result = agent.invoke(Command(resume=resume), self.config)
        return ran, told(result), resume


def test_durable_approved_in_actpass_runs_once(local_actpass: Any) -> None:
    durable = Durable(local_actpass)
    approval_id = durable.held()
    local_actpass.approve(approval_id)
    ran, texts, resume = durable.resume()
    assert [item["status"] for item in resume.values()] == ["approved"]
    assert ran == [25000]
    assert texts == ["refunded 25000"]
    assert local_actpass.client.approvals.get(approval_id)["status"] == "used"


def test_durable_denied_in_actpass_is_refused_with_the_reason(local_actpass: Any) -> None:
    durable = Durable(local_actpass)
    local_actpass.deny(durable.held(), note="not eligible")
    ran, texts, _ = durable.resume()
    assert ran == []
    assert texts[0].startswith("BLOCKED approval.denied")


def test_durable_resumed_by_the_app_alone_does_not_run(local_actpass: Any) -> None:
    durable = Durable(local_actpass)
    durable.held()
    ran: list[int] = []
    agent, _ = durable.agent(ran)
    result = agent.invoke(Command(resume="approved"), durable.config)
    assert ran == []
    assert "refunded" not in " ".join(told(result))


def test_durable_resumed_while_still_pending_does_not_run(local_actpass: Any) -> None:
    durable = Durable(local_actpass)
    durable.held()
    ran, texts, resume = durable.resume()
    assert [item["status"] for item in resume.values()] == ["pending"]
    assert ran == []
    assert "refunded" not in " ".join(texts)
