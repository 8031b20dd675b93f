"""One ActPass guard for a LlamaIndex agent (``pip install "actpass[llamaindex]"``):

    agent = guard_agent(client, FunctionAgent(tools=[...], llm=llm), goal="resolve_refund")

The guard takes over the agent's ``get_tools`` — where a LlamaIndex agent (``FunctionAgent``,
``ReActAgent``) and ``AgentWorkflow`` collect the tools they offer the model and look a call up — so each
tool it runs is decided first: its own tools, those its ``tool_retriever`` finds and
those loaded from MCP servers with ``McpToolSpec``. The model's arguments are checked against the tool's
``fn_schema`` before a decision is asked (LlamaIndex itself hands them to the function unchecked), and a
refused call becomes the error ``ToolOutput`` the agent shows the model.

With ``approvals="durable"`` a held call pauses the run through LlamaIndex's human-in-the-loop events: the
tool waits (``ctx.wait_for_event``) for a ``HumanResponseEvent`` naming the ActPass request and writes an
:class:`ApprovalRequired` (an ``InputRequiredEvent``) to the event stream, so the app can save the run
with ``handler.ctx.to_dict()`` and stop. Later, in any process, :meth:`ActPassGuard.resume` reads each held
request from ActPass (never from a flag of the app's) and gives the events to send to the restored run;
the call is then decided again with its request id, which the gateway releases exactly once: calls of
the very same action made while it is held wait on that request too, and once it is approved one of them
runs while the others read that it was already used. ``on_blocked="raise"`` raises for a held call as for
any refusal, so nothing pauses in raise mode.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Callable, Literal

from .._client import AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import (
    PerCall,
    ToolBlockedError,
    ToolNameOption,
    action_key,
    blocked_artifact,
    guard_kwargs,
    missing_extra,
)
from ._intercept import (
    HeldCall,
    InterceptOptions,
    Verdict,
    adecide,
    aheld_status,
    decide,
    held_status,
    invalid_text,
    is_durable_hold,
)

try:
    from llama_index.core.agent.workflow import AgentWorkflow, BaseWorkflowAgent, CodeActAgent
    from llama_index.core.agent.workflow.multi_agent_workflow import handoff as _handoff
    from llama_index.core.tools import BaseTool, FunctionTool, ToolOutput, adapt_to_async_tool
    from llama_index.core.workflow import Context, HumanResponseEvent, InputRequiredEvent
    from pydantic import BaseModel
    from workflows.runtime.types.results import WaitingForEvent
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("llama-index-core", "llamaindex", error) from error

__all__ = ["ActPassGuard", "ApprovalRequired", "GuardedTool", "Resumed", "guard_agent"]

# The keyword the agent fills with the run's Context (LlamaIndex passes it to a FunctionTool whose
# function declares a Context parameter); the guard takes it out before the tool's own arguments.
_CONTEXT_PARAM = "actpass_context"
# Where a paused run keeps its held calls (in the run's own store, so ctx.to_dict() saves them).
_HELD_KEY = "actpass_held"


class ApprovalRequired(InputRequiredEvent):
    """Written to the event stream when a held call pauses the run: save ``handler.ctx.to_dict()`` and stop;
    a person decides ``approval_request_id`` in ActPass."""

    approval_request_id: str
    tool: str
    text: str


@dataclass(frozen=True)
class Resumed:
    """What :meth:`ActPassGuard.resume` read: the events to send to the restored run
    (``handler.ctx.send_event(event)``), the calls still waiting for a person, and how each stood."""

    events: list[Any]
    pending: list[HeldCall]
    statuses: list[tuple[HeldCall, str]]


async def _never_called(**_kwargs: Any) -> None:  # pragma: no cover - GuardedTool overrides the calls
    """FunctionTool wants a function; GuardedTool's calls go to the guard instead."""


class GuardedTool(FunctionTool):
    """A LlamaIndex tool whose calls are decided by ActPass first. It shares the wrapped tool's
    ``metadata`` (name, description, ``fn_schema``, ``return_direct``) and runs the wrapped tool itself, so
    its partial parameters, callbacks and own Context parameter keep working."""

    def __init__(self, tool: BaseTool, guard: ActPassGuard) -> None:
        super().__init__(async_fn=_never_called, metadata=tool.metadata)
        # Declared as taking the run's Context, so agents pass it (under a name of the guard's own).
        self.requires_context = True
        self.ctx_param_name = _CONTEXT_PARAM
        self.guarded = tool
        self._guard = guard

    def call(self, *args: Any, **kwargs: Any) -> ToolOutput:
        return self._guard._call(self.guarded, _keywords(self, args, kwargs))

    async def acall(self, *args: Any, **kwargs: Any) -> ToolOutput:
        return await self._guard._acall(self.guarded, _keywords(self, args, kwargs))


