"""One ActPass capability on a Pydantic AI ``Agent`` (``before_tool_execute`` on every function tool, MCP
toolsets included; deferred tool calls in durable mode), driven by ``Agent.run``/``run_sync`` with Pydantic
AI's own ``FunctionModel`` and ``TestModel``, against the in-process gateway with the refunds pack."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

pytest.importorskip("pydantic_ai")

from fastmcp.client import Client
from fastmcp.client.transports import StdioTransport
from pydantic_ai import Agent, DeferredToolRequests, DeferredToolResults
from pydantic_ai.exceptions import UserError
from pydantic_ai.mcp import MCPToolset
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

import actpass
from actpass.adapters.pydantic_ai import ActPassCapability

GOAL = "resolve_refund_request"
FILESYSTEM_SERVER = (
    Path(__file__).resolve().parents[2]
    / "packages/gateway/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"
)


class OneCall:
    """A ``FunctionModel`` script: calls ``name`` once with ``args``, then ends the turn; ``told`` keeps
    each tool result part it read (returns, failures and retry prompts)."""

    def __init__(self, name: str, args: Any) -> None:
        self.name = name
        self.args = args
        self.told: list[Any] = []

    def __call__(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1]
        results = [p for p in last.parts if p.part_kind in ("tool-return", "retry-prompt")]
        if isinstance(last, ModelRequest) and results:
            self.told.extend(results)
            return ModelResponse(parts=[TextPart("done")])
        return ModelResponse(parts=[ToolCallPart(self.name, self.args, tool_call_id="call_1")])

    def texts(self) -> list[str]:
        return [str(part.content) for part in self.told]


def refund_agent(
    client: Any, amount: Any, ran: list[int], *, output_type: Any = str, **more: Any
) -> tuple[Agent[None, Any], OneCall]:
    script = OneCall("refund", {"charge": "ch_1", "amount": amount})
    agent = Agent(
        FunctionModel(script),
        output_type=output_type,
        capabilities=[ActPassCapability(client, **options(**more))],
    )

    @agent.tool_plain
    def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        ran.append(amount)
        return f"refunded {amount}"

    return agent, script


def options(**more: Any) -> dict[str, Any]:
    return {"goal": GOAL, "tool_name": lambda _name: "stripe.refund.create", **more}


async def run_once(client: Any, amount: Any, **more: Any) -> tuple[list[int], OneCall, Any]:
    ran: list[int] = []
    agent, script = refund_agent(client, amount, ran, **more)
    result = await agent.run("refund it")
    return ran, script, result


@pytest.fixture
def agent_client(local_actpass: Any) -> Any:
    return local_actpass.gateway.async_client()


async def test_allows_a_small_refund(agent_client: Any) -> None:
    ran, script, _ = await run_once(agent_client, 4900)
    assert ran == [4900]
    assert script.texts() == ["refunded 4900"]


def test_run_sync_with_the_test_model_and_the_sync_client(local_actpass: Any) -> None:
    ran: list[int] = []
    agent = Agent(
        TestModel(call_tools=["refund"]), capabilities=[ActPassCapability(local_actpass.client, **options())]
    )

    @agent.tool_plain
    def refund(charge: str, amount: int) -> str:
        ran.append(amount)
        return "refunded"

    result = agent.run_sync("refund it")
    # TestModel's own arguments refund 0 cents, which the refunds pack denies; the model reads why.
    assert ran == []
    assert local_actpass.last_decision()["reason_code"] == "refund.amount_invalid"
    assert "BLOCKED refund.amount_invalid: " in result.output


async def test_denies_a_large_refund_with_a_result_marked_blocked(agent_client: Any) -> None:
    ran, script, _ = await run_once(agent_client, 60000)
    assert ran == []
    part = script.told[0]
    assert isinstance(part, ToolReturnPart)
    assert str(part.content).startswith("BLOCKED refund.large_denied: ")
    assert part.metadata["actpass"]["actpass_blocked"] is True
    assert part.metadata["actpass"]["reason_code"] == "refund.large_denied"


async def test_holds_a_medium_refund_naming_the_request(local_actpass: Any, agent_client: Any) -> None:
    ran, script, result = await run_once(agent_client, 25000)
    assert ran == []
    assert result.output == "done"
    text = script.texts()[0]
    assert text.startswith("BLOCKED refund.medium_needs_approval: ")
    assert local_actpass.pending()[0]["id"] in text


async def test_raise_mode_fails_the_call_through_tool_failed(agent_client: Any) -> None:
    ran, script, _ = await run_once(agent_client, 60000, on_blocked="raise")
    assert ran == []
    part = script.told[0]
    assert isinstance(part, ToolReturnPart)
    assert part.outcome == "failed"
    assert str(part.content).startswith("BLOCKED refund.large_denied: ")


async def test_fails_closed_when_the_gateway_cannot_be_reached() -> None:
    async with actpass.AsyncActPassClient(
        api_key="k", base_url="http://127.0.0.1:9", max_retries=0
    ) as unreachable:
        ran, script, _ = await run_once(unreachable, 4900)
    assert ran == []
    assert script.texts()[0].startswith("BLOCKED client.")


async def test_monitor_mode_runs_and_records_the_decision(local_actpass: Any, agent_client: Any) -> None:
    ran, script, _ = await run_once(agent_client, 60000, mode="monitor")
    assert ran == [60000]
    assert script.texts() == ["refunded 60000"]
    assert local_actpass.last_decision()["decision"] == "deny"


@pytest.mark.parametrize("approvals", ["result", "durable"])
async def test_invalid_arguments_are_refused_by_pydantic_ai_before_any_decision(
    local_actpass: Any, agent_client: Any, approvals: str
) -> None:
    before = len(local_actpass.events())
    ran, script, result = await run_once(
        agent_client, "lots", approvals=approvals, output_type=[str, DeferredToolRequests]
    )
    assert ran == []
    assert result.output == "done"
    refused = script.told[0]
    assert refused.outcome == "retried"  # Pydantic AI's own validation error, sent back to the model
    assert refused.retry.cause == "validation_error"
    assert "amount" in str(refused.content)
    assert "BLOCKED" not in str(script.told[0].content)
    assert len(local_actpass.events()) == before


def test_waits_for_an_approver_then_runs_once(local_actpass: Any) -> None:
    def approve_when_held() -> None:
        for _ in range(600):
            pending = local_actpass.pending()
            if pending:
                local_actpass.approve(pending[0]["id"])
                return
            time.sleep(0.05)

    approver = threading.Thread(target=approve_when_held)
    approver.start()
    ran: list[int] = []
    agent, script = refund_agent(local_actpass.client, 25000, ran, wait_for_approval={"timeout_s": 60})
    agent.run_sync("refund it")
    approver.join()
    assert ran == [25000]
    assert script.texts() == ["refunded 25000"]


class Receipt(BaseModel):
    ok: bool
    note: str


async def test_typed_tool_and_typed_agent_output_get_a_value_of_their_type(agent_client: Any) -> None:
    script = OneCall("refund", {"charge": "ch_1", "amount": 60000})
    capability = ActPassCapability(
        agent_client,
        **options(blocked_output=lambda decision, text, tool_def: Receipt(ok=False, note=text)),
    )
    ran: list[int] = []

    def finish(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1]
        returns = [p for p in last.parts if isinstance(p, ToolReturnPart)]
        if returns and info.output_tools:  # the typed run output, written from what the tool answered
            script.told.extend(returns)
            note = json.dumps(returns[0].model_response_object())
            return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"ok": False, "note": note})])
        return script(messages, info)

    agent = Agent(FunctionModel(finish), output_type=Receipt, capabilities=[capability])

    @agent.tool_plain
    def refund(charge: str, amount: int) -> Receipt:
        ran.append(amount)
        return Receipt(ok=True, note="refunded")

    result = await agent.run("refund it")
    assert ran == []
    blocked = script.told[0].content
    assert isinstance(blocked, Receipt)
    assert blocked.ok is False
    assert blocked.note.startswith("BLOCKED refund.large_denied: ")
    assert isinstance(result.output, Receipt)
    assert result.output.ok is False


async def test_guards_a_tool_loaded_from_an_mcp_server(agent_client: Any, tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node is not None, "this test starts the MCP filesystem server with Node.js"
    assert FILESYSTEM_SERVER.exists(), "run pnpm install: the MCP filesystem server comes from npm"
    root = tmp_path / "files"
    root.mkdir()
    server = MCPToolset(Client(StdioTransport(command=node, args=[str(FILESYSTEM_SERVER), str(root)])))
    script = OneCall("write_file", {"path": str(root / "pwned.txt"), "content": "x"})
    capability = ActPassCapability(agent_client, goal="tidy", tool_name=lambda n: f"fs.{n}")
    agent = Agent(FunctionModel(script), toolsets=[server], capabilities=[capability])
    async with agent:
        await agent.run("write")
    assert os.listdir(root) == []
    assert script.texts()[0].startswith("BLOCKED policy.no_match")


# -- durable approvals -------------------------------------------------------------------------------------

DURABLE: dict[str, Any] = {"approvals": "durable", "output_type": [str, DeferredToolRequests]}


async def paused(client: Any) -> tuple[str, str]:
    ran: list[int] = []
    agent, _ = refund_agent(client, 25000, ran, **DURABLE)
    result = await agent.run("refund it")
    assert ran == []
    assert isinstance(result.output, DeferredToolRequests)
    assert [call.tool_call_id for call in result.output.approvals] == ["call_1"]
    capability = ActPassCapability(client, **options(approvals="durable"))
    saved = capability.pause(result)
    held = json.loads(saved)["held"]
    assert len(held) == 1
    return saved, str(held[0]["approval_request_id"])


async def resumed(client: Any, saved: str) -> tuple[list[int], OneCall, Any, Any]:
    """A new process: a new agent, a new capability, the saved string."""
    ran: list[int] = []
    agent, script = refund_agent(client, 25000, ran, **DURABLE)
    capability = ActPassCapability(client, **options(approvals="durable"))
    settled = await capability.resume(saved)
    result = await agent.run(message_history=settled.message_history, deferred_tool_results=settled.results)
    return ran, script, settled, result


async def test_durable_without_deferred_output_ends_the_run_with_pydantic_ais_error(
    agent_client: Any,
) -> None:
    ran: list[int] = []
    agent, _ = refund_agent(agent_client, 25000, ran, approvals="durable")
    with pytest.raises(UserError, match="DeferredToolRequests"):
        await agent.run("refund it")
    assert ran == []


async def test_durable_approved_in_actpass_runs_once(local_actpass: Any, agent_client: Any) -> None:
    saved, approval_id = await paused(agent_client)
    local_actpass.approve(approval_id)
    ran, script, settled, result = await resumed(agent_client, saved)
    assert [status for _, status in settled.statuses] == ["approved"]
    assert ran == [25000]
    assert script.texts() == ["refunded 25000"]
    assert result.output == "done"
    assert local_actpass.client.approvals.get(approval_id)["status"] == "used"


async def test_durable_denied_in_actpass_is_denied_with_the_reason(
    local_actpass: Any, agent_client: Any
) -> None:
    saved, approval_id = await paused(agent_client)
    local_actpass.deny(approval_id, note="not eligible")
    ran, script, _, _ = await resumed(agent_client, saved)
    assert ran == []
    assert script.texts()[0].startswith("BLOCKED approval.denied")
    assert "not eligible" in script.texts()[0]


async def test_durable_still_pending_stays_deferred_undecided(local_actpass: Any, agent_client: Any) -> None:
    saved, approval_id = await paused(agent_client)
    before = len(local_actpass.events())
    ran, _, settled, result = await resumed(agent_client, saved)
    assert [call.approval_request_id for call in settled.pending] == [approval_id]
    assert ran == []
    assert isinstance(result.output, DeferredToolRequests)
    assert result.output.metadata["call_1"]["actpass"]["approval_request_id"] == approval_id
    assert len(local_actpass.events()) == before


async def test_durable_approved_in_the_framework_alone_does_not_run(agent_client: Any) -> None:
    ran: list[int] = []
    agent, _ = refund_agent(agent_client, 25000, ran, **DURABLE)
    first = await agent.run("refund it")
    approve_all = DeferredToolResults(approvals={"call_1": True})
    second = await agent.run(message_history=first.all_messages(), deferred_tool_results=approve_all)
    assert ran == []
    # Decided again: the gateway still holds the action, so the run pauses again on the same request.
    assert isinstance(second.output, DeferredToolRequests)
    first_id = first.output.metadata["call_1"]["actpass"]["approval_request_id"]
    assert second.output.metadata["call_1"]["actpass"]["approval_request_id"] == first_id


async def test_a_forged_request_id_does_not_release_another_action(
    local_actpass: Any, agent_client: Any
) -> None:
    # A person approved a small, different refund; the app claims that approval for the held one.
    other = await agent_client.preflight(
        goal=GOAL, tool="stripe.refund.create", args={"charge": "ch_2", "amount": 20000}
    )
    local_actpass.approve(other["approval_request_id"])
    ran: list[int] = []
    agent, script = refund_agent(agent_client, 25000, ran, **DURABLE)
    first = await agent.run("refund it")
    forged = {"actpass": {"call_id": "call_1", "tool": "stripe.refund.create"}}
    forged["actpass"]["approval_request_id"] = other["approval_request_id"]
    results = DeferredToolResults(approvals={"call_1": True}, metadata={"call_1": forged})
    await agent.run(message_history=first.all_messages(), deferred_tool_results=results)
    assert ran == []
    assert script.texts()[0].startswith("BLOCKED approval.mismatch")
    assert local_actpass.client.approvals.get(other["approval_request_id"])["status"] == "approved"


async def test_a_saved_string_that_is_not_a_paused_run_is_refused(agent_client: Any) -> None:
    capability = ActPassCapability(agent_client, goal=GOAL)
    with pytest.raises(actpass.MisconfiguredError, match=r"capability\.pause"):
        await capability.resume('{"messages": 1}')


async def test_a_tampered_request_id_in_the_saved_run_approves_nothing(
    local_actpass: Any, agent_client: Any
) -> None:
    saved, approval_id = await paused(agent_client)
    local_actpass.approve(approval_id)
    tampered = json.loads(saved)
    tampered["held"][0]["approval_request_id"] = "../approvals/" + approval_id + "/approve?x=<script>"
    capability = ActPassCapability(agent_client, **options(approvals="durable"))
    with pytest.raises(actpass.MisconfiguredError, match=r"held\[0\]\.approval_request_id"):
        await capability.resume(json.dumps(tampered))
    # The real request is still approved and unused: nothing ran, nothing was released.
    assert local_actpass.client.approvals.get(approval_id)["status"] == "approved"


async def test_pause_refuses_a_run_that_did_not_end_on_held_calls(agent_client: Any) -> None:
    _, _, result = await run_once(agent_client, 4900)
    with pytest.raises(actpass.MisconfiguredError, match="DeferredToolRequests"):
        ActPassCapability(agent_client, goal=GOAL).pause(result)


async def test_the_capability_may_be_given_to_one_run_only(agent_client: Any) -> None:
    ran: list[int] = []
    script = OneCall("refund", {"charge": "ch_1", "amount": 60000})
    agent = Agent(FunctionModel(script))

    @agent.tool_plain
    def refund(charge: str, amount: int) -> str:
        ran.append(amount)
        return "refunded"

    await agent.run("refund it", capabilities=[ActPassCapability(agent_client, **options())])
    assert ran == []
    assert script.texts()[0].startswith("BLOCKED refund.large_denied: ")


def test_a_missing_extra_names_the_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['pydantic_ai'] = None  # as in an install without the extra\n"
        "try:\n"
        "    import actpass.adapters.pydantic_ai\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert 'pip install "actpass[pydantic-ai]"' in done.stdout, done.stderr
