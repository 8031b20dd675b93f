"""One ActPass interceptor for a whole Pydantic AI agent (``pip install "actpass[pydantic-ai]"``):

    agent = Agent(model, tools=[...], toolsets=[mcp], capabilities=[ActPassCapability(client, goal="refund")])

The capability's ``before_tool_execute`` hook decides every function tool call the agent runs — its own
tools and those of any toolset, MCP servers included — after Pydantic AI validated the model's arguments
and before the tool body runs. Blocked calls answer ``BLOCKED <reason_code>: <summary>`` as the tool's
result (a ``ToolReturn`` whose metadata marks it blocked); with ``on_blocked="raise"`` they fail through
``ToolFailed``, Pydantic AI's terminal tool failure. With ``approvals="durable"`` a held call becomes a
deferred tool call (``ApprovalRequired``) naming its ActPass approval request:
:meth:`ActPassCapability.pause` saves the run, :meth:`ActPassCapability.resume` settles each held call from
ActPass's decision (never from a flag of the app's) into the ``DeferredToolResults`` the next run takes.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Literal

from .._client import AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import PerCall, ToolBlockedError, ToolNameOption, blocked_artifact, missing_extra
from ._intercept import (
    HeldCall,
    InterceptOptions,
    Status,
    Verdict,
    adecide,
    aheld_status,
    decide,
    held_status,
    is_durable_hold,
)

try:
    from pydantic_ai import DeferredToolRequests, DeferredToolResults, RunContext, ToolDenied, ToolReturn
    from pydantic_ai.capabilities import AbstractCapability
    from pydantic_ai.exceptions import ApprovalRequired, SkipToolExecution, ToolFailed
    from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter, ToolCallPart
    from pydantic_ai.tools import ToolDefinition
    from pydantic_core import to_jsonable_python
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("pydantic-ai", "pydantic-ai", error) from error

__all__ = ["ActPassCapability", "PydanticAIToolBlockedError", "Resumed"]

# What the gateway names approval requests with: anything else in a saved run or in a run's metadata is
# not one of its requests and is never sent anywhere.
_APPROVAL_ID = re.compile(r"apr_[A-Za-z0-9_-]{1,64}")

# Set by resume() on a held call a person has not decided yet: the hook keeps it deferred, undecided.
_WAITING = "actpass_waiting"

BlockedOutput = Callable[[Mapping[str, Any], str, ToolDefinition], Any]


class PydanticAIToolBlockedError(ToolBlockedError, ToolFailed):
    """A blocked call with ``on_blocked="raise"``: a :class:`ToolBlockedError` that is also Pydantic AI's
    ``ToolFailed``, so the framework records a failed tool result (``outcome='failed'``) with the
    ``BLOCKED`` text, and the model sees it is done, not to be retried."""


@dataclass(frozen=True)
class Resumed:
    """What :meth:`ActPassCapability.resume` settled: the message history and the results to pass to
    ``agent.run(message_history=..., deferred_tool_results=...)``, the calls still waiting for a person,
    and how each held call stood in ActPass."""

    message_history: list[ModelMessage]
    results: DeferredToolResults
    pending: list[HeldCall]
    statuses: list[tuple[HeldCall, Status]]


@dataclass(init=False)
class ActPassCapability(AbstractCapability[Any]):
    """Decides every function tool call of the agent it is given to (``Agent(capabilities=[...])`` or a
    run's ``capabilities=[...]``). Per-call values (``goal``, ``passport``, …) may be functions of
    ``(tool_args, run_context)``; ``tool_name`` maps Pydantic AI's tool name to the ActPass one (default:
    the same name, which must then be an ActPass tool name).

    ``blocked_output(decision, text, tool_def)`` gives a blocked call a value of the tool's own return
    type; without it the model reads the ``BLOCKED`` text. Either way the result's metadata (kept in the
    message history, not sent to the model) is ``{"actpass": {"actpass_blocked": True, ...}}``.
    """

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
        blocked_output: BlockedOutput | None = None,
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
        self._blocked_output = blocked_output

    # Two capabilities are the same only if they are one object: the dataclass comparison would call any
    # two equal, whatever their client and options.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    async def _decide(
        self, name: str, tool_input: Mapping[str, Any], ctx: Any, approval_id: str | None
    ) -> Verdict:
        if isinstance(self._client, AsyncActPassClient):
            return await adecide(self._client, self._options, name, tool_input, ctx, approval_id)
        return await asyncio.to_thread(
            decide, self._client, self._options, name, tool_input, ctx, approval_id
        )

    # -- the hook ----------------------------------------------------------------------------------------

    async def before_tool_execute(
        self,
        ctx: RunContext[Any],
        *,
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: dict[str, Any],
    ) -> dict[str, Any]:
        # Pydantic AI validated `args` against the tool's schema before this hook: invalid model output
        # never gets here, so it is never decided nor recorded. The decision sees their JSON form.
        tool_input = to_jsonable_python(args, serialize_unknown=True)
        held = _resumed_hold(ctx, call)
        if (
            held is not None
            and isinstance(ctx.tool_call_metadata, Mapping)
            and ctx.tool_call_metadata.get(_WAITING)
        ):
            raise ApprovalRequired(metadata={"actpass": held.as_dict()})  # still waiting for a person
        verdict = await self._decide(
            tool_def.name, tool_input, ctx, held.approval_request_id if held is not None else None
        )
        if verdict.run:
            return args
        decision = verdict.decision
        if self._options.approvals == "durable" and is_durable_hold(decision):
            held = HeldCall(call.tool_call_id, verdict.tool, str(decision["approval_request_id"]))
            raise ApprovalRequired(metadata={"actpass": held.as_dict()})
        if self._options.on_blocked == "raise":
            raise PydanticAIToolBlockedError(verdict.tool, decision)
        value = (
            self._blocked_output(decision, verdict.text, tool_def) if self._blocked_output else verdict.text
        )
        raise SkipToolExecution(ToolReturn(value, metadata={"actpass": blocked_artifact(decision)}))

    # -- durable approvals -------------------------------------------------------------------------------

    def pause(self, result: Any) -> str:
        """The run that ended on held calls (``result.output`` is a ``DeferredToolRequests``), as one string:
        its message history and the ActPass request of each held call."""
        output = getattr(result, "output", None)
        if not isinstance(output, DeferredToolRequests):
            raise MisconfiguredError(
                "pause(): the run did not end on deferred tool calls: pass the result of an agent.run() "
                "whose output_type includes DeferredToolRequests and whose output is one"
            )
        held = [HeldCall.from_value(output.metadata.get(call.tool_call_id)) for call in output.approvals]
        messages = ModelMessagesTypeAdapter.dump_json(result.all_messages()).decode("utf-8")
        return json.dumps(
            {
                "actpass": 1,
                "messages": messages,
                "held": [call.as_dict() for call in held if call is not None],
            }
        )

    async def resume(self, saved: str) -> Resumed:
        """Settles each held call of a paused run from ActPass's decision: approved → approved, the call
        decided again with its request id (which the gateway releases once) and run; denied or expired →
        denied, the model reading the BLOCKED text; pending → kept deferred, undecided. Calls not held by
        ActPass get no result here: add the app's own to ``results`` before running."""
        messages_text, held = _parse_saved(saved)
        results = DeferredToolResults()
        pending: list[HeldCall] = []
        statuses: list[tuple[HeldCall, Status]] = []
        for call in held:
            if isinstance(self._client, AsyncActPassClient):
                status, text = await aheld_status(self._client, call)
            else:
                status, text = await asyncio.to_thread(held_status, self._client, call)
            statuses.append((call, status))
            if status == "refused":
                results.approvals[call.call_id] = ToolDenied(text)
                continue
            # Approved in Pydantic AI's terms so the hook runs again; it asks ActPass, which decides.
            results.approvals[call.call_id] = True
            results.metadata[call.call_id] = {"actpass": call.as_dict()}
            if status == "pending":
                results.metadata[call.call_id][_WAITING] = True
                pending.append(call)
        history = ModelMessagesTypeAdapter.validate_json(messages_text)
        return Resumed(message_history=history, results=results, pending=pending, statuses=statuses)


