"""The OpenAI Agents adapter in the SDK's own ``Runner`` with a scripted ``Model``, against the real
gateway on loopback: ``on_blocked="raise"`` ends the run with the ToolBlockedError (the SDK's own
exception family, not ``UserError``), typed-output tools answer a typed blocked value, arguments the
tool's parameter model rejects are never decided, and a held call's retry releases the approved
request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents import Agent, RunConfig, Runner, function_tool
from agents.exceptions import AgentsException, UserError
from agents.items import ModelResponse
from agents.models.interface import Model
from agents.usage import Usage
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText
from pydantic import BaseModel

import actpass
from actpass.adapters import ToolBlockedError
from actpass.adapters.openai_agents import guard_tool

GOAL = "resolve_refund_request"
TOOL = "stripe.refund.create"


def client(gateway: dict[str, Any], role: str = "agent", cls: Any = actpass.AsyncActPassClient) -> Any:
    return cls(
        api_key=gateway["keys"][role],
        tenant_id=gateway["tenant_id"],
        agent_id="support_agent",
        base_url=gateway["url"],
    )


class OneCallModel(Model):
    """Calls ``refund`` once with ``arguments``, then ends the turn with the tool output it read."""

    def __init__(self, arguments: str) -> None:
        self.arguments = arguments
        self.told: list[str] = []

    async def get_response(self, system_instructions: Any, input: Any, *args: Any, **kwargs: Any) -> Any:
        outputs = (
            []
            if isinstance(input, str)
            else [
                str((i if isinstance(i, dict) else i.model_dump())["output"])
                for i in input
                if (i if isinstance(i, dict) else i.model_dump()).get("type") == "function_call_output"
            ]
        )
        if outputs:
            self.told.extend(outputs)
            text = ResponseOutputText(type="output_text", text="done", annotations=[])
            message = ResponseOutputMessage(
                id="m", type="message", role="assistant", status="completed", content=[text]
            )
            return ModelResponse(output=[message], usage=Usage(), response_id=None)
        call = ResponseFunctionToolCall(
            type="function_call",
            id="fc",
            call_id="call_1",
            name="refund",
            arguments=self.arguments,
            status="completed",
        )
        return ModelResponse(output=[call], usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


async def run(tool: Any, arguments: dict[str, Any] | str) -> OneCallModel:
    model = OneCallModel(arguments if isinstance(arguments, str) else json.dumps(arguments))
    agent = Agent(name="support", instructions="refunds", model=model, tools=[tool])
    await Runner.run(agent, "refund it", run_config=RunConfig(tracing_disabled=True))
    return model


async def test_raise_mode_ends_the_run_with_the_blocked_error(live_gateway: dict[str, Any]) -> None:
    ran: list[int] = []

    @function_tool
    def refund(charge: str, amount: int) -> str:
        """Refund a charge."""
        ran.append(amount)
        return "refunded"

    async with client(live_gateway) as agent:
        guarded = guard_tool(agent, refund, tool_name=TOOL, goal=GOAL, on_blocked="raise")
        with pytest.raises(ToolBlockedError) as raised:
            await run(guarded, {"charge": "ch_large", "amount": 60000})
    assert isinstance(raised.value, AgentsException) and not isinstance(raised.value, UserError)
    assert raised.value.reason_code == "refund.large_denied"
    assert ran == []


class RefundResult(BaseModel):
    ok: bool
    message: str


async def test_typed_output_answers_a_typed_blocked_value(live_gateway: dict[str, Any]) -> None:
    @function_tool(output_type=RefundResult)
    def refund(charge: str, amount: int) -> RefundResult:
        """Refund a charge."""
        return RefundResult(ok=True, message="refunded")

    async with client(live_gateway) as agent:
        with pytest.raises(actpass.MisconfiguredError, match="blocked_output"):
            guard_tool(agent, refund, tool_name=TOOL, goal=GOAL)
        guarded = guard_tool(
            agent,
            refund,
            tool_name=TOOL,
            goal=GOAL,
            blocked_output=lambda _decision, text: RefundResult(ok=False, message=text),
        )
        model = await run(guarded, {"charge": "ch_large", "amount": 60000})
    assert len(model.told) == 1
    told = json.loads(model.told[0])
    assert told["ok"] is False and told["message"].startswith("BLOCKED refund.large_denied: ")


async def test_invalid_arguments_are_never_decided(live_gateway: dict[str, Any]) -> None:
    @function_tool
    def refund(charge: str, amount: int) -> str:
        """Refund a charge."""
        return "refunded"

    async with client(live_gateway) as agent:
        decided: list[dict[str, Any]] = []
        real_guard = agent.guard

        def spy(**kwargs: Any) -> Any:
            decided.append(kwargs)
            return real_guard(**kwargs)

        agent.guard = spy
        guarded = guard_tool(agent, refund, tool_name=TOOL, goal=GOAL)
        model = await run(guarded, {"charge": "ch_small", "amount": "lots"})
        assert decided == []
        assert model.told and "refunded" not in model.told[0]
        await run(guarded, {"charge": "ch_small", "amount": 4900})
    assert [d["args"] for d in decided] == [{"charge": "ch_small", "amount": 4900}]


async def test_held_retry_releases_the_approved_request(live_gateway: dict[str, Any]) -> None:
    ran: list[int] = []

    @function_tool
    def refund(charge: str, amount: int) -> str:
        """Refund a charge."""
        ran.append(amount)
        return f"refunded {amount}"

    with client(live_gateway, "approver", actpass.ActPassClient) as approver:
        async with client(live_gateway) as agent:
            guarded = guard_tool(agent, refund, tool_name=TOOL, goal=GOAL)
            first = await run(guarded, {"charge": "ch_agents_held", "amount": 25000})
            text = first.told[0]
            assert text.startswith("BLOCKED refund.medium_needs_approval: ")
            approval_id = text.split("Approval request ", 1)[1].split(" ", 1)[0]
            approver.approvals.approve(approval_id, note="ok")
            second = await run(guarded, {"charge": "ch_agents_held", "amount": 25000})
    assert second.told == ["refunded 25000"]
    assert ran == [25000]
