"""``guard_session`` on a real ``mcp.ClientSession`` talking over stdio to the real MCP filesystem server
(from npm, run with Node), against the in-process gateway with a policy for its tools: reads run, writes
wait for a person, anything else is refused. The files on disk show whether a call reached the server.

Runs at mcp 1.x in python/.venv and at mcp 2.x in python/.venv-next (scripts/test_frameworks_next.sh).
mcp 2 names the models' fields in snake_case (``is_error``), so results are read in their wire form."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import mcp
import pytest
from _releases import assert_release
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

import actpass
from actpass._canonical import canonicalize
from actpass.adapters import ToolBlockedError
from actpass.adapters.mcp import McpToolCall, guard_session

FILESYSTEM_SERVER = (
    Path(__file__).resolve().parents[2]
    / "packages/edge/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"
)
NODE = shutil.which("node")
NEEDS_THE_SERVER = pytest.mark.skipif(
    NODE is None or not FILESYSTEM_SERVER.exists(),
    reason="needs Node.js and the MCP filesystem server from npm (run pnpm install at the repo root)",
)

FS_POLICY = {
    "id": "test.mcp-filesystem",
    "version": 1,
    "default": {"decision": "deny", "reason": "policy.no_match", "risk_tier": "high"},
    "rules": [
        {
            "id": "read",
            "when": [{"path": "tool", "operator": "in", "value": ["fs.read_text_file", "fs.list_directory"]}],
            "decision": "allow",
            "reason": "fs.read",
            "risk_tier": "low",
        },
        {
            "id": "write",
            "when": [{"path": "tool", "operator": "==", "value": "fs.write_file"}],
            "decision": "require_approval",
            "reason": "fs.write_needs_approval",
            "risk_tier": "medium",
        },
    ],
}
pytestmark = [NEEDS_THE_SERVER, pytest.mark.actpass_policy(FS_POLICY)]


MCP_2 = hasattr(mcp, "Client")  # mcp 2's high-level client; mcp 1 has none


@asynccontextmanager
async def filesystem(root: Path) -> AsyncIterator[ClientSession]:
    """A connected, initialized session with the real filesystem server serving ``root``."""
    assert NODE is not None
    server = StdioServerParameters(command=NODE, args=[str(FILESYSTEM_SERVER), str(root)])
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello from disk")
    return folder.resolve()


@pytest.fixture
def agent_client(local_actpass: Any) -> Any:
    return local_actpass.gateway.async_client()


def guarded(client: Any, session: ClientSession, **more: Any) -> ClientSession:
    return guard_session(client, session, goal="tidy_the_workspace", tool_name=lambda n: f"fs.{n}", **more)


def wire(result: Any) -> dict[str, Any]:
    """A result as a server would send it (``isError``, ``structuredContent``), in every mcp release."""
    return dict(result.model_dump(mode="json", by_alias=True, exclude_none=True))


def is_error(result: types.CallToolResult) -> bool:
    return wire(result).get("isError") is True


def text_of(result: types.CallToolResult) -> str:
    first = result.content[0]
    assert isinstance(first, types.TextContent)
    return first.text


def test_runs_at_the_release_this_venv_tests() -> None:
    assert_release("mcp")


async def test_allows_a_read_and_records_its_outcome(
    local_actpass: Any, agent_client: Any, root: Path
) -> None:
    async with filesystem(root) as session:
        same = guarded(agent_client, session)
        result = await same.call_tool("read_text_file", {"path": str(root / "notes.txt")})
    assert same is session and isinstance(same, ClientSession)
    assert not is_error(result)
    assert text_of(result) == "hello from disk"
    assert wire(result)["structuredContent"] == {"content": "hello from disk"}  # the server's own result
    assert local_actpass.last_decision()["reason_code"] == "fs.read"
    [outcome] = local_actpass.events("action.outcome")
    sent = wire(result)
    assert outcome["data"]["result_sha256"] == hashlib.sha256(canonicalize(sent).encode()).hexdigest()


async def test_denies_without_reaching_the_server(local_actpass: Any, agent_client: Any, root: Path) -> None:
    async with filesystem(root) as session:
        result = await guarded(agent_client, session).call_tool("create_directory", {"path": str(root / "x")})
    assert is_error(result)
    assert text_of(result).startswith("BLOCKED policy.no_match: ")
    assert not (root / "x").exists()


async def test_a_blocked_result_has_the_shape_of_the_servers_own_errors(
    agent_client: Any, root: Path
) -> None:
    """write_file declares an outputSchema. The installed client validates structuredContent only on
    results that are not errors; the server's own error results carry none, and neither does a block."""
    async with filesystem(root) as session:
        listed = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert wire(listed["write_file"])["outputSchema"]
        outside = await session.call_tool("write_file", {"path": "/etc/actpass-nope", "content": "x"})
        blocked = await guarded(agent_client, session).call_tool(
            "write_file", {"path": str(root / "a.txt"), "content": "x"}
        )
    assert is_error(outside) and "structuredContent" not in wire(outside)
    assert is_error(blocked) and "structuredContent" not in wire(blocked)
    sent = json.loads(blocked.model_dump_json(by_alias=True, exclude_none=True))  # as a server would send it
    assert sent.keys() == wire(outside).keys()  # the fields of the server's own error, no more
    assert sent["content"] == [{"type": "text", "text": text_of(blocked)}] and sent["isError"] is True
    assert is_error(types.CallToolResult.model_validate(sent))


