"""OpenAI Agents SDK: an ``Agent`` with a guarded ``@function_tool``, run by the SDK's own ``Runner``
against a scripted ``Model`` (the SDK's interface for model backends): no network, no API key, no
tracing. The SDK runs tools asynchronously, so this uses ``AsyncActPassClient``."""

from __future__ import annotations

import json
from typing import Any

from agents import Agent, RunConfig, Runner, function_tool
from agents.items import ModelResponse
from agents.models.interface import Model
from agents.usage import Usage
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText
from refunds import GOAL, REQUESTS, TOOL, FakePayments, final_answer, resource_of

from actpass import AsyncActPassClient
from actpass.adapters.openai_agents import guard_tool


def _tool_outputs(items: Any) -> list[str]:
    if isinstance(items, str):
        return []
    found = []
    for item in items:
        data = item if isinstance(item, dict) else item.model_dump()
        if data.get("type") == "function_call_output":
            found.append(str(data["output"]))
    return found


class ScriptedRefundModel(Model):
    """First turn: three ``refund`` calls; next turn: repeat what the tools answered."""

    async def get_response(self, system_instructions: Any, input: Any, *args: Any, **kwargs: Any) -> Any:
        results = _tool_outputs(input)
        if results:
            text = ResponseOutputText(type="output_text", text=final_answer(results), annotations=[])
            message = ResponseOutputMessage(
                id="msg_1", type="message", role="assistant", status="completed", content=[text]
            )
            return ModelResponse(output=[message], usage=Usage(), response_id=None)
        calls = [
            ResponseFunctionToolCall(
                type="function_call",
                id=f"fc_{i}",
                call_id=f"call_{i}",
                name="refund",
                arguments=json.dumps(arguments),
                status="completed",
            )
            for i, arguments in enumerate(REQUESTS)
        ]
        return ModelResponse(output=calls, usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ScriptedRefundModel answers non-streamed runs only")


async def run_async(client: AsyncActPassClient, payments: FakePayments, **options: Any) -> dict[str, Any]:
    @function_tool
    def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        return payments.refund(charge, amount)

    guarded = guard_tool(client, refund, tool_name=TOOL, goal=GOAL, resource=resource_of, **options)
    agent = Agent(
        name="support", instructions="Resolve refund requests.", model=ScriptedRefundModel(), tools=[guarded]
    )
    result = await Runner.run(
        agent,
        "Refund the three charges the customer disputed.",
        run_config=RunConfig(tracing_disabled=True),
    )
    told = [str(item.output) for item in result.new_items if item.type == "tool_call_output_item"]
    return {"told": told, "final": str(result.final_output), "refunded": payments.refunded}
