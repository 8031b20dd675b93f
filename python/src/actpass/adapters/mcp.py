"""``guard()`` around an MCP client session's tool calls (``pip install "actpass[mcp]"``):

    session = guard_session(client, session, goal="tidy_the_workspace", tool_name=lambda n: f"fs.{n}")

The very :class:`mcp.ClientSession` you connected comes back (``isinstance`` holds; ``list_tools``,
``read_resource``, notifications and every other method work as before) with ``call_tool`` decided by
ActPass before the ``tools/call`` request leaves. Hand it to anything that loads MCP tools from a session
— langchain-mcp-adapters' ``load_mcp_tools(session)``, for one — and every call the agent makes through
it is decided first. Any other ``tools/call`` request the session would send (``send_request``; in mcp 1
``session.experimental.call_tool_as_task``) raises :class:`~actpass.MisconfiguredError` unsent. Works with
mcp 1 and mcp 2 (whose ``mcp.Client`` calls tools through ``client.session``: guard that).

Before a decision is asked, the call must name a tool the server lists and its arguments must not plainly
break that tool's ``inputSchema``; otherwise the call is answered with an error result and nothing is
decided, recorded or sent. A blocked call never reaches the server either: it comes back as
``CallToolResult(isError=True)`` whose text is ``BLOCKED <reason_code>: <summary>`` (the client skips
output-schema validation on error results, so tools with an ``outputSchema`` accept it too). MCP has no
pause-and-resume of its own: a held call's result names the approval request, and the retry of the same
call after a person approved carries it, so the gateway releases that request exactly once. When an mcp 2
server asks for input mid-call (``InputRequiredResult``), the client's next round with the server's
``request_state`` continues the decided call rather than being decided again.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Callable, Literal, TypeVar

from .._canonical import CanonicalJsonError, canonicalize
from .._client import AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import GuardResult, WaitForApproval
from ._core import (
    GuardOptions,
    PerCall,
    ToolNameOption,
    blocked_or_raise,
    blocked_text,
    missing_extra,
    prepared,
    remember_approval,
)
from ._core import tool_name as resolve_tool_name
from ._intercept import invalid_text, schema_problem

try:
    import anyio
    import anyio.from_thread
    import anyio.to_thread
    from mcp import ClientSession, types
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("mcp", "mcp", error) from error

__all__ = ["McpToolCall", "guard_session"]

Session = TypeVar("Session", bound=ClientSession)

_MAX_PAGES = 100  # a server paging tools/list forever is not followed further
# mcp 2 names the models' fields in snake_case (``tool.input_schema``); mcp 1 as on the wire
# (``tool.inputSchema``). Both accept the wire names when a model is built.
_MCP_2 = "input_schema" in types.Tool.model_fields
_INPUT_SCHEMA = "input_schema" if _MCP_2 else "inputSchema"
_NEXT_CURSOR = "next_cursor" if _MCP_2 else "nextCursor"
# mcp 2 (protocol 2026-07-28): a server may answer a tools/call with InputRequiredResult, asking the client
# for input (an elicitation, say); the client calls again with the answers and the echoed request_state.
_INPUT_REQUIRED: Any = getattr(types, "InputRequiredResult", None)
_MAX_WAITING_FOR_INPUT = 256  # calls a server asked input for and that were not continued: the oldest go
_UNLISTED = object()
# Set while a decided call is being sent: which guard let which tool through. Every other tools/call
# request the session would send (send_request, session.experimental.call_tool_as_task) is refused.
_LET_THROUGH: ContextVar[tuple[int, str] | None] = ContextVar("actpass_mcp_let_through", default=None)


@dataclass(frozen=True)
class McpToolCall:
    """What per-call options receive besides the arguments: the MCP tool name and its arguments."""

    name: str
    arguments: Mapping[str, Any]


def _error_result(text: str) -> types.CallToolResult:
    return types.CallToolResult(isError=True, content=[types.TextContent(type="text", text=text)])


def _waiting_key(name: str, tool_input: Mapping[str, Any]) -> tuple[str, str] | None:
    try:
        return name, canonicalize(dict(tool_input))
    except CanonicalJsonError:  # arguments with no canonical JSON form: every round is decided
        return None


def _tool_call_name(request: Any) -> str | None:
    """The tool a request calls, when it is a tools/call ("" when it names none)."""
    if getattr(request, "method", None) != "tools/call":
        return None
    params = getattr(request, "params", None)
    name = params.get("name") if isinstance(params, Mapping) else getattr(params, "name", None)
    return name if isinstance(name, str) else ""


class _GuardedCalls:
    """The replacement ``call_tool`` (and the ``list_tools`` that keeps its input schemas) of one session."""

    def __init__(
        self, client: Any, session: ClientSession, name_option: ToolNameOption, guard: dict[str, Any]
    ) -> None:
        self._client = client
        self._name_option = name_option
        self._guard_options = guard  # GuardOptions' fields but the tool, which is per call
        self._call_tool = session.call_tool
        self._list_tools = session.list_tools
        self._send_request = session.send_request
        self._schemas: dict[str, Any] = {}
        # Decided calls the server answered with InputRequiredResult: (tool, arguments) -> its request_state.
        self._waiting_for_input: dict[tuple[str, str], str | None] = {}

    async def list_tools(self, *args: Any, **kwargs: Any) -> types.ListToolsResult:
        listed = await self._list_tools(*args, **kwargs)
        self._schemas.update((tool.name, getattr(tool, _INPUT_SCHEMA)) for tool in listed.tools)
        return listed

    async def _list_page(self, cursor: str | None) -> types.ListToolsResult:
        if cursor is None:
            return await self.list_tools()
        if _MCP_2:  # mcp 2 takes the cursor in params only; every mcp 1 release takes it positionally
            return await self.list_tools(params=types.PaginatedRequestParams(cursor=cursor))
        return await self.list_tools(cursor)

    async def _input_schema(self, name: str) -> Any:
        if name not in self._schemas:  # a tool not seen yet, or listed since: read the whole list again
            cursor: str | None = None
            for _ in range(_MAX_PAGES):
                page = await self._list_page(cursor)
                cursor = getattr(page, _NEXT_CURSOR)
                if name in self._schemas or not cursor:
                    break
        return self._schemas.get(name, _UNLISTED)

    async def call_tool(
        self, name: str, arguments: dict[str, Any] | None = None, *rest: Any, **more: Any
    ) -> types.CallToolResult:
        refused = await self._refusal(name, arguments)
        if refused is not None:
            return refused
        tool_input: dict[str, Any] = dict(arguments or {})
        waiting = _waiting_key(name, tool_input)

        def call() -> Any:
            return self._call_tool(name, arguments, *rest, **more)

        if self._continues(waiting, more):
            # The next round of a call already decided (and, if held, approved and released): the server
            # asked for input before answering it. Deciding it again would hold an approved call anew.
            return await self._send(name, waiting, call)  # type: ignore[no-any-return]
        options = GuardOptions(tool=resolve_tool_name(self._name_option, name), **self._guard_options)
        params, key = prepared(self._client, options, tool_input, McpToolCall(name, tool_input))

        sent: list[types.CallToolResult] = []

        async def send() -> dict[str, Any]:
            sent.append(await self._send(name, waiting, call))
            # What guard() digests into the outcome evidence: the result's JSON form, as the server sent it.
            return sent[0].model_dump(mode="json", by_alias=True, exclude_none=True)

        outcome = await self._guard(params, send)
        remember_approval(self._client, key, outcome["decision"])
        if outcome["executed"]:
            if outcome["error"] is not None:
                raise outcome["error"]
            return sent[0]
        return _error_result(blocked_text(blocked_or_raise(options, outcome)))

    def _continues(self, waiting: tuple[str, str] | None, more: Mapping[str, Any]) -> bool:
        """Whether this call answers the server's request for input on a call this guard let through: the
        same tool and arguments, carrying input responses or state, and the very request_state the server
        sent (the model chooses tools and arguments only; the answers come from the host's MCP client).
        Each request for input lets one more round through."""
        if waiting is None or waiting not in self._waiting_for_input:
            return False
        if more.get("input_responses") is None and more.get("request_state") is None:
            return False  # a new call of the same tool with the same arguments: decided as any other
        if more.get("request_state") != self._waiting_for_input[waiting]:
            return False
        del self._waiting_for_input[waiting]
        return True

    async def _send(self, name: str, waiting: tuple[str, str] | None, call: Callable[[], Any]) -> Any:
        let_through = _LET_THROUGH.set((id(self), name))
        try:
            result = await call()
        finally:
            _LET_THROUGH.reset(let_through)
        if waiting is not None and _INPUT_REQUIRED is not None and isinstance(result, _INPUT_REQUIRED):
            self._waiting_for_input.pop(waiting, None)
            self._waiting_for_input[waiting] = result.request_state
            while len(self._waiting_for_input) > _MAX_WAITING_FOR_INPUT:
                del self._waiting_for_input[next(iter(self._waiting_for_input))]
        return result

    async def send_request(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        call = getattr(request, "root", request)
        # By method, not type: mcp 2 sends any request model, so a tools/call need not be a CallToolRequest.
        name = _tool_call_name(call)
        if name is not None and _LET_THROUGH.get() != (id(self), name):
            raise MisconfiguredError(
                f"a tools/call request for {name[:120]!r} was about to leave this guarded "
                "session without a decision (send_request, or session.experimental.call_tool_as_task in "
                "mcp 1): it was not sent; call tools through session.call_tool, which ActPass decides first"
            )
        return await self._send_request(request, *args, **kwargs)

    async def _refusal(self, name: Any, arguments: Any) -> types.CallToolResult | None:
        """The answer to a call that is not decided at all: an unlisted tool or arguments its schema
        plainly rejects (the model's mistake, refused before anything is decided, recorded or sent)."""
        schema = await self._input_schema(name) if isinstance(name, str) else _UNLISTED
        shown = repr(str(name)[:120])
        if schema is _UNLISTED:
            return _error_result(
                f"Unknown tool {shown}: the MCP server does not list it. The call was not sent; use one of "
                "the tools the server lists."
            )
        if arguments is not None and not isinstance(arguments, Mapping):
            return _error_result(invalid_text(str(name), "arguments: expected object"))
        problem = schema_problem(schema, dict(arguments or {}))
        return _error_result(invalid_text(str(name), problem)) if problem else None

    async def _guard(self, params: dict[str, Any], send: Callable[[], Any]) -> GuardResult[Any]:
        if isinstance(self._client, AsyncActPassClient):
            return await self._client.guard(execute_fn=lambda _context: send(), **params)
        # The sync client blocks: it decides on a worker thread, and the call itself goes back to this
        # event loop (the session's streams belong to it).
        client = self._client
        return await anyio.to_thread.run_sync(
            lambda: client.guard(execute_fn=lambda _context: anyio.from_thread.run(send), **params)
        )


def guard_session(
    client: Any,
    session: Session,
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
) -> Session:
    """Guards ``session.call_tool`` in place and returns the same session.

    The ActPass tool name defaults to the MCP tool's name; map it with a string or a function of that name
    (``tool_name=lambda name: f"fs.{name}"``). A name that maps to an invalid ActPass name raises
    :class:`~actpass.MisconfiguredError` when the call is made, before anything is decided or sent.
    Per-call values (``goal``, ``resource``, ``passport``, …) may be functions of ``(arguments,
    McpToolCall)``. ``on_blocked="raise"`` raises :class:`~actpass.adapters.ToolBlockedError` from
    ``call_tool`` instead of answering the error result; ``wait_for_approval`` waits for a person inside
    the call, then runs it once. Works with :class:`~actpass.AsyncActPassClient` and, on a worker thread,
    :class:`~actpass.ActPassClient`.
    """
    if not isinstance(session, ClientSession):
        raise MisconfiguredError(
            f"guard_session() needs an mcp.ClientSession, not {type(session).__name__}: pass the session "
            "you connected, e.g. `async with ClientSession(read, write) as session:`"
        )
    if "call_tool" in vars(session):
        raise MisconfiguredError(
            "this session's call_tool is already replaced (guarded once already?): guard each session "
            "once, with every option in that one guard_session() call"
        )
    GuardOptions(goal=goal, tool="checked.later", on_blocked=on_blocked)  # bad options fail now, not per call
    guard = {
        "goal": goal,
        "resource": resource,
        "args": args,
        "passport": passport,
        "mode": mode,
        "agent_id": agent_id,
        "user_id": user_id,
        "context": context,
        "wait_for_approval": wait_for_approval,
        "on_blocked": on_blocked,
        "record_outcome": record_outcome,
    }
    calls = _GuardedCalls(client, session, tool_name, guard)
    # Instance attributes shadow the class's methods: the caller keeps the very session it connected
    # (its streams, capabilities and handlers), with one method decided first.
    vars(session)["call_tool"] = calls.call_tool
    vars(session)["list_tools"] = calls.list_tools
    vars(session)["send_request"] = calls.send_request  # every other way a tools/call could leave
    return session