async def test_held_then_approved_the_retry_runs_once(
    local_actpass: Any, agent_client: Any, root: Path
) -> None:
    target = root / "report.txt"
    call = {"path": str(target), "content": "quarterly"}
    async with filesystem(root) as session:
        session = guarded(agent_client, session)
        held = text_of(await session.call_tool("write_file", call))
        [pending] = local_actpass.pending()
        assert held.startswith("BLOCKED fs.write_needs_approval: ")
        assert f"Approval request {pending['id']} is waiting for a person" in held
        early = text_of(await session.call_tool("write_file", call))
        assert early.startswith("BLOCKED approval.pending: ")
        assert not target.exists()

        local_actpass.approve(pending["id"])
        released = await session.call_tool("write_file", call)
        assert not is_error(released)
        assert target.read_text() == "quarterly"
        assert local_actpass.client.approvals.get(pending["id"])["status"] == "used"

        target.unlink()
        again = text_of(await session.call_tool("write_file", call))  # approved once, released once
    assert again.startswith("BLOCKED fs.write_needs_approval: ")
    assert pending["id"] not in again
    assert not target.exists()


async def test_held_then_denied_says_so(local_actpass: Any, agent_client: Any, root: Path) -> None:
    call = {"path": str(root / "report.txt"), "content": "quarterly"}
    async with filesystem(root) as session:
        session = guarded(agent_client, session)
        await session.call_tool("write_file", call)
        local_actpass.deny(local_actpass.pending()[0]["id"], note="not today")
        denied = text_of(await session.call_tool("write_file", call))
    assert denied.startswith("BLOCKED approval.denied")
    assert not (root / "report.txt").exists()


async def test_waits_for_an_approver_then_runs(local_actpass: Any, agent_client: Any, root: Path) -> None:
    async def approve_when_asked() -> None:
        with anyio.fail_after(20):
            while not local_actpass.pending():
                await anyio.sleep(0.05)
        local_actpass.approve(local_actpass.pending()[0]["id"])

    async with filesystem(root) as session, anyio.create_task_group() as tasks:
        tasks.start_soon(approve_when_asked)
        result = await guarded(agent_client, session, wait_for_approval={"timeout_s": 30}).call_tool(
            "write_file", {"path": str(root / "w.txt"), "content": "waited"}
        )
    assert not is_error(result)
    assert (root / "w.txt").read_text() == "waited"


