"""CrewAI: a crew of one agent with a guarded ``refund`` tool, driven by a scripted ``BaseLLM`` (CrewAI's
interface for custom models) that answers in CrewAI's ReAct text format: no network, no API key."""

from __future__ import annotations

import json
import os
import re
from typing import Any

os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("OTEL_SDK_DISABLED", "true")
os.environ.setdefault("CREWAI_TRACING_ENABLED", "false")

from crewai import Agent, BaseLLM, Crew, Task
from crewai.tools import tool
from refunds import GOAL, REQUESTS, TOOL, FakePayments, final_answer, resource_of

from actpass import ActPassClient
from actpass.adapters.crewai import guard_tool

# What the executor appends after a tool call it ran: "Observation: <the tool's result>" (first line).
# The JSON input tells it apart from the prompt's format example ("Action Input: the input to …").
OBSERVATION = re.compile(r"^Action Input: \{.*\}\nObservation:[ \t]*(.+)$", re.MULTILINE)


def _conversation(messages: Any) -> str:
    """The model's own turns, where the executor appends each observation (the prompts' format
    example, "Observation: the result of the action", is in the system and user turns)."""
    if isinstance(messages, str):
        return ""
    return "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "assistant")


class ScriptedRefundLLM(BaseLLM):
    """Asks for one refund per turn, then repeats every observation it was given as the final answer."""

    def __init__(self) -> None:
        super().__init__(model="scripted-refund-llm")

    def call(self, messages: Any, *args: Any, **kwargs: Any) -> str:
        seen = [found.strip() for found in OBSERVATION.findall(_conversation(messages))]
        if len(seen) < len(REQUESTS):
            request = REQUESTS[len(seen)]
            return f"Thought: refund {request['charge']}\nAction: refund\nAction Input: {json.dumps(request)}"
        return f"Thought: I now know the final answer\nFinal Answer: {final_answer(seen)}"

    def supports_function_calling(self) -> bool:
        return False

    def supports_stop_words(self) -> bool:
        return False

    def get_context_window_size(self) -> int:
        return 8192


def refund_tool(payments: FakePayments) -> Any:
    @tool("refund")
    def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        return payments.refund(charge, amount)

    return refund


def run_sync(client: ActPassClient, payments: FakePayments, **options: Any) -> dict[str, Any]:
    guarded = guard_tool(
        client, refund_tool(payments), tool_name=TOOL, goal=GOAL, resource=resource_of, **options
    )
    agent = Agent(
        role="support agent",
        goal="Resolve refund requests",
        backstory="Handles disputed charges.",
        llm=ScriptedRefundLLM(),
        tools=[guarded],
        max_iter=8,
        verbose=False,
    )
    task = Task(
        description="Refund the three charges the customer disputed.",
        expected_output="What happened to each refund.",
        agent=agent,
    )
    result = Crew(agents=[agent], tasks=[task], verbose=False).kickoff()
    final = str(result.raw)
    told = final.split("\n")[1:]
    return {"told": told, "final": final, "refunded": payments.refunded}
