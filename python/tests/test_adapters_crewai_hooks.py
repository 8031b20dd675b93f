"""One ActPass interceptor for CrewAI through its ``before_tool_call`` hook (and the paired
``after_tool_call`` hook that tells the model why), in a full crew run driven by a scripted ``BaseLLM``
answering in CrewAI's ReAct format, against the in-process gateway with the refunds pack."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import actpass

pytestmark = pytest.mark.skipif(sys.version_info < (3, 10), reason="CrewAI needs Python 3.10+")

os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("OTEL_SDK_DISABLED", "true")
os.environ.setdefault("CREWAI_TRACING_ENABLED", "false")

if sys.version_info >= (3, 10):
    from crewai import Agent, BaseLLM, Crew, Task
    from crewai.mcp import MCPServerStdio
    from crewai.tools import tool

    from actpass.adapters.crewai_hooks import install_hooks

GOAL = "resolve_refund_request"
ROLE = "support agent"
FILESYSTEM_SERVER = (
    Path(__file__).resolve().parents[2]
    / "packages/gateway/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"
)
OBSERVATION = re.compile(r"^Action Input: \{.*\}\nObservation:[ \t]*(.+)$", re.MULTILINE)


def _assistant_turns(messages: Any) -> str:
    if isinstance(messages, str):
        return ""
    return "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "assistant")


class OneCallLLM(BaseLLM):  # type: ignore[misc]
    """Calls ``tool`` once with ``args``, then repeats the observation it read as its final answer."""

    def __init__(self, tool_name: str, args: dict[str, Any]) -> None:
        super().__init__(model="one-call-llm")
        self._tool = tool_name
        self._args = args

    def call(self, messages: Any, *args: Any, **kwargs: Any) -> str:
        seen = [found.strip() for found in OBSERVATION.findall(_assistant_turns(messages))]
        if not seen:
            return f"Thought: go\nAction: {self._tool}\nAction Input: {json.dumps(self._args)}"
        return f"Thought: I now know the final answer\nFinal Answer: {seen[0]}"

    def supports_function_calling(self) -> bool:
        return False

    def supports_stop_words(self) -> bool:
        return False

    def get_context_window_size(self) -> int:
        return 8192


def refund_tool(ran: list[int]) -> Any:
    @tool("refund")
    def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        ran.append(amount)
        return f"refunded {amount}"

    return refund


def kickoff(llm: Any, tools: list[Any] | None = None, **agent_fields: Any) -> str:
    agent = Agent(
        role=ROLE,
        goal="Resolve refund requests",
        backstory="Handles disputed charges.",
        llm=llm,
        tools=tools or [],
        max_iter=4,
        verbose=False,
        **agent_fields,
    )
    task = Task(description="Refund the charge.", expected_output="What happened.", agent=agent)
    return str(Crew(agents=[agent], tasks=[task], verbose=False).kickoff().raw)


def refund_crew(amount: Any, ran: list[int]) -> str:
    return kickoff(OneCallLLM("refund", {"charge": "ch_1", "amount": amount}), [refund_tool(ran)])


@pytest.fixture
def hooks(local_actpass: Any) -> Iterator[Any]:
    installed = install_hooks(
        local_actpass.client, goal=GOAL, agents=[ROLE], tool_name=lambda _name: "stripe.refund.create"
    )
    yield installed
    installed.uninstall()


def test_allows_a_small_refund(hooks: Any) -> None:
    ran: list[int] = []
    assert refund_crew(4900, ran) == "refunded 4900"
    assert ran == [4900]


def test_denies_a_large_refund_and_the_model_reads_why(hooks: Any) -> None:
    ran: list[int] = []
    final = refund_crew(60000, ran)
    assert ran == []
    assert final.startswith("BLOCKED refund.large_denied: ")


def test_hold_then_the_retry_after_approval_runs_once(local_actpass: Any, hooks: Any) -> None:
    ran: list[int] = []
    held = refund_crew(25000, ran)
    assert ran == []
    assert held.startswith("BLOCKED refund.medium_needs_approval: ")
    approval_id = local_actpass.pending()[0]["id"]
    assert approval_id in held
    local_actpass.approve(approval_id)
    assert refund_crew(25000, ran) == "refunded 25000"
    assert ran == [25000]
    assert local_actpass.client.approvals.get(approval_id)["status"] == "used"


def test_hold_then_deny_the_retry_reads_the_denial(local_actpass: Any, hooks: Any) -> None:
    ran: list[int] = []
    refund_crew(25000, ran)
    local_actpass.deny(local_actpass.pending()[0]["id"], note="not eligible")
    assert refund_crew(25000, ran).startswith("BLOCKED approval.denied")
    assert ran == []


def test_invalid_arguments_are_refused_before_any_decision(local_actpass: Any, hooks: Any) -> None:
    before = len(local_actpass.events())
    ran: list[int] = []
    final = refund_crew("lots", ran)
    assert ran == []
    assert "Invalid input for tool 'refund': arguments.amount" in final
    assert len(local_actpass.events()) == before


def test_fails_closed_when_the_gateway_cannot_be_reached() -> None:
    with actpass.ActPassClient(api_key="k", base_url="http://127.0.0.1:9", max_retries=0) as unreachable:
        installed = install_hooks(unreachable, goal=GOAL, tool_name=lambda _name: "stripe.refund.create")
        try:
            ran: list[int] = []
            final = refund_crew(4900, ran)
        finally:
            installed.uninstall()
    assert ran == []
    assert final.startswith("BLOCKED client.")


def test_a_failing_hook_fails_closed(local_actpass: Any) -> None:
    def broken_goal(_input: Any, _context: Any) -> str:
        raise RuntimeError("secret-ish detail never shown")

    with install_hooks(local_actpass.client, goal=broken_goal, tool_name=lambda _n: "stripe.refund.create"):
        ran: list[int] = []
        final = refund_crew(4900, ran)
    assert ran == []
    assert final.startswith("BLOCKED client.hook_failed")
    assert "secret-ish" not in final


def test_other_agents_are_left_alone_and_uninstall_removes_the_hooks(local_actpass: Any) -> None:
    installed = install_hooks(local_actpass.client, goal=GOAL, agents=["someone else"])
    ran: list[int] = []
    try:
        assert refund_crew(60000, ran) == "refunded 60000"
    finally:
        installed.uninstall()
    assert refund_crew(70000, ran) == "refunded 70000"
    assert local_actpass.decisions() == []


def test_the_async_client_is_refused_with_the_fix(local_actpass: Any) -> None:
    with pytest.raises(actpass.MisconfiguredError, match="ActPassClient"):
        install_hooks(local_actpass.gateway.async_client(), goal=GOAL)


def test_guards_a_tool_loaded_from_an_mcp_server(local_actpass: Any, tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node is not None, "this test starts the MCP filesystem server with Node.js"
    assert FILESYSTEM_SERVER.exists(), "run pnpm install: the MCP filesystem server comes from npm"
    root = tmp_path / "files"
    root.mkdir()
    server = MCPServerStdio(command=node, args=[str(FILESYSTEM_SERVER), str(root)])
    probe = Agent(role=ROLE, goal="g", backstory="b", llm=OneCallLLM("x", {}), mcps=[server])
    names = [t.name for t in probe.get_mcp_tools([server])]
    write = next(name for name in names if name.endswith("write_file"))
    with install_hooks(local_actpass.client, goal="tidy", tool_name=lambda _n: "fs.write_file"):
        final = kickoff(OneCallLLM(write, {"path": str(root / "pwned.txt"), "content": "x"}), mcps=[server])
    assert os.listdir(root) == []
    assert final.startswith("BLOCKED policy.no_match")
