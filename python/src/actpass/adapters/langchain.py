"""``guard()`` around LangChain tools (``pip install "actpass[langchain]"``).

:func:`guard_tool` wraps any LangChain tool into a ``StructuredTool`` with the same name, description,
argument schema and settings (response format, tags, metadata, provider ``extras`` such as
``cache_control``, error and validation handlers). With :class:`~actpass.ActPassClient` the wrapper is
sync, with :class:`~actpass.AsyncActPassClient` async; either way LangChain validates the model's
arguments first and the gateway decides on them before the wrapped tool runs. Arguments LangChain
injects (``runtime: ToolRuntime``, ``InjectedToolArg``, ``InjectedState``, ``InjectedStore``, the tool call
id) reach the wrapped tool but never the gateway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Literal

from .._client import ActPassClient, AsyncActPassClient
from .._guard import WaitForApproval
from ._core import (
    GuardOptions,
    PerCall,
    ToolNameOption,
    blocked_artifact,
    blocked_or_raise,
    blocked_text,
    missing_extra,
    prepared,
    remember_approval,
)
from ._core import tool_name as resolve_tool_name

try:
    from langchain_core.messages import ToolMessage
    from langchain_core.runnables import RunnableConfig
    from langchain_core.tools import BaseTool, InjectedToolCallId, StructuredTool
    from langchain_core.tools.base import _is_injected_arg_type, get_all_basemodel_annotations
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("langchain-core", "langchain", error) from error
from pydantic import BaseModel

__all__ = ["GuardedLangChainTool", "guard_tool"]


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


class GuardedLangChainTool(StructuredTool):
    """A LangChain tool decided by ActPass before the wrapped tool runs. Build it with :func:`guard_tool`.

    LangChain injects the wrapped tool's injected arguments into this one too, so they can be handed on.
    """

    inner: BaseTool

    @property
    def _injected_args_keys(self) -> frozenset[str]:
        return self.inner._injected_args_keys


def _decided_input(inner: BaseTool, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments the model gave, as JSON: injected values (runtime, state, store, call id) left out."""
    return {key: _plain(value) for key, value in inner._filter_injected_args(dict(kwargs)).items()}


def _call_id_fields(inner: BaseTool) -> list[str]:
    """The wrapped tool's arguments that LangChain fills with the tool call id (``InjectedToolCallId``)."""
    schema = inner.args_schema
    if not isinstance(schema, type) or not issubclass(schema, BaseModel):
        return []
    return [
        name
        for name, annotation in get_all_basemodel_annotations(schema).items()
        if _is_injected_arg_type(annotation, injected_type=InjectedToolCallId)
    ]


def _inner_call(inner: BaseTool, kwargs: dict[str, Any]) -> Any:
    """What to invoke the wrapped tool with. A ``content_and_artifact`` tool answers its pair only to a
    tool call, and one taking the call id accepts only a tool call: those get one, with the real id."""
    id_fields = _call_id_fields(inner)
    if inner.response_format != "content_and_artifact" and not id_fields:
        return kwargs
    call_id = next((kwargs[name] for name in id_fields if isinstance(kwargs.get(name), str)), None)
    return {
        "type": "tool_call",
        "id": call_id if call_id is not None else "actpass-guarded",
        "name": inner.name,
        "args": kwargs,
    }


def _inner_result(inner: BaseTool, result: Any) -> Any:
    if not isinstance(result, ToolMessage):
        return result  # a plain value, or what the tool returns as is (a Command)
    if inner.response_format == "content_and_artifact":
        return (result.content, result.artifact)
    return result.content


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
    ActPass tool name. A held call's result names its approval request; the same call made again
    (the model's retry) carries it, so an approved request is released rather than a new one opened."""
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
    pairs = tool.response_format == "content_and_artifact"

    def answer(outcome: Any) -> Any:
        if outcome["executed"]:
            if outcome["error"] is not None:
                raise outcome["error"]
            return _inner_result(tool, outcome["result"])
        decision = blocked_or_raise(options, outcome)
        return (blocked_text(decision), blocked_artifact(decision)) if pairs else blocked_text(decision)

    fields: dict[str, Any] = {
        "inner": tool,
        "name": tool.name,
        "description": tool.description,
        "args_schema": tool.args_schema,
        "return_direct": tool.return_direct,
        "response_format": tool.response_format,
        "verbose": tool.verbose,
        "callbacks": tool.callbacks,
        "tags": tool.tags,
        "metadata": tool.metadata,
        "handle_tool_error": tool.handle_tool_error,
        "handle_validation_error": tool.handle_validation_error,
        "extras": tool.extras,
    }
    if isinstance(client, AsyncActPassClient):
        async_client = client

        async def coroutine(config: RunnableConfig, **kwargs: Any) -> Any:
            async def execute(_context: Any) -> Any:
                return await tool.ainvoke(_inner_call(tool, kwargs), config=config)

            params, key = prepared(async_client, options, _decided_input(tool, kwargs), config)
            outcome = await async_client.guard(execute_fn=execute, **params)
            remember_approval(async_client, key, outcome["decision"])
            return answer(outcome)

        return GuardedLangChainTool(coroutine=coroutine, **fields)

    sync_client = client

    def func(config: RunnableConfig, **kwargs: Any) -> Any:
        params, key = prepared(sync_client, options, _decided_input(tool, kwargs), config)
        outcome = sync_client.guard(
            execute_fn=lambda _context: tool.invoke(_inner_call(tool, kwargs), config=config), **params
        )
        remember_approval(sync_client, key, outcome["decision"])
        return answer(outcome)

    return GuardedLangChainTool(func=func, **fields)