def _keywords(tool: GuardedTool, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    if args:  # what is decided must be what runs: positional values have no name to decide on
        raise MisconfiguredError(
            f"the guarded tool {tool.metadata.get_name()!r} takes keyword arguments only, as agents pass them"
        )
    return dict(kwargs)


def _check_arguments(tool: BaseTool, arguments: Mapping[str, Any]) -> None:
    """Validates the model's arguments with the tool's ``fn_schema`` before anything is decided: a
    pydantic ``ValidationError`` (or a ValueError for a name the schema lacks) goes back through the agent's
    tool-error path, so invalid output is never decided nor recorded."""
    schema = tool.metadata.fn_schema
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        return
    if schema.model_config.get("extra") != "allow":
        known = {name for name, field in schema.model_fields.items()} | {
            field.alias for field in schema.model_fields.values() if field.alias
        }
        unknown = sorted(str(key) for key in arguments if key not in known)
        if unknown:
            # The name is the model's: quoted and cut, so it cannot pass for more of the message.
            shown = unknown[0] if unknown[0].isidentifier() else repr(unknown[0][:80])
            name = tool.metadata.get_name()
            raise ValueError(invalid_text(name, f"arguments.{shown}: not an allowed property"))
    schema.model_validate(dict(arguments))


def _with_context(tool: BaseTool, arguments: Mapping[str, Any], ctx: Any) -> dict[str, Any]:
    """The wrapped tool's own keywords: the run's Context too when its function declares one."""
    if isinstance(tool, FunctionTool) and tool.requires_context and tool.ctx_param_name and ctx is not None:
        return {**arguments, tool.ctx_param_name: ctx}
    return dict(arguments)


def _is_handoff(tool: Any) -> bool:
    # AgentWorkflow's own control tool (passing the turn to another agent) runs nothing outside the run.
    return isinstance(tool, FunctionTool) and getattr(tool, "_real_fn", None) is _handoff


class ActPassGuard:
    """Decides every tool call of the agents it protects. Per-call values (``goal``, ``passport``, …) may
    be functions of ``(tool_args, ctx)``, ``ctx`` being the run's ``Context`` (``None`` when a tool is
    called outside an agent); ``tool_name`` maps LlamaIndex's tool name to the ActPass one (default: the
    same name, which must then be an ActPass tool name)."""

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

    # -- wrapping ----------------------------------------------------------------------------------------

    def tool(self, tool: BaseTool | Callable[..., Any]) -> GuardedTool:
        """One tool guarded (a plain function becomes a ``FunctionTool`` first, as agents do). A tool name
        that is not an ActPass name is refused here, naming ``tool_name``."""
        if isinstance(tool, GuardedTool):
            return tool
        found = tool if isinstance(tool, BaseTool) else FunctionTool.from_defaults(tool)
        self._options.for_tool(found.metadata.get_name())
        return GuardedTool(found, self)

    def _guarded(self, tools: Sequence[Any]) -> list[Any]:
        return [tool if _is_handoff(tool) else self.tool(tool) for tool in tools]

    def protect(self, agent: Any) -> Any:
        """Guards ``agent`` in place and returns it: a ``FunctionAgent`` or ``ReActAgent`` (a
        ``BaseWorkflowAgent`` whose tools run as tool calls) or an ``AgentWorkflow``, whose ``get_tools``
        serves every agent in it. Guard the workflow you run: an ``AgentWorkflow`` reads its agents' tools
        itself."""
        members = list(agent.agents.values()) if isinstance(agent, AgentWorkflow) else [agent]
        if any(isinstance(member, CodeActAgent) for member in members):
            # Its model writes code that your code_execute_fn runs with the tools' functions: those calls
            # never pass through a tool, so a guard here would decide nothing but look as if it did.
            raise MisconfiguredError(
                "protect() cannot guard a CodeActAgent: its tools run inside the code your code_execute_fn "
                "executes, not as tool calls. Guard what that executor runs (client.guard(...) around each "
                "function you expose to it), or use a FunctionAgent or ReActAgent"
            )
        if isinstance(agent, AgentWorkflow):
            workflow_tools = agent.get_tools

            async def workflow_get_tools(agent_name: str, input_str: str | None = None) -> list[Any]:
                return self._guarded(await workflow_tools(agent_name, input_str))

            object.__setattr__(agent, "get_tools", workflow_get_tools)
        elif isinstance(agent, BaseWorkflowAgent):
            agent_tools = agent.get_tools

            async def get_tools(input_str: str | None = None) -> list[Any]:
                return self._guarded(await agent_tools(input_str))

            # The agent is a pydantic model: the method goes on the instance, past its field validation.
            object.__setattr__(agent, "get_tools", get_tools)
        else:
            raise MisconfiguredError(
                f"protect() takes a LlamaIndex agent (FunctionAgent, ReActAgent) or an "
                f"AgentWorkflow, not {type(agent).__name__}: guard single tools with guard.tool(...)"
            )
        for member in members:  # names that are not ActPass names fail here, not in the middle of a run
            self._guarded(member.tools or [])
        return agent

    # -- one call ----------------------------------------------------------------------------------------

    def _durable(self, ctx: Any) -> bool:
        # Raise mode raises for a held call too, as every adapter's raise mode does: nothing pauses.
        return (
            self._options.approvals == "durable"
            and self._options.on_blocked != "raise"
            and isinstance(ctx, Context)
        )

    def _key(self, tool: BaseTool, arguments: Mapping[str, Any], ctx: Any) -> str:
        options = self._options.for_tool(tool.metadata.get_name())
        return action_key(guard_kwargs(options, arguments, ctx)) or ""

    async def _adecide(
        self, tool: BaseTool, arguments: Mapping[str, Any], ctx: Any, approval_id: str | None = None
    ) -> Verdict:
        name = tool.metadata.get_name()
        if isinstance(self._client, AsyncActPassClient):
            return await adecide(self._client, self._options, name, arguments, ctx, approval_id)
        return await asyncio.to_thread(decide, self._client, self._options, name, arguments, ctx, approval_id)

    async def _acall(self, tool: BaseTool, kwargs: dict[str, Any]) -> ToolOutput:
        ctx = kwargs.pop(_CONTEXT_PARAM, None)
        _check_arguments(tool, kwargs)
        key = self._key(tool, kwargs, ctx) if self._durable(ctx) else ""
        held = await _held_entry(ctx, key) if key else None
        # Held already: either LlamaIndex replays this call now that the response arrived, or the same
        # action is made again while the request is held, and it waits on that request too.
        if held is not None and await _wait(ctx, held):
            return await self._resume(tool, kwargs, ctx, key, held.call)
        verdict = await self._adecide(tool, kwargs, ctx)
        if verdict.run or not (key and is_durable_hold(verdict.decision)):
            return await self._answer(tool, kwargs, ctx, verdict)
        entry = _Held(HeldCall(key, verdict.tool, str(verdict.decision["approval_request_id"])), verdict.text)
        await _hold(ctx, entry)
        # Pauses the run: WaitingForEvent goes up, and LlamaIndex replays this call from the top once the
        # response arrives (the held entry is then found above, so no second decision is asked meanwhile).
        await _wait(ctx, entry)
        return await self._resume(tool, kwargs, ctx, key, entry.call)

    async def _resume(
        self, tool: BaseTool, kwargs: dict[str, Any], ctx: Any, key: str, held: HeldCall
    ) -> ToolOutput:
        await _release(ctx, key)
        # The response only wakes the call: ActPass decides again with the request id (released once if a
        # person approved it; refused with its reason if denied, expired or already used; still held if
        # pending).
        verdict = await self._adecide(tool, kwargs, ctx, held.approval_request_id)
        return await self._answer(tool, kwargs, ctx, verdict)

    async def _answer(self, tool: BaseTool, kwargs: dict[str, Any], ctx: Any, verdict: Verdict) -> ToolOutput:
        if verdict.run:
            output: ToolOutput = await adapt_to_async_tool(tool).acall(**_with_context(tool, kwargs, ctx))
            return output
        return self._blocked(tool, kwargs, verdict)

    def _call(self, tool: BaseTool, kwargs: dict[str, Any]) -> ToolOutput:
        ctx = kwargs.pop(_CONTEXT_PARAM, None)
        _check_arguments(tool, kwargs)
        if isinstance(self._client, AsyncActPassClient):
            raise MisconfiguredError(
                "the guarded tool was called synchronously with an AsyncActPassClient: run the agent (which "
                "calls tools with acall), or pass an ActPassClient"
            )
        verdict = decide(self._client, self._options, tool.metadata.get_name(), kwargs, ctx)
        if verdict.run:
            output: ToolOutput = adapt_to_async_tool(tool).call(**_with_context(tool, kwargs, ctx))
            return output
        return self._blocked(tool, kwargs, verdict)

    def _blocked(self, tool: BaseTool, kwargs: Mapping[str, Any], verdict: Verdict) -> ToolOutput:
        if self._options.on_blocked == "raise":
            # The agent turns a tool's exception into an error ToolOutput carrying it (``exception``), which
            # the ToolCallResult event on the stream shows the app.
            raise ToolBlockedError(verdict.tool, verdict.decision)
        # is_error: the model reads the text as a failure, and a return_direct tool does not end the run
        # with it as if it were the answer.
        return ToolOutput(
            content=verdict.text,
            tool_name=tool.metadata.get_name(),
            raw_input={"args": (), "kwargs": dict(kwargs)},
            raw_output=blocked_artifact(verdict.decision),
            is_error=True,
        )

    # -- durable approvals -------------------------------------------------------------------------------

    async def resume(self, ctx: Context) -> Resumed:
        """For a run restored with ``Context.from_dict(agent, saved)``: reads each held call's request from
        ActPass. Approved, denied or expired → a ``HumanResponseEvent`` to send to the run, which decides the
        call again with the request id (an approved one runs, released once; a refused one reads
        ``BLOCKED approval.denied``/``approval.expired``); still pending → no event, the run stays paused."""
        events: list[Any] = []
        pending: list[HeldCall] = []
        statuses: list[tuple[HeldCall, str]] = []
        for held in await _held_calls(ctx):
            if isinstance(self._client, AsyncActPassClient):
                status, _text = await aheld_status(self._client, held)
            else:
                status, _text = await asyncio.to_thread(held_status, self._client, held)
            statuses.append((held, status))
            if status == "pending":
                pending.append(held)
            else:
                # Only a wake-up call for the paused tool: what it does next is read from ActPass again.
                response: dict[str, Any] = {
                    "response": status,
                    "approval_request_id": held.approval_request_id,
                }
                events.append(HumanResponseEvent(**response))
        return Resumed(events=events, pending=pending, statuses=statuses)


# -- the held calls of a run, kept in its own store -----------------------------------------------------
#
# One entry per held action (its action key): the request it waits on, the BLOCKED text, and whether a
# woken call already took it to ActPass. Calls of the same action made while it is held wait on the same
# request, each with a waiter of its own (LlamaIndex scopes a waiter without an id to the call's work
# item), so one response wakes every one of them; the gateway then releases the request to one run and
# answers the others that it was already used. A released entry stays (resume skips it) so that a call
# woken after another one took the request still finds it.


@dataclass(frozen=True)
class _Held:
    call: HeldCall
    text: str
    released: bool = False

    def as_value(self) -> dict[str, Any]:
        return {**self.call.as_dict(), "text": self.text, "released": self.released}

    @classmethod
    def from_value(cls, value: Any) -> _Held | None:
        call = HeldCall.from_value({"actpass": value})
        if call is None:
            return None
        text = value.get("text")
        return cls(call, text if isinstance(text, str) else "", value.get("released") is True)


async def _wait(ctx: Context, held: _Held) -> bool:
    """True when the response for the held request arrived (LlamaIndex replays this call). Otherwise the
    call waits — LlamaIndex's WaitingForEvent goes up and pauses the step — unless the entry was released:
    then this is a new call of the same action after its request was used, and False says decide afresh."""
    approval_id = held.call.approval_request_id
    try:
        await ctx.wait_for_event(
            HumanResponseEvent,
            waiter_event=ApprovalRequired(
                approval_request_id=approval_id, tool=held.call.tool, text=held.text
            ),
            requirements={"approval_request_id": approval_id},
            timeout=None,
        )
    except WaitingForEvent:
        if held.released:
            return False  # not waiting: no waiter is registered, nothing written to the stream
        raise
    return True


async def _stored(ctx: Context) -> dict[str, Any]:
    found = await ctx.store.get(_HELD_KEY, default=None)
    return dict(found) if isinstance(found, Mapping) else {}


async def _held_calls(ctx: Context) -> list[HeldCall]:
    """The calls still waiting for a decision (released entries left out)."""
    entries = [_Held.from_value(value) for value in (await _stored(ctx)).values()]
    return [entry.call for entry in entries if entry is not None and not entry.released]


async def _held_entry(ctx: Any, key: str) -> _Held | None:
    return _Held.from_value((await _stored(ctx)).get(key))


async def _hold(ctx: Context, held: _Held) -> None:
    async with ctx.store.edit_state() as state:
        found = state.get(_HELD_KEY)
        calls = dict(found) if isinstance(found, Mapping) else {}
        calls[held.call.call_id] = held.as_value()
        state[_HELD_KEY] = calls


async def _release(ctx: Context, key: str) -> None:
    async with ctx.store.edit_state() as state:
        found = state.get(_HELD_KEY)
        calls = dict(found) if isinstance(found, Mapping) else {}
        entry = _Held.from_value(calls.get(key))
        if entry is not None:
            calls[key] = replace(entry, released=True).as_value()
        state[_HELD_KEY] = calls


def guard_agent(client: Any, agent: Any, **options: Any) -> Any:
    """Guards every tool of ``agent`` (or of every agent of an ``AgentWorkflow``) with one ActPass guard and
    returns the agent. Keep an :class:`ActPassGuard` instead when you resume durable approvals."""
    return ActPassGuard(client, **options).protect(agent)