async def test_fails_closed_when_the_gateway_cannot_be_reached(root: Path) -> None:
    async with (
        actpass.AsyncActPassClient(api_key="k", base_url="http://127.0.0.1:9", max_retries=0) as unreachable,
        filesystem(root) as session,
    ):
        result = await guarded(unreachable, session).call_tool(
            "read_text_file", {"path": str(root / "notes.txt")}
        )
    assert is_error(result)
    assert text_of(result).startswith("BLOCKED client.")


async def test_monitor_runs_and_records_the_refusal(
    local_actpass: Any, agent_client: Any, root: Path
) -> None:
    async with filesystem(root) as session:
        result = await guarded(agent_client, session, mode="monitor").call_tool(
            "create_directory", {"path": str(root / "made")}
        )
    assert not is_error(result)
    assert (root / "made").is_dir()
    assert local_actpass.last_decision()["decision"] == "deny"


async def test_raise_mode_raises_from_call_tool(agent_client: Any, root: Path) -> None:
    async with filesystem(root) as session:
        with pytest.raises(ToolBlockedError) as raised:
            await guarded(agent_client, session, on_blocked="raise").call_tool(
                "create_directory", {"path": str(root / "x")}
            )
    assert raised.value.reason_code == "policy.no_match"
    assert not (root / "x").exists()


async def test_the_sync_client_decides_on_a_worker_thread(local_actpass: Any, root: Path) -> None:
    seen: list[McpToolCall] = []

    def goal(arguments: Any, call: McpToolCall) -> str:
        seen.append(call)
        return "tidy"

    async with filesystem(root) as session:
        guard_session(local_actpass.client, session, goal=goal, tool_name=lambda n: f"fs.{n}")
        read = await session.call_tool("read_text_file", {"path": str(root / "notes.txt")})
        denied = await session.call_tool("create_directory", {"path": str(root / "x")})
    assert text_of(read) == "hello from disk"
    assert text_of(denied).startswith("BLOCKED policy.no_match: ")
    assert seen[0] == McpToolCall("read_text_file", {"path": str(root / "notes.txt")})


# -- what is refused before anything is decided -------------------------------------------------------------


async def test_invalid_arguments_are_refused_undecided(
    local_actpass: Any, agent_client: Any, root: Path
) -> None:
    before = len(local_actpass.events())
    async with filesystem(root) as session:
        session = guarded(agent_client, session)
        wrong_type = await session.call_tool("write_file", {"path": str(root / "a.txt"), "content": 5})
        missing = await session.call_tool("write_file", {"path": str(root / "a.txt")})
        not_object = await session.call_tool("write_file", ["a"])  # type: ignore[arg-type]
    assert "arguments.content: expected string" in text_of(wrong_type)
    assert "arguments.content: required" in text_of(missing)
    assert "arguments: expected object" in text_of(not_object)
    assert all(is_error(r) and "BLOCKED" not in text_of(r) for r in (wrong_type, missing, not_object))
    assert len(local_actpass.events()) == before
    assert not (root / "a.txt").exists()


