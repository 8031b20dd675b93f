"""One ActPass interceptor for a whole OpenAI Agents ``Agent`` (``pip install "actpass[openai-agents]"``):

    agent = guard_agent(client, Agent(name=..., tools=[...], mcp_servers=[...]), goal="resolve_refund")

Every function tool the agent runs — its own and those it loads from MCP servers — gets an ActPass tool
input guardrail (the SDK's own hook). Arguments that plainly break the tool's schema are refused there,
undecided. With ``approvals="durable"`` a held call becomes the SDK's own interruption (``needs_approval``):
:meth:`AgentInterceptor.pause` saves the run state as a string with the ActPass request of each held call,
and :meth:`AgentInterceptor.resume` settles each from ActPass's decision (never from a flag of the app's)
before ``Runner.run(agent, state)`` goes on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Literal

from .._client import AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import PerCall, ToolNameOption, missing_extra
from ._intercept import (
    HeldCall,
    HeldCalls,
    InterceptOptions,
    Verdict,
    adecide,
    aheld_status,
    decide,
    held_status,
    invalid_text,
    is_durable_hold,
    schema_problem,
)

try:
    from agents import Agent, FunctionTool, RunState
    from agents.tool_guardrails import ToolGuardrailFunctionOutput, ToolInputGuardrail, ToolInputGuardrailData
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("openai-agents", "openai-agents", error) from error

__all__ = ["AgentInterceptor", "Resumed", "guard_agent"]

_MARK = "__actpass_intercepted__"


@dataclass(frozen=True)
class Resumed:
    """What :meth:`AgentInterceptor.resume` settled: the run state to pass to ``Runner.run``, the calls still
    waiting for a person, and how each held call stood in ActPass."""

    state: Any
    pending: list[HeldCall]
    statuses: list[tuple[HeldCall, str]]


def _arguments(text: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(text or "{}")
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


class AgentInterceptor:
    """Decides every function tool call of the agents it protects. Per-call values (``goal``,
    ``passport``, …) may be functions of ``(tool_args, tool_context)``; ``tool_name`` maps the SDK's tool
    name to the ActPass one (default: the same name, which must then be an ActPass tool name)."""

    def __init__(
        self,
        client: Any,
        *,
        goal: PerCall,
        tool_name: ToolNameOption = None,
        resource: Callable[[Mapping[str, Any], Any], str | None] | None = None,
        args: Callable[[Mapping[str, Any], Any], Mapping[str, Any]] | None = None,
        passport: PerCall = None,
        mode: PerCall = None,
        agent_id: PerCall = None,
        user_id: PerCall = None,
        context: PerCall = None,
        wait_for_approval: WaitForApproval | None = None,
        on_blocked: Literal["result", "raise"] = "result",
        approvals: Literal["result", "durable"] = "result",
    ) -> None:
        self._client = client
        self._options = InterceptOptions(
            goal=goal,
            tool_name=tool_name,
            resource=resource,
            args=args,
            passport=passport,
            mode=mode,
            agent_id=agent_id,
            user_id=user_id,
            context=context,
            wait_for_approval=wait_for_approval,
            on_blocked=on_blocked,
            approvals=approvals,
        )
        self._held = HeldCalls()
        # Early decisions (taken in needs_approval) awaiting their call's guardrail; bounded, oldest first.
        self._decided: OrderedDict[str, Verdict] = OrderedDict()
        # The calls needs_approval was asked about (bounded), and whether any guarded tool of each name has
        # an approval rule of its own: an interruption needs_approval never saw, of a tool with none, is the
        # SDK's own.
        self._asked: OrderedDict[str, None] = OrderedDict()
        self._own_rule: dict[str, bool] = {}

    async def _decide(
        self, name: str, tool_input: Mapping[str, Any], call: Any, approval_id: str | None = None
    ) -> Verdict:
        if isinstance(self._client, AsyncActPassClient):
            return await adecide(self._client, self._options, name, tool_input, call, approval_id)
        return await asyncio.to_thread(
            decide, self._client, self._options, name, tool_input, call, approval_id
        )

    # -- the hook ----------------------------------------------------------------------------------------

    def _intercept(self, tool: FunctionTool) -> FunctionTool:
        if getattr(tool, _MARK, False):
            return tool
        schema = tool.params_json_schema

        async def guardrail(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
            ctx = data.context
            tool_input = _arguments(ctx.tool_arguments)
            if tool_input is None or (problem := schema_problem(schema, tool_input)):
                # The SDK parses and validates only inside the tool, after this hook: plainly invalid
                # arguments are refused here, undecided.
                reason = "arguments: not a JSON object" if tool_input is None else str(problem)
                return ToolGuardrailFunctionOutput.reject_content(invalid_text(tool.name, reason))
            resumed = self._held.take(ctx.tool_call_id)
            early = None if resumed else self._decided.pop(ctx.tool_call_id, None)
            verdict = early or await self._decide(
                tool.name, tool_input, ctx, resumed.approval_request_id if resumed else None
            )
            info = {"actpass": verdict.decision.get("reason_code")}
            if verdict.run:
                return ToolGuardrailFunctionOutput.allow(info)
            if self._options.on_blocked == "raise":
                return ToolGuardrailFunctionOutput.raise_exception({**info, "text": verdict.text})
            return ToolGuardrailFunctionOutput.reject_content(verdict.text, info)

        changes: dict[str, Any] = {
            "tool_input_guardrails": [
                *(tool.tool_input_guardrails or []),
                ToolInputGuardrail(guardrail_function=guardrail, name="actpass"),
            ]
        }
        if self._options.approvals == "durable":
            own = tool.needs_approval
            self._own_rule[tool.name] = self._own_rule.get(tool.name, False) or own is not False

            async def needs_approval(run_context: Any, params: dict[str, Any], call_id: str) -> bool:
                self._asked[call_id] = None
                while len(self._asked) > 1000:
                    self._asked.popitem(last=False)
                if not schema_problem(schema, params):
                    verdict = await self._decide(tool.name, params, run_context)
                    if not verdict.run and is_durable_hold(verdict.decision):
                        approval_id = str(verdict.decision["approval_request_id"])
                        self._held.hold(HeldCall(call_id, verdict.tool, approval_id))
                        return True
                    self._decided[call_id] = verdict
                    while len(self._decided) > 1000:
                        self._decided.popitem(last=False)
                if callable(own):
                    return bool(await own(run_context, params, call_id))
                return bool(own)

            changes["needs_approval"] = needs_approval
        guarded = dataclasses.replace(tool, **changes)
        setattr(guarded, _MARK, True)
        return guarded

    def protect(self, agent: Agent[Any]) -> Agent[Any]:
        """Guards ``agent`` in place (every function tool, MCP tools included) and returns it."""
        get_all_tools = agent.get_all_tools

        async def guarded_tools(run_context: Any) -> list[Any]:
            tools = await get_all_tools(run_context)
            return [self._intercept(t) if isinstance(t, FunctionTool) else t for t in tools]

        object.__setattr__(agent, "get_all_tools", guarded_tools)
        return agent

    # -- durable approvals -------------------------------------------------------------------------------

    def pause(self, state: Any) -> str:
        """The run state of an interrupted result (``result.to_state()``) as one string, with the ActPass
        request of each held call."""
        held = []
        unchecked = []
        for item in state.get_interruptions():
            call_id = getattr(item.raw_item, "call_id", None)
            found = self._held.get(call_id)
            if found is not None:
                held.append(found.as_dict())
            elif self._sdk_interrupted(item, call_id):
                unchecked.append(call_id)
        saved: dict[str, Any] = {"actpass": 1, "run_state": state.to_string(), "held": held}
        if unchecked:
            saved["unchecked"] = unchecked
        return json.dumps(saved)

    def _sdk_interrupted(self, item: Any, call_id: Any) -> bool:
        """Whether the SDK itself paused this call without asking needs_approval: recent SDKs do so when
        their own check of the arguments cannot vouch for them before the tool runs (invalid, coerced, or
        a parameter model with code of its own). Only for a guarded tool with no approval rule of its own,
        so approving it leaves every decision to the guardrail."""
        name = getattr(item, "tool_name", None) or getattr(item.raw_item, "name", None)
        return (
            isinstance(call_id, str)
            and call_id not in self._asked
            and isinstance(name, str)
            and self._own_rule.get(name) is False
        )

    async def resume(self, agent: Agent[Any], saved: str) -> Resumed:
        """Loads a paused run and settles each held call from ActPass's decision: approved → approved in
        the run state (the call then runs, its re-decision releasing the request); denied or expired →
        rejected, the model reading the BLOCKED text; pending → left waiting."""
        run_state, held, unchecked = _parse_saved(saved)
        state = await RunState.from_string(agent, run_state)
        by_call = {call.call_id: call for call in held}
        pending: list[HeldCall] = []
        statuses: list[tuple[HeldCall, str]] = []
        for item in state.get_interruptions():
            call_id = getattr(item.raw_item, "call_id", "")
            call = by_call.get(call_id)
            if call is None:
                if call_id in unchecked:
                    # Paused by the SDK before any hook ran: the guardrail checks the arguments and asks
                    # ActPass when the call is about to run, so approving it here approves nothing.
                    state.approve(item)
                continue  # otherwise not held by ActPass: left to the app, never approved here
            if isinstance(self._client, AsyncActPassClient):
                status, text = await aheld_status(self._client, call)
            else:
                status, text = await asyncio.to_thread(held_status, self._client, call)
            statuses.append((call, status))
            if status == "approved":
                self._held.hold(call)  # the guardrail re-decides with the request id, releasing it once
                state.approve(item)
            elif status == "refused":
                state.reject(item, rejection_message=text)
            else:
                pending.append(call)
        return Resumed(state=state, pending=pending, statuses=statuses)


def _parse_saved(saved: str) -> tuple[str, list[HeldCall], set[str]]:
    try:
        data = json.loads(saved)
    except (TypeError, ValueError):
        data = None
    held_values = data.get("held") if isinstance(data, dict) else None
    calls = [HeldCall.from_value({"actpass": value}) for value in held_values or []]
    unchecked = data.get("unchecked", []) if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("actpass") != 1
        or not isinstance(data.get("run_state"), str)
        or not isinstance(held_values, list)
        or any(call is None for call in calls)
        or not isinstance(unchecked, list)
        or not all(isinstance(call_id, str) for call_id in unchecked)
    ):
        raise MisconfiguredError(
            "resume(): saved is not a paused run: pass the string that "
            "interceptor.pause(result.to_state()) returned"
        )
    return data["run_state"], [call for call in calls if call is not None], set(unchecked)


def guard_agent(client: Any, agent: Agent[Any], **options: Any) -> Agent[Any]:
    """Guards every function tool of ``agent`` (MCP tools included) with one ActPass interceptor."""
    return AgentInterceptor(client, **options).protect(agent)
