"""``guard()`` around OpenAI Agents SDK function tools (``pip install -e 'python[openai-agents]'``).

The SDK invokes every tool asynchronously (``Runner.run_sync`` included), so the wrapper needs an
:class:`~actpass.AsyncActPassClient`. :func:`guard_tool` returns a copy of the ``FunctionTool`` whose
invocation is decided by ActPass first; its name, schema and options are unchanged.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any, Callable, Literal

from agents import FunctionTool
from agents.tool_context import ToolContext

from .._client import AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import GuardOptions, PerCall, ToolNameOption, as_input, guard_kwargs, result_of
from ._core import tool_name as resolve_tool_name

__all__ = ["guard_tool"]


def _tool_input(input_json: str) -> dict[str, Any]:
    """The model's arguments as the gateway sees them; text that is not a JSON object goes as ``input``."""
    try:
        parsed = json.loads(input_json) if input_json else {}
    except ValueError:
        parsed = input_json
    return as_input(parsed)


def guard_tool(
    client: AsyncActPassClient,
    tool: FunctionTool,
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
    record_outcome: bool = True,
) -> FunctionTool:
    """Wrap a ``@function_tool`` / ``FunctionTool``. Per-call values may be functions of
    ``(tool_input, tool_context)``; ``tool_name`` defaults to the tool's own name."""
    if not isinstance(client, AsyncActPassClient):
        raise MisconfiguredError(
            "the OpenAI Agents SDK runs tools asynchronously: pass an AsyncActPassClient to guard_tool()"
        )
    options = GuardOptions(
        goal=goal,
        tool=resolve_tool_name(tool_name, tool.name),
        resource=resource,
        args=args,
        passport=passport,
        mode=mode,
        agent_id=agent_id,
        user_id=user_id,
        context=context,
        wait_for_approval=wait_for_approval,
        on_blocked=on_blocked,
        record_outcome=record_outcome,
    )
    invoke = tool.on_invoke_tool

    async def guarded(tool_context: ToolContext[Any], input_json: str) -> Any:
        async def execute(_context: Any) -> Any:
            return await invoke(tool_context, input_json)

        tool_input = _tool_input(input_json)
        outcome = await client.guard(execute_fn=execute, **guard_kwargs(options, tool_input, tool_context))
        return result_of(options, outcome)

    return dataclasses.replace(tool, on_invoke_tool=guarded)
