"""``guard()`` around OpenAI Agents SDK function tools (``pip install "actpass[openai-agents]"``).

The SDK invokes every tool asynchronously (``Runner.run_sync`` included), so the wrapper needs an
:class:`~actpass.AsyncActPassClient`. :func:`guard_tool` returns a copy of the ``FunctionTool`` whose
invocation is decided by ActPass first; its name, schema and options are unchanged.

The model's arguments are validated against the tool's own parameter model before a decision is asked:
arguments the tool would reject go straight to the tool, which rejects them the SDK's way, and nothing
is decided or recorded for them. With ``on_blocked="raise"`` a blocked call fails the run with a
:class:`ToolBlockedError` that is also one of the SDK's own ``AgentsException`` (what ``Runner.run``
raises), never an ``Error running tool`` ``UserError``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any, Callable, Literal

from .._client import AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import (
    GuardOptions,
    PerCall,
    ToolBlockedError,
    ToolNameOption,
    as_input,
    blocked_text,
    missing_extra,
    prepared,
    remember_approval,
)
from ._core import tool_name as resolve_tool_name

try:
    from agents import FunctionTool
    from agents.exceptions import AgentsException
    from agents.function_schema import function_schema
    from agents.tool_context import ToolContext
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("openai-agents", "openai-agents", error) from error

__all__ = ["AgentsToolBlockedError", "guard_tool"]


class AgentsToolBlockedError(ToolBlockedError, AgentsException):
    """A blocked call in ``on_blocked="raise"`` mode: the SDK lets its own exceptions end the run as they
    are, so ``Runner.run`` raises this (catch it as :class:`ToolBlockedError`)."""


def _parameter_check(tool: FunctionTool) -> Callable[[dict[str, Any]], bool] | None:
    """Whether arguments pass the tool's own parameter model (for a ``@function_tool``), else None."""
    original = getattr(tool, "__wrapped__", None)
    if not callable(original):
        return None
    try:
        model = function_schema(original).params_pydantic_model
    except Exception:  # not a function the SDK can describe: the tool validates on its own
        return None

    def valid(arguments: dict[str, Any]) -> bool:
        try:
            model(**arguments)
        except Exception:
            return False
        return True

    return valid


def _json_object(input_json: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(input_json) if input_json else {}
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


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
    blocked_output: Callable[[Mapping[str, Any], str], Any] | None = None,
) -> FunctionTool:
    """Wrap a ``@function_tool`` / ``FunctionTool``. Per-call values may be functions of
    ``(tool_input, tool_context)``; ``tool_name`` defaults to the tool's own name.

    A tool with a typed output (``output_type``/``output_json_schema``) needs ``blocked_output``: a
    function of ``(decision, blocked_text)`` returning a value of that type for a blocked call, e.g.
    ``lambda decision, text: RefundResult(ok=False, message=text)``."""
    if not isinstance(client, AsyncActPassClient):
        raise MisconfiguredError(
            "the OpenAI Agents SDK runs tools asynchronously: pass an AsyncActPassClient to guard_tool()"
        )
    typed = getattr(tool, "output_json_schema", None) is not None
    if typed and blocked_output is None and on_blocked == "result":
        raise MisconfiguredError(
            f"tool {tool.name!r} has a typed output, so a blocked call needs an answer of that type: pass "
            "blocked_output=lambda decision, text: ... (or on_blocked='raise')"
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
    valid = _parameter_check(tool)

    async def guarded(tool_context: ToolContext[Any], input_json: str) -> Any:
        arguments = _json_object(input_json)
        if arguments is None or (valid is not None and not valid(arguments)):
            # The tool rejects these arguments itself, its own way; there is nothing to decide.
            return await invoke(tool_context, input_json)

        async def execute(_context: Any) -> Any:
            return await invoke(tool_context, input_json)

        params, key = prepared(client, options, as_input(arguments), tool_context)
        outcome = await client.guard(execute_fn=execute, **params)
        remember_approval(client, key, outcome["decision"])
        if outcome["executed"] or outcome["error"] is not None:
            if outcome["error"] is not None:
                raise outcome["error"]
            return outcome["result"]
        decision = outcome["decision"]
        if on_blocked == "raise":
            raise AgentsToolBlockedError(options.tool, decision)
        text = blocked_text(decision)
        return blocked_output(decision, text) if blocked_output is not None else text

    return dataclasses.replace(tool, on_invoke_tool=guarded)
