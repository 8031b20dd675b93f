"""What every Python adapter shares: the ActPass tool name, the preflight arguments of one tool call,
and turning a :class:`~actpass.GuardResult` into what the framework hands back to the model.

Only the I/O differs between the sync and the async client: both adapters' wrappers build the same
arguments here, call ``client.guard(...)`` (or ``await`` it), and read the result here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Literal, Union

from .._exceptions import ActPassError, MisconfiguredError
from .._guard import GuardResult, WaitForApproval

__all__ = [
    "GuardOptions",
    "ToolBlockedError",
    "blocked_text",
    "guard_kwargs",
    "is_tool_name",
    "result_of",
    "tool_name",
]

# SPEC §16.4: dot-separated segments of [A-Za-z0-9_-]+; the contract caps the whole at 256.
_TOOL_NAME = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
_MAX_TOOL_NAME = 256

#: A value fixed for the wrapper, or computed per call from the tool input (a dict) and the framework's
#: call object (its run context or config; ``None`` where the framework passes none).
PerCall = Union[Any, Callable[[Mapping[str, Any], Any], Any]]
ToolNameOption = Union[str, Callable[[str], str], None]


def is_tool_name(name: object) -> bool:
    return isinstance(name, str) and len(name) <= _MAX_TOOL_NAME and _TOOL_NAME.fullmatch(name) is not None


def tool_name(option: ToolNameOption, framework_name: str) -> str:
    """The ActPass tool name: ``option`` as given, mapped by it, or the framework's own name."""
    name = option(framework_name) if callable(option) else (option if option is not None else framework_name)
    if is_tool_name(name):
        return name
    shown = repr(str(name)[:80])
    origin = f"the framework's tool name {shown}" if option is None else f"tool_name gave {shown}, which"
    raise MisconfiguredError(
        f"{origin} is not an ActPass tool name (dot-separated segments of A-Z a-z 0-9 _ -, at most "
        f'{_MAX_TOOL_NAME} characters): pass tool_name=..., e.g. tool_name="stripe.refund.create"'
    )


def blocked_text(decision: Mapping[str, Any]) -> str:
    """What the model reads when a guarded tool did not run: ``BLOCKED <reason_code>: <summary>``."""
    return f"BLOCKED {decision['reason_code']}: {decision['explain']['summary']}"


class ToolBlockedError(ActPassError):
    """Raised instead of returning the ``BLOCKED`` text when the wrapper has ``on_blocked="raise"``."""

    def __init__(self, tool: str, decision: Mapping[str, Any]) -> None:
        super().__init__(blocked_text(decision))
        self.tool = tool
        self.decision = decision
        self.reason_code: str = decision["reason_code"]


@dataclass(frozen=True)
class GuardOptions:
    """How one framework tool is guarded; see each adapter's ``guard_tool`` for the arguments."""

    goal: PerCall
    tool: str
    resource: Callable[[Mapping[str, Any], Any], str | None] | None = None
    args: Callable[[Mapping[str, Any], Any], Mapping[str, Any]] | None = None
    passport: PerCall = None
    mode: PerCall = None
    agent_id: PerCall = None
    user_id: PerCall = None
    context: PerCall = None
    wait_for_approval: WaitForApproval | None = None
    on_blocked: Literal["result", "raise"] = "result"
    record_outcome: bool = True

    def __post_init__(self) -> None:
        if self.on_blocked not in ("result", "raise"):
            raise MisconfiguredError(f'on_blocked must be "result" or "raise", not {self.on_blocked!r}')


def _resolve(value: PerCall, tool_input: Mapping[str, Any], call: Any) -> Any:
    return value(tool_input, call) if callable(value) else value


def guard_kwargs(options: GuardOptions, tool_input: Mapping[str, Any], call: Any) -> dict[str, Any]:
    """The keyword arguments of ``client.guard(...)`` for one call, without ``execute_fn``."""
    params: dict[str, Any] = {
        "goal": _resolve(options.goal, tool_input, call),
        "tool": options.tool,
        "args": dict(options.args(tool_input, call)) if options.args else dict(tool_input),
        "record_outcome": options.record_outcome,
    }
    if options.resource is not None:
        params["resource"] = options.resource(tool_input, call)
    for key in ("passport", "mode", "agent_id", "user_id", "context"):
        value = _resolve(getattr(options, key), tool_input, call)
        if value is not None:
            params[key] = value
    if options.wait_for_approval is not None:
        params["wait_for_approval"] = options.wait_for_approval
    return params


def result_of(options: GuardOptions, outcome: GuardResult[Any]) -> Any:
    """The tool's result when it ran (re-raising its own error), else the ``BLOCKED`` text or error."""
    if outcome["executed"]:
        if outcome["error"] is not None:
            raise outcome["error"]
        return outcome["result"]
    if outcome["error"] is not None:  # the call step itself failed before the tool ran
        raise outcome["error"]
    if options.on_blocked == "raise":
        raise ToolBlockedError(options.tool, outcome["decision"])
    return blocked_text(outcome["decision"])


def as_input(value: Any) -> dict[str, Any]:
    """A tool input as a dict: a mapping as is, anything else (a string input) as ``{"input": value}``."""
    return dict(value) if isinstance(value, Mapping) else {"input": value}
