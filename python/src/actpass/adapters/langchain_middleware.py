"""One ActPass middleware for a LangChain v1 agent (``pip install "actpass[langchain]"``):

    agent = create_agent(model, tools, middleware=[ActPassMiddleware(client, goal="resolve_refund")])

Its ``wrap_tool_call`` hook decides every tool call the agent makes — MCP tools loaded with
``langchain-mcp-adapters`` included — after the tool's own argument schema accepted the model's
arguments (invalid ones go to the tool, which rejects them as it always does, undecided). With
``approvals="durable"`` a held call pauses the agent with LangGraph's ``interrupt`` (a checkpointer keeps
the run); once a person decided in ActPass, :meth:`ActPassMiddleware.resume` gives the value of
``Command(resume=...)`` and the re-run call is decided again, releasing an approved request exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Mapping
from typing import Any, Callable, Literal

from .._client import AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import PerCall, ToolBlockedError, ToolNameOption, blocked_artifact, missing_extra
from ._intercept import (
    HeldCall,
    HeldCalls,
    InterceptOptions,
    Verdict,
    adecide,
    aheld_status,
    decide,
    held_status,
    is_durable_hold,
)

try:
    from langchain.agents.middleware import AgentMiddleware
    from langchain_core.messages import ToolMessage
    from langgraph.types import interrupt
    from pydantic import BaseModel, ValidationError
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("langchain (v1) and langgraph", "langchain", error) from error

__all__ = ["ActPassMiddleware"]


def _arguments_valid(request: Any) -> bool:
    """True when the tool's own schema (what the model sees, injected arguments left out) accepts them."""
    tool = request.tool
    schema = getattr(tool, "tool_call_schema", None) if tool is not None else None
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        try:
            schema.model_validate(request.tool_call.get("args") or {})
        except ValidationError:
            return False
    return True


class ActPassMiddleware(AgentMiddleware):
    """Decides every tool call of the agent. Per-call values (``goal``, ``passport``, …) may be functions of
    ``(tool_args, request)``; ``tool_name`` maps the framework's tool name to the ActPass one (default:
    the same name, which must then be an ActPass tool name)."""

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
        super().__init__()
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

    # -- the hook ----------------------------------------------------------------------------------------

    def wrap_tool_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        if not _arguments_valid(request):
            return handler(request)  # the tool's own validation answers, as without the middleware
        if isinstance(self._client, AsyncActPassClient):
            raise MisconfiguredError(
                "ActPassMiddleware was given an AsyncActPassClient but the agent runs synchronously: "
                "use agent.ainvoke(...), or pass an ActPassClient"
            )
        call = request.tool_call
        resumed = self._held.take(call.get("id"))
        verdict = decide(
            self._client,
            self._options,
            call["name"],
            call.get("args") or {},
            request,
            resumed.approval_request_id if resumed else None,
        )
        return handler(request) if verdict.run else self._blocked(request, verdict, resumed)

    async def awrap_tool_call(self, request: Any, handler: Callable[[Any], Awaitable[Any]]) -> Any:
        if not _arguments_valid(request):
            return await handler(request)
        call = request.tool_call
        resumed = self._held.take(call.get("id"))
        approval_id = resumed.approval_request_id if resumed else None
        args = call.get("args") or {}
        if isinstance(self._client, AsyncActPassClient):
            verdict = await adecide(self._client, self._options, call["name"], args, request, approval_id)
        else:
            verdict = await asyncio.to_thread(
                decide, self._client, self._options, call["name"], args, request, approval_id
            )
        return await handler(request) if verdict.run else self._blocked(request, verdict, resumed)

    def _blocked(self, request: Any, verdict: Verdict, resumed: HeldCall | None) -> Any:
        call = request.tool_call
        if self._options.on_blocked == "raise":
            raise ToolBlockedError(verdict.tool, verdict.decision)
        if self._options.approvals == "durable" and is_durable_hold(verdict.decision) and resumed is None:
            held = HeldCall(
                str(call.get("id") or ""), verdict.tool, str(verdict.decision["approval_request_id"])
            )
            self._held.hold(held)
            # Pauses the run here (the checkpointer keeps it). Resumed without a decision read by
            # resume(), the call stays held and the model reads so.
            interrupt({"actpass": {**held.as_dict(), "text": verdict.text}})
        pairs = getattr(request.tool, "response_format", None) == "content_and_artifact"
        return ToolMessage(
            content=verdict.text,
            artifact=blocked_artifact(verdict.decision) if pairs else None,
            name=call["name"],
            tool_call_id=call.get("id") or "",
            status="error",
        )

    # -- durable approvals -------------------------------------------------------------------------------

    def resume(self, interrupts: Iterable[Any]) -> dict[str, Any]:
        """The ``Command(resume=...)`` value for the agent's pending interrupts, read from ActPass (never from
        a flag of the app's): approved and refused calls are re-decided with their request id (the
        gateway releases an approved one once and answers a denied or expired one with its reason)."""
        resume: dict[str, Any] = {}
        for item in interrupts:
            held = HeldCall.from_value(getattr(item, "value", None))
            if held is None or not getattr(item, "id", None):
                continue
            status, _text = held_status(self._client, held)
            if status != "pending":
                self._held.hold(held)
            resume[item.id] = {"approval_request_id": held.approval_request_id, "status": status}
        return resume

    async def aresume(self, interrupts: Iterable[Any]) -> dict[str, Any]:
        """:meth:`resume` with the async client."""
        resume: dict[str, Any] = {}
        for item in interrupts:
            held = HeldCall.from_value(getattr(item, "value", None))
            if held is None or not getattr(item, "id", None):
                continue
            status, _text = await aheld_status(self._client, held)
            if status != "pending":
                self._held.hold(held)
            resume[item.id] = {"approval_request_id": held.approval_request_id, "status": status}
        return resume