async def test_hostile_names_and_arguments_never_reach_logs_raw(
    local_actpass: Any, agent_client: Any, root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hostile = "read_text_file\nERROR forged log line <script>alert(1)</script>"
    before = len(local_actpass.events())
    async with filesystem(root) as session:
        session = guarded(agent_client, session, mode="monitor")
        unlisted = await session.call_tool(hostile, {"path": str(root / "notes.txt")})
        assert len(local_actpass.events()) == before  # not decided, not sent
        odd_path = await session.call_tool(
            "create_directory", {"path": str(root / "x\nERROR forged"), "\nERROR key": "<script>"}
        )
    assert is_error(unlisted)
    assert "\n" not in text_of(unlisted) and "'read_text_file\\nERROR" in text_of(unlisted)
    assert "BLOCKED" not in text_of(odd_path)  # monitor: decided, then sent
    recorded = local_actpass.last_decision()
    assert recorded["action"]["args"]["path"].endswith("x\nERROR forged")  # kept as data in the ledger
    assert "running fs.create_directory although the decision is deny" in caplog.text  # logs were captured
    assert "\nERROR" not in caplog.text


@asynccontextmanager
async def paged_server() -> AsyncIterator[ClientSession]:
    """An in-process server listing its tools on two pages; ``lookup``, on the second, forbids unknown
    properties. mcp 1 and mcp 2 register handlers and connect in memory differently."""
    strict = {"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": False}
    pages = {
        None: types.ListToolsResult(
            tools=[types.Tool(name="other", inputSchema={"type": "object"})], nextCursor="2"
        ),
        "2": types.ListToolsResult(tools=[types.Tool(name="lookup", inputSchema=strict)]),
    }
    from mcp.server.lowlevel import Server

    if MCP_2:

        async def on_list_tools(context: Any, params: Any) -> types.ListToolsResult:
            return pages[params.cursor if params else None]

        paged = Server("paged", on_list_tools=on_list_tools)  # type: ignore[call-arg,unused-ignore]
        async with mcp.Client(paged) as client:  # type: ignore[attr-defined,unused-ignore]
            yield client.session
        return
    from mcp.shared.memory import create_connected_server_and_client_session

    server: Any = Server("paged")

    @server.list_tools()  # type: ignore[untyped-decorator,unused-ignore]
    async def list_tools(request: types.ListToolsRequest) -> types.ListToolsResult:
        return pages[request.params.cursor if request.params else None]

    async with create_connected_server_and_client_session(server) as session:
        yield session


async def test_a_hostile_argument_key_is_escaped(local_actpass: Any, agent_client: Any) -> None:
    """A server whose tool forbids unknown properties: the model's key is named, escaped, undecided. The
    tool is on the list's second page: the guard follows the cursor to find its schema."""
    before = len(local_actpass.events())
    async with paged_server() as session:
        session = guarded(agent_client, session, mode="monitor")
        refused = await session.call_tool("lookup", {"id": "1", "x\nERROR <b>": 1})
        unlisted = await session.call_tool("nowhere", {})
    assert is_error(refused)
    assert "arguments.x\\u000aERROR <b>: not an allowed property" in text_of(refused)
    assert "\n" not in text_of(refused)
    assert text_of(unlisted).startswith("Unknown tool 'nowhere'")  # both pages read, and not listed
    assert len(local_actpass.events()) == before


async def test_a_tool_name_that_is_no_actpass_name_is_a_configuration_error(
    local_actpass: Any, agent_client: Any, root: Path
) -> None:
    before = len(local_actpass.events())
    async with filesystem(root) as session:
        session = guard_session(agent_client, session, goal="g", tool_name=lambda n: f"fs/{n}")
        with pytest.raises(actpass.MisconfiguredError, match="tool_name gave 'fs/read_text_file'"):
            await session.call_tool("read_text_file", {"path": str(root / "notes.txt")})
    assert len(local_actpass.events()) == before


async def test_tool_calls_that_bypass_call_tool_are_not_sent(agent_client: Any, root: Path) -> None:
    mkdir = {"name": "create_directory", "arguments": {"path": str(root / "c")}}
    call = types.CallToolRequest(params=types.CallToolRequestParams(**mkdir))
    # mcp 1 sends a ClientRequest (a root model around the request); mcp 2 the request itself.
    request = call if MCP_2 else types.ClientRequest(call)  # type: ignore[operator,unused-ignore]
    async with filesystem(root) as session:
        session = guarded(agent_client, session, mode="monitor")
        if not MCP_2:  # mcp 1's experimental tasks API, a way around call_tool (gone in mcp 2)
            with (
                pytest.warns(DeprecationWarning),
                pytest.raises(actpass.MisconfiguredError, match=r"through session\.call_tool"),
            ):
                await session.experimental.call_tool_as_task("create_directory", {"path": str(root / "a")})
        with pytest.raises(actpass.MisconfiguredError, match="without a decision"):
            await session.send_request(request, types.CallToolResult)
        if MCP_2:  # mcp 2 sends any request model: one that is no CallToolRequest but names tools/call
            bare = types.Request[dict[str, Any], str](method="tools/call", params=mkdir)
            with pytest.raises(actpass.MisconfiguredError, match="without a decision"):
                await session.send_request(bare, types.CallToolResult)
        assert (await session.send_ping()) is not None  # other requests go as before
        made = await session.call_tool("create_directory", {"path": str(root / "b")})
    assert not is_error(made)
    assert sorted(path.name for path in root.iterdir()) == ["b", "notes.txt"]


async def test_a_session_is_guarded_once(agent_client: Any, root: Path) -> None:
    async with filesystem(root) as session:
        guarded(agent_client, session)
        with pytest.raises(actpass.MisconfiguredError, match="already"):
            guarded(agent_client, session)
    with pytest.raises(actpass.MisconfiguredError, match=r"mcp\.ClientSession"):
        guard_session(agent_client, object(), goal="g")  # type: ignore[type-var]


@pytest.mark.skipif(
    not MCP_2, reason="servers ask for input inside a tools/call from protocol 2026-07-28 (mcp 2)"
)
async def test_an_approved_call_the_server_asks_input_for_completes(
    local_actpass: Any, agent_client: Any
) -> None:
    """An mcp 2 server may answer a tools/call with InputRequiredResult (here: an elicitation) and mcp's
    Client calls again with the answer. That round continues the decided call: an approved call is not
    held anew halfway. Only the state the server sent continues it, and only once."""
    from mcp.server.lowlevel import Server

    rounds: list[str | None] = []
    confirm = types.ElicitRequest(
        params=types.ElicitRequestFormParams(  # type: ignore[attr-defined,unused-ignore]
            message="Overwrite?",
            requestedSchema={"type": "object", "properties": {"ok": {"type": "boolean"}}},
        )
    )
    path = {"type": "object", "properties": {"path": {"type": "string"}}}
    tools = [types.Tool(name=name, inputSchema=path) for name in ("write_file", "read_text_file")]

    async def on_list_tools(context: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def on_call_tool(context: Any, params: Any) -> Any:
        rounds.append(params.request_state)
        if params.input_responses is None:
            return types.InputRequiredResult(input_requests={"confirm": confirm}, request_state="asked-once")  # type: ignore[attr-defined,unused-ignore]
        answer = params.input_responses["confirm"]
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=f"written: {answer.action}")]
        )

    async def elicit(context: Any, params: Any) -> Any:
        return types.ElicitResult(action="accept", content={"ok": True})

    server = Server("asks", on_list_tools=on_list_tools, on_call_tool=on_call_tool)  # type: ignore[call-arg,unused-ignore]
    async with mcp.Client(server, elicitation_callback=elicit) as client:  # type: ignore[attr-defined,unused-ignore]
        session = guarded(agent_client, client.session)
        held = await client.call_tool("write_file", {"path": "r.txt"})
        [pending] = local_actpass.pending()
        assert text_of(held).startswith("BLOCKED fs.write_needs_approval: ") and rounds == []
        local_actpass.approve(pending["id"])

        done = await client.call_tool("write_file", {"path": "r.txt"})
        assert text_of(done) == "written: accept"
        assert rounds == [None, "asked-once"]  # asked, answered, written: decided once, released once
        assert local_actpass.client.approvals.get(pending["id"])["status"] == "used"
        assert local_actpass.pending() == []

        again = await session.call_tool(  # the server's state, sent once more: a new call, decided
            "write_file", {"path": "r.txt"}, request_state="asked-once", allow_input_required=True
        )

        # By hand, on a tool the policy allows: a round carrying state the server did not send is decided
        # like any new call, and the server's own state still continues the call afterwards.
        read = {"path": "r.txt"}
        first = await session.call_tool("read_text_file", read, allow_input_required=True)
        assert isinstance(first, types.InputRequiredResult)  # type: ignore[attr-defined,unused-ignore]
        answers = {"confirm": types.ElicitResult(action="decline")}
        decided = len(local_actpass.events("decision"))
        await session.call_tool(
            "read_text_file", read, input_responses=answers, request_state="forged", allow_input_required=True
        )
        assert len(local_actpass.events("decision")) == decided + 1
        decided += 1
        continued = await session.call_tool(
            "read_text_file",
            read,
            input_responses=answers,
            request_state="asked-once",
            allow_input_required=True,
        )
        assert len(local_actpass.events("decision")) == decided  # continued, not decided again
    assert text_of(again).startswith("BLOCKED fs.write_needs_approval: ")
    assert text_of(continued) == "written: decline"
    assert rounds == [None, "asked-once", None, "forged", "asked-once"]


