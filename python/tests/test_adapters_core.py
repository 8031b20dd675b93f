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
