"""The adapters' shared core: ActPass tool names for framework tools, the BLOCKED text, what a guarded
call sends and returns. Full agent loops with the real frameworks: tests/live/test_adapters*.py."""

from __future__ import annotations

from typing import Any

import pytest

from actpass import MisconfiguredError
from actpass.adapters import GuardOptions, ToolBlockedError, blocked_text, is_tool_name, tool_name
from actpass.adapters._core import guard_kwargs, result_of

DENY = {"decision": "deny", "reason_code": "refund.large_denied", "explain": {"summary": "too large"}}


@pytest.mark.parametrize("name", ["refund", "stripe.refund.create", "get_weather", "a-b.c_d.E9"])
def test_valid_names_pass_through(name: str) -> None:
    assert is_tool_name(name)
    assert tool_name(None, name) == name


@pytest.mark.parametrize(
    "name",
    ["", ".", "a..b", ".a", "a.", "a b", "../etc/passwd", "stripe:refund", "a/b", "<script>", "ré",
     "a\x00b", "line\nbreak", "x" * 257, "*", "**.refund"],
)  # fmt: skip
def test_hostile_names_are_refused_naming_the_fix(name: str) -> None:
    assert not is_tool_name(name)
    with pytest.raises(MisconfiguredError, match="pass tool_name="):
        tool_name(None, name)


def test_names_are_mapped_and_the_result_checked() -> None:
    assert tool_name(lambda n: f"payments.{n}", "refund") == "payments.refund"
    with pytest.raises(MisconfiguredError, match="tool_name gave 'payments:refund'"):
        tool_name(lambda n: "payments:refund", "refund")


def test_blocked_text() -> None:
    assert blocked_text(DENY) == "BLOCKED refund.large_denied: too large"


def test_per_call_values_and_defaults() -> None:
    options = GuardOptions(
        goal="g",
        tool="stripe.refund.create",
        resource=lambda i, c: f"stripe:charge:{i['charge']}",
        passport=lambda i, c: f"pp-{i['charge']}",
        mode="monitor",
        wait_for_approval={"timeout_s": 5},
    )
    sent = guard_kwargs(options, {"charge": "ch_1", "amount": 1}, None)
    assert sent == {
        "goal": "g",
        "tool": "stripe.refund.create",
        "args": {"charge": "ch_1", "amount": 1},
        "record_outcome": True,
        "resource": "stripe:charge:ch_1",
        "passport": "pp-ch_1",
        "mode": "monitor",
        "wait_for_approval": {"timeout_s": 5},
    }


def test_result_of_each_outcome() -> None:
    ran: Any = {"decision": DENY, "result": "done", "error": None, "executed": True}
    blocked: Any = {"decision": DENY, "result": None, "error": None, "executed": False}
    error = ValueError("card network down")
    failed: Any = {"decision": DENY, "result": None, "error": error, "executed": True}
    options = GuardOptions(goal="g", tool="t")
    assert result_of(options, ran) == "done"
    assert result_of(options, blocked) == "BLOCKED refund.large_denied: too large"
    with pytest.raises(ValueError, match="card network down"):
        result_of(options, failed)
    with pytest.raises(ToolBlockedError) as raised:
        result_of(GuardOptions(goal="g", tool="t", on_blocked="raise"), blocked)
    assert raised.value.reason_code == "refund.large_denied"
    assert str(raised.value) == "BLOCKED refund.large_denied: too large"


def test_on_blocked_is_checked() -> None:
    with pytest.raises(MisconfiguredError, match="on_blocked"):
        GuardOptions(goal="g", tool="t", on_blocked="ignore")  # type: ignore[arg-type]


HELD = {
    "decision": "require_approval",
    "reason_code": "refund.medium_needs_approval",
    "explain": {"summary": "needs an approver"},
    "approval_request_id": "apr_01ABC",
    "source": "gateway",
}


def test_held_text_names_the_request_and_does_not_invite_a_retry() -> None:
    text = blocked_text(HELD)
    assert text.startswith("BLOCKED refund.medium_needs_approval: needs an approver ")
    assert "apr_01ABC" in text and "a person" in text
    assert "try again" not in text.lower()
    assert ToolBlockedError("t", HELD).approval_request_id == "apr_01ABC"


def test_the_retry_of_a_held_action_carries_its_request_until_it_is_decided() -> None:
    from actpass.adapters._core import remember_approval, with_pending_approval

    class Client:  # any weak-referenceable object: the memory is per client
        pass

    client, other = Client(), Client()
    action = {"goal": "g", "tool": "stripe.refund.create", "args": {"amount": 25000}, "passport": "pp"}
    key = with_pending_approval(client, dict(action))
    remember_approval(client, key, HELD)
    retry = dict(action)
    assert with_pending_approval(client, retry) == key
    assert retry["approval_request_id"] == "apr_01ABC" and "passport" not in retry
    different = {**action, "args": {"amount": 25001}}
    with_pending_approval(client, different)
    assert "approval_request_id" not in different
    elsewhere = dict(action)
    with_pending_approval(other, elsewhere)
    assert "approval_request_id" not in elsewhere
    released_decision = {"decision": "allow", "reason_code": "approval.granted", "source": "gateway"}
    remember_approval(client, key, released_decision)
    released = dict(action)
    with_pending_approval(client, released)
    assert "approval_request_id" not in released


@pytest.mark.parametrize(
    ("module", "framework", "extra"),
    [
        ("actpass.adapters.langchain", "langchain_core.tools", "langchain"),
        ("actpass.adapters.openai_agents", "agents", "openai-agents"),
        ("actpass.adapters.crewai", "crewai.tools", "crewai"),
    ],
)
def test_a_missing_extra_names_the_install(
    module: str, framework: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, framework, None)  # what an uninstalled package looks like
    monkeypatch.delitem(sys.modules, module, raising=False)
    with pytest.raises(ImportError, match=rf'pip install "actpass\[{extra}\]"'):
        importlib.import_module(module)