# -- a framework loading MCP tools from the guarded session -------------------------------------------------


@pytest.mark.skipif(not MCP_2, reason="mcp.Client is mcp 2's high-level client; mcp 1 has none")
async def test_mcp_2_client_calls_through_its_guarded_session(
    local_actpass: Any, agent_client: Any, root: Path
) -> None:
    """mcp 2's ``Client`` sends every tools/call through ``client.session.call_tool``: guarding that session
    guards the client's own ``call_tool`` too."""
    assert NODE is not None
    server = StdioServerParameters(command=NODE, args=[str(FILESYSTEM_SERVER), str(root)])
    async with mcp.Client(server) as client:  # type: ignore[attr-defined,unused-ignore]
        guarded(agent_client, client.session)
        read = await client.call_tool("read_text_file", {"path": str(root / "notes.txt")})
        held = await client.call_tool("write_file", {"path": str(root / "w.txt"), "content": "x"})
    assert text_of(read) == "hello from disk"
    assert is_error(held) and text_of(held).startswith("BLOCKED fs.write_needs_approval: ")
    assert local_actpass.pending()[0]["id"] in text_of(held)
    assert not (root / "w.txt").exists()


async def test_langchain_agent_with_tools_loaded_from_the_guarded_session(
    local_actpass: Any, agent_client: Any, root: Path
) -> None:
    # langchain-mcp-adapters needs mcp 1.x: the venv testing mcp 2 (scripts/test_frameworks_next.sh) has none.
    load_mcp_tools = pytest.importorskip(
        "langchain_mcp_adapters.tools", reason="langchain-mcp-adapters is not installed (it needs mcp<2)"
    ).load_mcp_tools
    from langchain.agents import create_agent
    from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
    from langchain_core.messages import AIMessage, ToolMessage

    class ScriptedModel(FakeMessagesListChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedModel:
            return self

    calls = [
        {"id": "c1", "name": "read_text_file", "args": {"path": str(root / "notes.txt")}},
        {"id": "c2", "name": "write_file", "args": {"path": str(root / "pwned.txt"), "content": "x"}},
    ]
    model = ScriptedModel(responses=[AIMessage(content="", tool_calls=calls), AIMessage(content="done")])
    async with filesystem(root) as session:
        tools = await load_mcp_tools(guarded(agent_client, session))
        agent = create_agent(model, tools)
        result = await agent.ainvoke({"messages": [{"role": "user", "content": "tidy up"}]})
    told = {m.tool_call_id: m for m in result["messages"] if isinstance(m, ToolMessage)}
    assert "hello from disk" in str(told["c1"].content)
    assert told["c2"].status == "error"
    assert "BLOCKED fs.write_needs_approval" in str(told["c2"].content)
    assert local_actpass.pending()[0]["id"] in str(told["c2"].content)
    assert not (root / "pwned.txt").exists()


def test_without_the_extra_the_import_names_the_install() -> None:
    code = "import sys; sys.modules['mcp'] = None\nimport actpass.adapters.mcp"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert 'pip install "actpass[mcp]"' in run.stderr
