"""One ActPass interceptor on an OpenAI Agents ``Agent`` (tool input guardrails on every function tool, MCP
tools included; ``needs_approval`` interruptions in durable mode), driven by the SDK's own ``Runner`` with
a scripted ``Model``, against the in-process gateway with the refunds pack."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from _releases import assert_release
from agents import Agent, RunConfig, Runner, RunState, function_tool
from agents.exceptions import ToolInputGuardrailTripwireTriggered
from agents.items import ModelResponse
from agents.mcp import MCPServerStdio
from agents.models.interface import Model
from agents.usage import Usage
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText
from pydantic import BaseModel

import actpass
from actpass.adapters.openai_agents_interceptor import AgentInterceptor, guard_agent

GOAL = "resolve_refund_request"
FILESYSTEM_SERVER = (
    Path(__file__).resolve().parents[2]
    / "packages/gateway/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"
)
RUN = RunConfig(tracing_disabled=True)
# Recent SDKs check a call's arguments before needs_approval and pause, without asking it, a call their
# check cannot vouch for (the module holding that check arrived with the behaviour).
SDK_PAUSES_UNCHECKED_CALLS = importlib.util.find_spec("agents._function_tool_arguments") is not None


class OneCallModel(Model):
    """Calls ``name`` once with ``arguments``, then ends the turn; ``told`` keeps the outputs it read."""

    def __init__(self, name: str, arguments: str) -> None:
        self.name = name
        self.arguments = arguments
        self.told: list[str] = []

    async def get_response(self, system_instructions: Any, input: Any, *args: Any, **kwargs: Any) -> Any:
        raw = [] if isinstance(input, str) else input
        items = [i if isinstance(i, dict) else i.model_dump() for i in raw]
        outputs = [str(i["output"]) for i in items if i.get("type") == "function_call_output"]
        if outputs:
            self.told.extend(outputs)
            text = ResponseOutputText(type="output_text", text="done", annotations=[])
            message = ResponseOutputMessage(
                id="m", type="message", role="assistant", status="completed", content=[text]
            )
            return ModelResponse(output=[message], usage=Usage(), response_id=None)
        call = ResponseFunctionToolCall(
            type="function_call", id="fc", call_id="call_1", name=self.name, arguments=self.arguments
        )
        return ModelResponse(output=[call], usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


def refund_agent(amount: Any, ran: list[int]) -> tuple[Agent[Any], OneCallModel]:
    @function_tool
    def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        ran.append(amount)
        return f"refunded {amount}"

    model = OneCallModel("refund", json.dumps({"charge": "ch_1", "amount": amount}))
    return Agent(name="support", instructions="refunds", model=model, tools=[refund]), model


def options(**more: Any) -> dict[str, Any]:
    return {"goal": GOAL, "tool_name": lambda _name: "stripe.refund.create", **more}


async def run_once(client: Any, amount: Any, **more: Any) -> tuple[list[int], list[str], Any]:
    ran: list[int] = []
    agent, model = refund_agent(amount, ran)
    result = await Runner.run(guard_agent(client, agent, **options(**more)), "refund it", run_config=RUN)
    return ran, model.told, result


@pytest.fixture
def agent_client(local_actpass: Any) -> Any:
    return local_actpass.gateway.async_client()


def test_runs_at_the_release_this_venv_tests() -> None:
    assert_release("openai-agents")


async def test_allows_a_small_refund(agent_client: Any) -> None:
    ran, told, _ = await run_once(agent_client, 4900)
    assert ran == [4900]
    assert told == ["refunded 4900"]


async def test_denies_a_large_refund(agent_client: Any) -> None:
    ran, told, _ = await run_once(agent_client, 60000)
    assert ran == []
    assert told[0].startswith("BLOCKED refund.large_denied: ")


async def test_holds_a_medium_refund_naming_the_request(local_actpass: Any, agent_client: Any) -> None:
    ran, told, result = await run_once(agent_client, 25000)
    assert ran == []
    assert result.interruptions == []
    assert told[0].startswith("BLOCKED refund.medium_needs_approval: ")
    assert local_actpass.pending()[0]["id"] in told[0]


async def test_raise_mode_ends_the_run_with_the_tripwire(agent_client: Any) -> None:
    with pytest.raises(ToolInputGuardrailTripwireTriggered):
        await run_once(agent_client, 60000, on_blocked="raise")


async def test_the_sync_client_works_too(local_actpass: Any) -> None:
    ran, told, _ = await run_once(local_actpass.client, 60000)
    assert ran == []
    assert told[0].startswith("BLOCKED refund.large_denied: ")


async def test_fails_closed_when_the_gateway_cannot_be_reached() -> None:
    async with actpass.AsyncActPassClient(
        api_key="k", base_url="http://127.0.0.1:9", max_retries=0
    ) as unreachable:
        ran, told, _ = await run_once(unreachable, 4900)
    assert ran == []
    assert told[0].startswith("BLOCKED client.")


@pytest.mark.parametrize("approvals", ["result", "durable"])
async def test_invalid_arguments_are_refused_before_any_decision(
    local_actpass: Any, agent_client: Any, approvals: str
) -> None:
    before = len(local_actpass.events())
    ran: list[int] = []
    agent, model = refund_agent("lots", ran)
    interceptor = AgentInterceptor(agent_client, **options(approvals=approvals))
    result = await Runner.run(interceptor.protect(agent), "refund it", run_config=RUN)
    paused_by_the_sdk = approvals == "durable" and SDK_PAUSES_UNCHECKED_CALLS
    assert len(result.interruptions) == (1 if paused_by_the_sdk else 0)
    if paused_by_the_sdk:
        # Not an ActPass hold: nothing was decided, and resuming lets the guardrail refuse the arguments.
        saved = interceptor.pause(result.to_state())
        assert (json.loads(saved)["held"], json.loads(saved)["unchecked"]) == ([], ["call_1"])
        agent, model = refund_agent("lots", ran)
        later = AgentInterceptor(agent_client, **options(approvals=approvals))
        guarded = later.protect(agent)
        settled = await later.resume(guarded, saved)
        assert (settled.pending, settled.statuses) == ([], [])
        result = await Runner.run(guarded, settled.state, run_config=RUN)
    assert ran == []
    assert result.interruptions == []
    assert "arguments.amount: expected integer" in model.told[0]
    assert "BLOCKED" not in model.told[0]
    assert len(local_actpass.events()) == before


class RefundRequest(BaseModel):
    charge: str
    amount: int


async def test_a_tool_taking_a_model_is_held_durably_or_in_the_run(
    local_actpass: Any, agent_client: Any
) -> None:
    """A parameter model of the app's own is code the SDK will not run before approval, so recent SDKs
    pause such a call unchecked; the guardrail then decides it when it is about to run, and a hold there
    answers the BLOCKED text naming the request (a retry after approval releases it)."""
    ran: list[int] = []

    @function_tool
    def refund(request: RefundRequest) -> str:
        """Refund a charge, amount in cents."""
        ran.append(request.amount)
        return f"refunded {request.amount}"

    def agent() -> tuple[Agent[Any], OneCallModel]:
        model = OneCallModel("refund", json.dumps({"request": {"charge": "ch_1", "amount": 25000}}))
        return Agent(name="support", instructions="refunds", model=model, tools=[refund]), model

    durable = options(approvals="durable", args=lambda tool_args, _context: tool_args["request"])
    first, model = agent()
    interceptor = AgentInterceptor(agent_client, **durable)
    result = await Runner.run(interceptor.protect(first), "refund it", run_config=RUN)
    assert len(result.interruptions) == 1
    saved = json.loads(interceptor.pause(result.to_state()))
    assert ran == []
    if not SDK_PAUSES_UNCHECKED_CALLS:  # needs_approval decided the call: a durable ActPass hold
        assert [held["approval_request_id"] for held in saved["held"]] == [local_actpass.pending()[0]["id"]]
        return
    assert (saved["held"], saved["unchecked"], local_actpass.pending()) == ([], ["call_1"], [])
    later, model = agent()
    resumer = AgentInterceptor(agent_client, **durable)
    guarded = resumer.protect(later)
    settled = await resumer.resume(guarded, json.dumps(saved))
    result = await Runner.run(guarded, settled.state, run_config=RUN)
    assert ran == []
    assert result.interruptions == []
    assert model.told[0].startswith("BLOCKED refund.medium_needs_approval: ")
    assert local_actpass.pending()[0]["id"] in model.told[0]


async def test_a_pause_the_tools_own_rule_asked_for_is_left_to_the_app(agent_client: Any) -> None:
    ran: list[int] = []
    agent, _ = refund_agent("lots", ran)
    agent.tools[0] = dataclasses.replace(agent.tools[0], needs_approval=True)  # type: ignore[type-var]
    interceptor = AgentInterceptor(agent_client, **options(approvals="durable"))
    result = await Runner.run(interceptor.protect(agent), "refund it", run_config=RUN)
    assert len(result.interruptions) == 1
    saved = json.loads(interceptor.pause(result.to_state()))
    assert (saved["held"], saved.get("unchecked")) == ([], None)
    agent, _ = refund_agent("lots", ran)
    settled = await AgentInterceptor(agent_client, **options(approvals="durable")).resume(
        agent, json.dumps(saved)
    )
    assert len(settled.state.get_interruptions()) == 1  # still the app's to approve or reject
    assert ran == []


async def test_guards_a_tool_loaded_from_an_mcp_server(agent_client: Any, tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node is not None, "this test starts the MCP filesystem server with Node.js"
    assert FILESYSTEM_SERVER.exists(), "run pnpm install: the MCP filesystem server comes from npm"
    root = tmp_path / "files"
    root.mkdir()
    async with MCPServerStdio(
        name="fs", params={"command": node, "args": [str(FILESYSTEM_SERVER), str(root)]}
    ) as server:
        model = OneCallModel("write_file", json.dumps({"path": str(root / "pwned.txt"), "content": "x"}))
        agent = Agent(name="ops", instructions="files", model=model, mcp_servers=[server])
        guarded = guard_agent(agent_client, agent, goal="tidy", tool_name=lambda n: f"fs.{n}")
        await Runner.run(guarded, "write", run_config=RUN)
    assert os.listdir(root) == []
    assert model.told[0].startswith("BLOCKED policy.no_match")


# -- durable approvals -------------------------------------------------------------------------------------


async def paused(client: Any) -> tuple[str, str]:
    ran: list[int] = []
    agent, _ = refund_agent(25000, ran)
    interceptor = AgentInterceptor(client, **options(approvals="durable"))
    result = await Runner.run(interceptor.protect(agent), "refund it", run_config=RUN)
    assert ran == []
    assert len(result.interruptions) == 1
    saved = interceptor.pause(result.to_state())
    held = json.loads(saved)["held"]
    assert len(held) == 1
    return saved, str(held[0]["approval_request_id"])


async def resumed(client: Any, saved: str) -> tuple[list[int], list[str], Any, Any]:
    """A new process: a new agent, a new interceptor, the saved string."""
    ran: list[int] = []
    agent, model = refund_agent(25000, ran)
    interceptor = AgentInterceptor(client, **options(approvals="durable"))
    guarded = interceptor.protect(agent)
    settled = await interceptor.resume(guarded, saved)
    result = await Runner.run(guarded, settled.state, run_config=RUN)
    return ran, model.told, settled, result


async def test_durable_approved_in_actpass_runs_once(local_actpass: Any, agent_client: Any) -> None:
    saved, approval_id = await paused(agent_client)
    local_actpass.approve(approval_id)
    ran, told, settled, _ = await resumed(agent_client, saved)
    assert [status for _, status in settled.statuses] == ["approved"]
    assert ran == [25000]
    assert told == ["refunded 25000"]
    assert local_actpass.client.approvals.get(approval_id)["status"] == "used"


async def test_durable_denied_in_actpass_is_rejected_with_the_reason(
    local_actpass: Any, agent_client: Any
) -> None:
    saved, approval_id = await paused(agent_client)
    local_actpass.deny(approval_id, note="not eligible")
    ran, told, _, _ = await resumed(agent_client, saved)
    assert ran == []
    assert told[0].startswith("BLOCKED approval.denied")


async def test_durable_still_pending_keeps_the_interruption(agent_client: Any) -> None:
    saved, _ = await paused(agent_client)
    ran, _, settled, result = await resumed(agent_client, saved)
    assert len(settled.pending) == 1
    assert ran == []
    assert len(result.interruptions) == 1


async def test_durable_approved_in_the_framework_alone_does_not_run(agent_client: Any) -> None:
    saved, _ = await paused(agent_client)
    ran: list[int] = []
    agent, model = refund_agent(25000, ran)
    guarded = guard_agent(agent_client, agent, **options())
    state = await RunState.from_string(guarded, json.loads(saved)["run_state"])
    for item in state.get_interruptions():
        state.approve(item)
    await Runner.run(guarded, state, run_config=RUN)
    assert ran == []
    # The same client remembers the held action: the guardrail asks with its request, still pending.
    assert model.told[0].startswith("BLOCKED approval.pending: ")


async def test_a_saved_string_that_is_not_a_paused_run_is_refused(agent_client: Any) -> None:
    interceptor = AgentInterceptor(agent_client, goal=GOAL)
    with pytest.raises(actpass.MisconfiguredError, match=r"interceptor\.pause"):
        await interceptor.resume(Agent(name="x"), '{"run_state": 1}')
