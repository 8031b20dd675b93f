"""``guard()`` around CrewAI tools (``pip install "actpass[crewai]"``, Python 3.10+).

:func:`guard_tool` returns a CrewAI tool with the same name, description, argument schema and settings
(``max_usage_count``, ``cache_function``, ``result_as_answer``, environment variables, failure policy)
whose run is decided by ActPass first, on the arguments CrewAI validated. Either client serves both
``run()`` and ``arun()``: CrewAI calls ``run()`` even in ``crew.akickoff()``, so a tool guarded with
:class:`~actpass.AsyncActPassClient` answers ``run()`` from CrewAI's worker thread by running the
decision on the client's own event loop (the one :func:`guard_tool` was called in, or the last
``arun()`` ran in).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Mapping
from typing import Any, Callable, Literal

from pydantic import PrivateAttr

from .._client import ActPassClient, AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import (
    GuardOptions,
    PerCall,
    ToolNameOption,
    as_input,
    missing_extra,
    prepared,
    remember_approval,
    result_of,
)
from ._core import tool_name as resolve_tool_name

try:
    from crewai.tools import BaseTool
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("crewai", "crewai", error) from error

# The settings of a CrewAI tool the wrapper carries over (each only where this CrewAI version has it).
_KEPT_SETTINGS = (
    "result_as_answer",
    "max_usage_count",
    "cache_function",
    "env_vars",
    "result_schema",
    "tool_failure_policy",
)


def _current_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class GuardedCrewTool(BaseTool):
    """A CrewAI tool decided by ActPass before the wrapped tool runs. Build it with :func:`guard_tool`."""

    _inner: BaseTool = PrivateAttr()
    _client: ActPassClient | AsyncActPassClient = PrivateAttr()
    _options: GuardOptions = PrivateAttr()
    # The loop an AsyncActPassClient does its I/O on (its connections belong to it): where it was
    # guarded, or last used through arun().
    _loop: asyncio.AbstractEventLoop | None = PrivateAttr(default=None)

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        client = self._client
        if isinstance(client, AsyncActPassClient):
            return self._run_on_client_loop(*args, **kwargs)
        inner = self._inner
        params, key = prepared(client, self._options, as_input(kwargs), None)
        outcome = client.guard(execute_fn=lambda _context: inner.run(*args, **kwargs), **params)
        remember_approval(client, key, outcome["decision"])
        return result_of(self._options, outcome)

    def _run_on_client_loop(self, *args: Any, **kwargs: Any) -> Any:
        """``run()`` with an AsyncActPassClient, as CrewAI calls it in ``akickoff()`` (from a worker
        thread): the decision runs on the client's own loop, this thread waiting for it."""
        loop = self._loop
        if loop is None or loop.is_closed() or not loop.is_running():
            if _current_loop() is not None:
                raise MisconfiguredError(
                    f"tool {self.name!r} is guarded with an AsyncActPassClient whose event loop is unknown: "
                    "call guard_tool() inside that loop (e.g. in the async function that runs "
                    "crew.akickoff()), or use await tool.arun()"
                )
            return asyncio.run(self._arun(*args, **kwargs))  # no loop anywhere yet: this one owns it
        if _current_loop() is loop:
            raise MisconfiguredError(
                f"tool {self.name!r} is guarded with an AsyncActPassClient: inside its event loop use "
                "await tool.arun() (run() would block the loop the decision needs)"
            )
        return asyncio.run_coroutine_threadsafe(self._arun(*args, **kwargs), loop).result()

    async def _arun(self, *args: Any, **kwargs: Any) -> Any:
        client = self._client
        if isinstance(client, AsyncActPassClient):
            self._loop = asyncio.get_running_loop()
        if not isinstance(client, AsyncActPassClient):
            # The sync client blocks: keep the loop free while it decides and the tool runs.
            return await asyncio.to_thread(self._run, *args, **kwargs)
        inner = self._inner

        async def execute(_context: Any) -> Any:
            if _runs_async(inner):
                return await inner.arun(*args, **kwargs)
            return await asyncio.to_thread(inner.run, *args, **kwargs)  # sync-only: keep the loop free

        params, key = prepared(client, self._options, as_input(kwargs), None)
        outcome = await client.guard(execute_fn=execute, **params)
        remember_approval(client, key, outcome["decision"])
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
    settings = {field: getattr(tool, field) for field in _KEPT_SETTINGS if field in type(tool).model_fields}
    guarded = GuardedCrewTool(
        name=tool.name, description=tool.description, args_schema=tool.args_schema, **settings
    )
    guarded._inner = tool
    guarded._client = client
    guarded._options = options
    guarded._loop = _current_loop() if isinstance(client, AsyncActPassClient) else None
    return guarded
