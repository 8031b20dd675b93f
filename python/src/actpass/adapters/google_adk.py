"""One ActPass interceptor for a Google ADK agent through its ``before_tool_callback`` (``pip install
"actpass[google-adk]"``):

    agent = guard_agent(client, LlmAgent(name=..., model=..., tools=[refund, McpToolset(...)]), goal="...")

Every tool the agent runs — function tools, toolsets, MCP tools — passes the callback first; a blocked
call answers ``{"error": "BLOCKED <reason_code>: <summary>"}`` instead of running (ADK skips a tool whose
before-callback returns a dict). ADK checks a function tool's arguments only inside the tool, after the
callback, so arguments that plainly break the tool's declaration are refused here, undecided.

With ``approvals="durable"`` a held call asks for ADK's own tool confirmation
(``tool_context.request_confirmation``): the session records an ``adk_request_confirmation`` call that names
the ActPass approval request. :meth:`AgentInterceptor.resume` reads each such request from ActPass and
builds the confirmation answers to send; whoever answers, the callback reads the request from ActPass again
before the call runs (ADK's ``confirmed`` flag is never what approves it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Literal

from .._client import AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import PerCall, ToolBlockedError, ToolNameOption, missing_extra
from ._intercept import (
    HeldCall,
    InterceptOptions,
    Status,
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
    from google.adk.agents import LlmAgent
    from google.adk.tools.base_tool import BaseTool
    from google.adk.tools.function_tool import FunctionTool
    from google.adk.tools.tool_context import ToolContext
    from google.genai import types
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("google-adk", "google-adk", error) from error

__all__ = ["AgentInterceptor", "Resumed", "guard_agent"]

#: The function call ADK records when a tool asks for confirmation (google.adk.flows.llm_flows.functions).
CONFIRMATION_CALL = "adk_request_confirmation"


@dataclass(frozen=True)
class Resumed:
    """What :meth:`AgentInterceptor.resume` found: the confirmation answers to send as the next message
    (``None`` when every held call still waits), the calls still waiting, and how each stood in ActPass."""

    message: types.Content | None
    pending: list[HeldCall]
    statuses: list[tuple[HeldCall, Status]]


# -- the tool's own argument schema ------------------------------------------------------------------------


def _lowered(schema: Any) -> Any:
    """A Gemini schema (``{"type": "INTEGER", "any_of": …}``) in JSON Schema's spelling."""
    if isinstance(schema, list):
        return [_lowered(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type" and isinstance(value, str):
            out["type"] = [value.lower(), "null"] if schema.get("nullable") else value.lower()
        elif key in ("properties",) and isinstance(value, Mapping):
            out[key] = {name: _lowered(item) for name, item in value.items()}
        elif key in ("items", "any_of", "required", "enum"):
            out["anyOf" if key == "any_of" else key] = _lowered(value)
    return out


def _argument_schema(tool: BaseTool) -> Any:
    """The JSON Schema the model's arguments must meet, or None when the tool declares none."""
    raw = getattr(getattr(tool, "_mcp_tool", None), "inputSchema", None)
    if isinstance(raw, Mapping):  # an MCP tool: the server's own JSON Schema
        return raw
    declaration = tool._get_declaration()
    if declaration is None:
        return None
    if declaration.parameters_json_schema is not None:
        return declaration.parameters_json_schema
    if declaration.parameters is None:
        return None
    schema = _lowered(declaration.parameters.model_dump(exclude_none=True, mode="json"))
    if isinstance(tool, FunctionTool):
        # The Gemini declaration lists parameters with defaults as required too; ADK itself only insists
        # on the ones without a default.
        schema["required"] = tool._get_mandatory_args()
    return schema


def _problem(tool: BaseTool, args: Mapping[str, Any]) -> str | None:
    try:
        schema = _argument_schema(tool)
    except Exception:  # a declaration ADK cannot build: ADK's own call reports it
        return None
    return schema_problem(schema, dict(args)) if schema is not None else None


# -- held calls recorded in the session --------------------------------------------------------------------


def _held_requests(events: Any) -> list[tuple[str, HeldCall]]:
    """The ActPass holds still open in a session, as (confirmation request call id, held call). A hold is
    open until its call gets a response other than the pause itself (which names the approval request): a
    confirmation sent while the ActPass request was still pending ends its run before any response."""
    open_: dict[str, tuple[str, HeldCall]] = {}
    for event in events or []:
        for call in _confirmation_requests(event):
            held = _payload_hold(call.args)
            if held is not None and isinstance(call.id, str):
                open_[held.call_id] = (call.id, held)
        for response in event.get_function_responses():
            found = open_.get(response.id or "")
            if found is not None and not _is_pause(response.response, found[1]):
                del open_[found[1].call_id]
    return list(open_.values())


def _confirmation_requests(event: Any) -> list[Any]:
    """The confirmation requests ADK itself wrote in ``event``: ADK marks each as a long-running call, which
    a function call the model made up with the same name never is."""
    ids = event.long_running_tool_ids or set()
    return [
        call
        for call in event.get_function_calls()
        if call.name == CONFIRMATION_CALL and call.id in ids and isinstance(call.args, Mapping)
    ]


def _is_pause(response: Any, held: HeldCall) -> bool:
    return isinstance(response, Mapping) and response.get("approval_request_id") == held.approval_request_id


def _session_of(tool_context: ToolContext) -> Any:
    """The session of the running invocation: ADK 2 gives a tool context its session publicly; ADK 1.x only
    through the invocation context, where ADK's own processors read it."""
    session = getattr(tool_context, "session", None)
    if session is None:
        session = getattr(getattr(tool_context, "_invocation_context", None), "session", None)
    return session


def _held_in_session(tool_context: ToolContext) -> HeldCall | None:
    """The ActPass hold of the call ADK is resuming, read from the session ADK recorded it in."""
    session = _session_of(tool_context)
    matches = [
        held
        for event in getattr(session, "events", None) or []
        for call in _confirmation_requests(event)
        for held in [_payload_hold(call.args)]
        if held is not None and held.call_id == tool_context.function_call_id
    ]
    return matches[-1] if matches else None


def _payload_hold(args: Mapping[str, Any]) -> HeldCall | None:
    confirmation = args.get("toolConfirmation")
    return HeldCall.from_value(confirmation.get("payload") if isinstance(confirmation, Mapping) else None)


def _blocked(text: str) -> dict[str, Any]:
    return {"error": text}


def _still_pending(held: HeldCall) -> dict[str, Any]:
    """Why a confirmation sent before ActPass's approver decided does not run the call, decision-shaped."""
    summary = (
        f"confirming in ADK does not approve approval request {held.approval_request_id}, which is still "
        "waiting for a person to decide in ActPass; resume() answers the confirmation once they have"
    )
    return {
        "decision": "require_approval",
        "reason_code": "approval.pending",
        "approval_request_id": held.approval_request_id,
        "explain": {"summary": summary},
    }


class AgentInterceptor:
    """Decides every tool call of the agents it protects. Per-call values (``goal``, ``passport``, …) may be
    functions of ``(tool_args, tool_context)``; ``tool_name`` maps ADK's tool name to the ActPass one."""

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

    async def _decide(
        self, name: str, tool_input: Mapping[str, Any], call: Any, approval_id: str | None = None
    ) -> Verdict:
        if isinstance(self._client, AsyncActPassClient):
            return await adecide(self._client, self._options, name, tool_input, call, approval_id)
        # The sync client blocks: off the event loop ADK runs on.
        return await asyncio.to_thread(
            decide, self._client, self._options, name, tool_input, call, approval_id
        )

    async def _status(self, held: HeldCall) -> tuple[Status, str]:
        if isinstance(self._client, AsyncActPassClient):
            return await aheld_status(self._client, held)
        return await asyncio.to_thread(held_status, self._client, held)

    async def before_tool_callback(
        self, tool: BaseTool, args: dict[str, Any], tool_context: ToolContext
    ) -> dict[str, Any] | None:
        """ADK's before-tool hook: ``None`` lets the call run, a dict answers in its place."""
        problem = _problem(tool, args)
        if problem:
            return _blocked(invalid_text(tool.name, problem))
        held = _held_in_session(tool_context) if tool_context.tool_confirmation is not None else None
        if held is not None:
            return await self._resume_call(tool, args, tool_context, held)
        verdict = await self._decide(tool.name, args, tool_context)
        if verdict.run:
            return None
        durable = self._options.approvals == "durable" and tool_context.function_call_id
        if durable and is_durable_hold(verdict.decision):
            held = HeldCall(
                str(tool_context.function_call_id), verdict.tool, str(verdict.decision["approval_request_id"])
            )
            return self._pause(tool_context, held, verdict.text)
        if self._options.on_blocked == "raise":
            raise ToolBlockedError(verdict.tool, verdict.decision)
        return _blocked(verdict.text)

    async def _resume_call(
        self, tool: BaseTool, args: dict[str, Any], tool_context: ToolContext, held: HeldCall
    ) -> dict[str, Any] | None:
        status, text = await self._status(held)
        if status == "refused":
            return _blocked(text)
        if status == "pending":
            # Confirming in ADK alone is not an ActPass approval, and the call must not answer here: ADK 2
            # counts a confirmation as used once its call has a response (a later answer to it is dropped),
            # and no ADK asks for a new confirmation from a call it is resuming. Raising ends the run
            # (ADK's failure path) with nothing recorded for the call, so the confirmation stays open and
            # resume() answers it again once a person decided in ActPass.
            raise ToolBlockedError(held.tool, _still_pending(held))
        verdict = await self._decide(tool.name, args, tool_context, held.approval_request_id)
        return None if verdict.run else _blocked(verdict.text)

    @staticmethod
    def _pause(tool_context: ToolContext, held: HeldCall, text: str) -> dict[str, Any]:
        tool_context.request_confirmation(hint=text, payload={"actpass": held.as_dict()})
        return {"error": text, "approval_request_id": held.approval_request_id}

    def protect(self, agent: LlmAgent) -> LlmAgent:
        """Puts the interceptor first among ``agent``'s before-tool callbacks and returns the agent."""
        callbacks: list[Any] = list(agent.canonical_before_tool_callbacks)
        if self.before_tool_callback not in callbacks:
            agent.before_tool_callback = [self.before_tool_callback, *callbacks]
        return agent

    async def resume(self, session: Any) -> Resumed:
        """Reads from ActPass each held call the paused ``session`` waits on and answers ADK's confirmation
        request of every decided one (approved → ``confirmed``; denied or expired → not). Send
        ``message`` with ``runner.run_async(..., new_message=resumed.message)``: ADK runs each answered
        call again through the callback, which reads ActPass once more before it runs."""
        events = getattr(session, "events", None)
        if not isinstance(events, list):
            raise MisconfiguredError(
                "resume(): session is not an ADK Session: pass "
                "await runner.session_service.get_session(app_name=..., user_id=..., session_id=...)"
            )
        parts: list[types.Part] = []
        pending: list[HeldCall] = []
        statuses: list[tuple[HeldCall, Status]] = []
        for request_id, held in _held_requests(events):
            status, _text = await self._status(held)
            statuses.append((held, status))
            if status == "pending":
                pending.append(held)
                continue
            answer = {"confirmed": status == "approved", "payload": {"actpass": held.as_dict()}}
            parts.append(
                types.Part(
                    function_response=types.FunctionResponse(
                        id=request_id, name=CONFIRMATION_CALL, response=answer
                    )
                )
            )
        message = types.Content(role="user", parts=parts) if parts else None
        return Resumed(message=message, pending=pending, statuses=statuses)


def guard_agent(client: Any, agent: LlmAgent, **options: Any) -> LlmAgent:
    """Guards every tool of ``agent`` (toolsets and MCP tools included) with one ActPass interceptor."""
    return AgentInterceptor(client, **options).protect(agent)
