"""What every Python adapter shares: the ActPass tool name, the preflight arguments of one tool call,
and turning a :class:`~actpass.GuardResult` into what the framework hands back to the model.

Only the I/O differs between the sync and the async client: both adapters' wrappers build the same
arguments here, call ``client.guard(...)`` (or ``await`` it), and read the result here.
"""

from __future__ import annotations

import hashlib
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Literal, Union

from .._canonical import canonicalize
from .._exceptions import ActPassError, MisconfiguredError
from .._guard import GuardResult, WaitForApproval

__all__ = [
    "GuardOptions",
    "ToolBlockedError",
    "blocked_artifact",
    "blocked_or_raise",
    "blocked_text",
    "guard_kwargs",
    "is_tool_name",
    "missing_extra",
    "prepared",
    "remember_approval",
    "result_of",
    "tool_name",
]

# Dot-separated segments of [A-Za-z0-9_-]+; the contract caps the whole at 256.
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
    """What the model reads when a guarded tool did not run: ``BLOCKED <reason_code>: <summary>``.

    A held call also names its approval request and says that a person decides, so the model tells the
    user instead of retrying blindly (a retry before the decision only finds the same request pending).
    """
    text = f"BLOCKED {decision['reason_code']}: {decision['explain']['summary']}"
    if decision["decision"] != "require_approval":
        return text
    approval_id = decision.get("approval_request_id")
    if not approval_id:
        return f"{text} A person must approve this action; it has not run."
    return (
        f"{text} Approval request {approval_id} is waiting for a person to decide; the action has not "
        f"run. Tell the user it needs approval; retrying before a person approves {approval_id} will "
        "not run it."
    )


def blocked_artifact(decision: Mapping[str, Any]) -> dict[str, Any]:
    """The structured form of a blocked call, for tools whose output has a shape of its own."""
    artifact: dict[str, Any] = {
        "actpass_blocked": True,
        "text": blocked_text(decision),
        "reason_code": decision["reason_code"],
    }
    if decision.get("approval_request_id"):
        artifact["approval_request_id"] = decision["approval_request_id"]
    return artifact


class ToolBlockedError(ActPassError):
    """Raised instead of returning the ``BLOCKED`` text when the wrapper has ``on_blocked="raise"``."""

    def __init__(self, tool: str, decision: Mapping[str, Any]) -> None:
        super().__init__(blocked_text(decision))
        self.tool = tool
        self.decision = decision
        self.reason_code: str = decision["reason_code"]
        self.approval_request_id: str | None = decision.get("approval_request_id")


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


# -- Held actions waiting for a person ---------------------------------------------------------------
#
# Per client, in memory only: the approval request of each held action, keyed by the SHA-256 of the
# action's canonical JSON (tool, args, resource, goal, agent, user: what the gateway binds an approval
# to). The model's retry of the very same action carries the id, so once a person approves the gateway
# releases that request instead of opening a new one. An entry is forgotten as soon as a decision on it
# is anything but "still pending" (released, denied, expired, refused); at most _MAX_REMEMBERED per
# client, the oldest going first.

_MAX_REMEMBERED = 1000
_pending: weakref.WeakKeyDictionary[Any, OrderedDict[str, str]] = weakref.WeakKeyDictionary()
_pending_lock = threading.Lock()


def action_key(params: Mapping[str, Any]) -> str | None:
    """The memory key of the action ``params`` describe, or None when it has no canonical form."""
    try:
        text = canonicalize(
            {
                "tool": params["tool"],
                "args": params.get("args") or {},
                "resource": params.get("resource"),
                "goal": params.get("goal"),
                "agent_id": params.get("agent_id"),
                "user_id": params.get("user_id"),
            }
        )
    except Exception:  # no canonical form: nothing is remembered, the call goes as it is
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def with_pending_approval(client: Any, params: dict[str, Any]) -> str | None:
    """Adds the approval request id of the same action held before, if any; returns the memory key."""
    key = action_key(params)
    if key is None:
        return None
    with _pending_lock:
        memory = _pending.get(client)
        approval_id = memory.get(key) if memory is not None else None
    if approval_id is not None:
        # The approval replaces the passport step (the gateway checked the delegation when it held it).
        params.pop("passport", None)
        params["approval_request_id"] = approval_id
    return key


def remember_approval(client: Any, key: str | None, decision: Mapping[str, Any]) -> None:
    """Records what ``decision`` says about the action's approval request."""
    if key is None:
        return
    approval_id = decision.get("approval_request_id") if decision.get("source") == "gateway" else None
    with _pending_lock:
        memory = _pending.setdefault(client, OrderedDict())
        memory.pop(key, None)
        if decision["decision"] == "require_approval" and approval_id:
            memory[key] = approval_id
            while len(memory) > _MAX_REMEMBERED:
                memory.popitem(last=False)


def prepared(
    client: Any, options: GuardOptions, tool_input: Mapping[str, Any], call: Any
) -> tuple[dict[str, Any], str | None]:
    """The ``client.guard(...)`` keyword arguments of one call (carrying the approval request of the
    same action held before) and the memory key to pass to :func:`remember_approval` afterwards."""
    params = guard_kwargs(options, tool_input, call)
    return params, with_pending_approval(client, params)


def missing_extra(framework: str, extra: str, error: ImportError) -> ImportError:
    """The ImportError an adapter raises when its framework is not installed: it names the install."""
    return ImportError(
        f"actpass.adapters.{extra.replace('-', '_')} needs {framework}, which is not installed "
        f'({error}): run pip install "actpass[{extra}]"'
    )


def blocked_or_raise(options: GuardOptions, outcome: GuardResult[Any]) -> Mapping[str, Any]:
    """For a call that did not run: raises what must be raised, else returns the decision."""
    if outcome["error"] is not None:  # the call step itself failed before the tool ran
        raise outcome["error"]
    if options.on_blocked == "raise":
        raise ToolBlockedError(options.tool, outcome["decision"])
    return outcome["decision"]


def result_of(options: GuardOptions, outcome: GuardResult[Any]) -> Any:
    """The tool's result when it ran (re-raising its own error), else the ``BLOCKED`` text or error."""
    if outcome["executed"]:
        if outcome["error"] is not None:
            raise outcome["error"]
        return outcome["result"]
    return blocked_text(blocked_or_raise(options, outcome))


def as_input(value: Any) -> dict[str, Any]:
    """A tool input as a dict: a mapping as is, anything else (a string input) as ``{"input": value}``."""
    return dict(value) if isinstance(value, Mapping) else {"input": value}