def _resumed_hold(ctx: RunContext[Any], call: ToolCallPart) -> HeldCall | None:
    """The held call a resumed run names for this call, or None. Only its request id is used, and only to
    ask the gateway, which releases it solely for the very action it held."""
    if not ctx.tool_call_approved:
        return None
    held = HeldCall.from_value(ctx.tool_call_metadata)
    if (
        held is None
        or held.call_id != call.tool_call_id
        or not _APPROVAL_ID.fullmatch(held.approval_request_id)
    ):
        return None
    return held


def _parse_saved(saved: str) -> tuple[str, list[HeldCall]]:
    try:
        data = json.loads(saved)
    except (TypeError, ValueError):
        data = None
    held_values = data.get("held") if isinstance(data, dict) else None
    calls = [HeldCall.from_value({"actpass": value}) for value in held_values or []]
    if (
        not isinstance(data, dict)
        or data.get("actpass") != 1
        or not isinstance(data.get("messages"), str)
        or not isinstance(held_values, list)
        or any(call is None for call in calls)
    ):
        raise MisconfiguredError(
            "resume(): saved is not a paused run: pass the string that capability.pause(result) returned"
        )
    held = [call for call in calls if call is not None]
    for index, call in enumerate(held):
        if not _APPROVAL_ID.fullmatch(call.approval_request_id):
            raise MisconfiguredError(
                f"resume(): saved.held[{index}].approval_request_id is not an ActPass approval request id "
                "(apr_…): the saved run was altered; pause the run again"
            )
    return data["messages"], held
