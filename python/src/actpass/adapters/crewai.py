"""``guard()`` around CrewAI tools (``pip install -e 'python[crewai]'``, Python 3.10+).

:func:`guard_tool` returns a CrewAI tool with the same name, description and argument schema whose run
is decided by ActPass first, on the arguments CrewAI validated. With :class:`~actpass.ActPassClient`
it serves ``run()`` (``crew.kickoff()``); with :class:`~actpass.AsyncActPassClient`, ``arun()``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Mapping
from typing import Any, Callable, Literal

from crewai.tools import BaseTool
from pydantic import PrivateAttr

from .._client import ActPassClient, AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import GuardOptions, PerCall, ToolNameOption, as_input, guard_kwargs, result_of
from ._core import tool_name as resolve_tool_name

__all__ = ["GuardedCrewTool", "guard_tool"]


class GuardedCrewTool(BaseTool):
    """A CrewAI tool decided by ActPass before the wrapped tool runs. Build it with :func:`guard_tool`."""

    _inner: BaseTool = PrivateAttr()
    _client: ActPassClient | AsyncActPassClient = PrivateAttr()
    _options: GuardOptions = PrivateAttr()

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        client = self._client
        if not isinstance(client, ActPassClient):
            raise MisconfiguredError(
                f"tool {self.name!r} is guarded with an AsyncActPassClient: run it with arun() "
                "(or guard it with an ActPassClient for crew.kickoff())"
            )
        inner = self._inner
        outcome = client.guard(
            execute_fn=lambda _context: inner.run(*args, **kwargs),
            **guard_kwargs(self._options, as_input(kwargs), None),
        )
        return result_of(self._options, outcome)

    async def _arun(self, *args: Any, **kwargs: Any) -> Any:
        client = self._client
        if not isinstance(client, AsyncActPassClient):
            raise MisconfiguredError(
                f"tool {self.name!r} is guarded with an ActPassClient: run it with run() "
                "(or guard it with an AsyncActPassClient for arun())"
            )
        inner = self._inner

        async def execute(_context: Any) -> Any:
            if _runs_async(inner):
                return await inner.arun(*args, **kwargs)
            return await asyncio.to_thread(inner.run, *args, **kwargs)  # sync-only: keep the loop free

        outcome = await client.guard(
            execute_fn=execute, **guard_kwargs(self._options, as_input(kwargs), None)
        )
        return result_of(self._options, outcome)


def _runs_async(tool: BaseTool) -> bool:
    """Whether ``arun()`` works: a ``@tool`` over an ``async def``, or a class with its own ``_arun``."""
    func = getattr(tool, "func", None)
    if func is not None:
        return inspect.iscoroutinefunction(func)
    return type(tool)._arun is not BaseTool._arun


def guard_tool(
    client: ActPassClient | AsyncActPassClient,
    tool: BaseTool,
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
) -> GuardedCrewTool:
    """Wrap a CrewAI tool (``@tool`` or a ``BaseTool``). Per-call values may be functions of
    ``(tool_input, None)``; ``tool_name`` defaults to the tool's own name."""
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
    guarded = GuardedCrewTool(
        name=tool.name,
        description=tool.description,
        args_schema=tool.args_schema,
        result_as_answer=tool.result_as_answer,
    )
    guarded._inner = tool
    guarded._client = client
    guarded._options = options
    return guarded
