"""``guard()`` around LangChain tools (``pip install -e 'python[langchain]'``).

:func:`guard_tool` wraps any LangChain tool into a ``StructuredTool`` with the same name, description
and argument schema. With :class:`~actpass.ActPassClient` the wrapper is sync, with
:class:`~actpass.AsyncActPassClient` async; either way the gateway decides on the arguments the schema
parsed, before the wrapped tool runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Literal

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel

from .._client import ActPassClient, AsyncActPassClient
from .._guard import WaitForApproval
from ._core import GuardOptions, PerCall, ToolNameOption, guard_kwargs, result_of
from ._core import tool_name as resolve_tool_name

__all__ = ["guard_tool"]


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


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
) -> StructuredTool:
    """Wrap ``tool``. Per-call values (``goal``, ``passport``, ``mode``, …) may be functions of
    ``(tool_input, config)``; ``tool_name`` defaults to the tool's own name, which must then be an
    ActPass tool name."""
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
    fields: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description,
        "args_schema": tool.args_schema,
        "return_direct": tool.return_direct,
        "response_format": tool.response_format,
    }
    if isinstance(client, AsyncActPassClient):
        async_client = client

        async def coroutine(config: RunnableConfig, **kwargs: Any) -> Any:
            tool_input = {key: _plain(value) for key, value in kwargs.items()}

            async def execute(_context: Any) -> Any:
                return await tool.ainvoke(kwargs, config=config)

            outcome = await async_client.guard(
                execute_fn=execute, **guard_kwargs(options, tool_input, config)
            )
            return result_of(options, outcome)

        return StructuredTool(coroutine=coroutine, **fields)

    sync_client = client

    def func(config: RunnableConfig, **kwargs: Any) -> Any:
        tool_input = {key: _plain(value) for key, value in kwargs.items()}
        outcome = sync_client.guard(
            execute_fn=lambda _context: tool.invoke(kwargs, config=config),
            **guard_kwargs(options, tool_input, config),
        )
        return result_of(options, outcome)

    return StructuredTool(func=func, **fields)
