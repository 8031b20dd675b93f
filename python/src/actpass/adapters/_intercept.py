"""What the per-agent interceptors share: one decision per tool call asked from inside the framework's
own hook (a middleware, a guardrail, a before-tool hook) rather than from a wrapped tool, and the durable
approvals that map a held call onto the framework's pause-and-resume.

A hook decides; it does not run the tool (the framework does, once the hook lets it), so no outcome is
recorded here: the preflight's decision is the evidence.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import GuardOptions, PerCall, ToolNameOption, blocked_text, prepared, remember_approval, tool_name
from ._printable import printable

_RAN = object()
_MAX_HELD = 1000


@dataclass(frozen=True)
class InterceptOptions:
    """How an interceptor decides every tool of an agent; see each adapter for the arguments."""

    goal: PerCall
    tool_name: ToolNameOption = None
    resource: Callable[[Mapping[str, Any], Any], str | None] | None = None
    args: Callable[[Mapping[str, Any], Any], Mapping[str, Any]] | None = None
    passport: PerCall = None
    mode: PerCall = None
    agent_id: PerCall = None
    user_id: PerCall = None
    context: PerCall = None
    wait_for_approval: WaitForApproval | None = None
    on_blocked: Literal["result", "raise"] = "result"
    approvals: Literal["result", "durable"] = "result"

    def __post_init__(self) -> None:
        if self.approvals not in ("result", "durable"):
            raise MisconfiguredError(f'approvals must be "result" or "durable", not {self.approvals!r}')
        if self.on_blocked not in ("result", "raise"):
            raise MisconfiguredError(f'on_blocked must be "result" or "raise", not {self.on_blocked!r}')

    def for_tool(self, framework_name: str) -> GuardOptions:
        return GuardOptions(
            goal=self.goal,
            tool=tool_name(self.tool_name, framework_name),
            resource=self.resource,
            args=self.args,
            passport=self.passport,
            mode=self.mode,
            agent_id=self.agent_id,
            user_id=self.user_id,
            context=self.context,
            # Durable mode pauses the run instead of waiting inside the hook.
            wait_for_approval=None if self.approvals == "durable" else self.wait_for_approval,
            on_blocked=self.on_blocked,
            record_outcome=False,  # the framework runs the tool after the hook; nothing ran here
        )


@dataclass(frozen=True)
class Verdict:
    """What the hook does with one call: run it, or answer ``text`` (the BLOCKED text)."""

    run: bool
    decision: Mapping[str, Any]
    tool: str
    text: str = ""


def _params(
    client: Any, options: GuardOptions, tool_input: Mapping[str, Any], call: Any, approval_id: str | None
) -> tuple[dict[str, Any], str | None]:
    params, key = prepared(client, options, tool_input, call)
    if approval_id is not None:
        params.pop("passport", None)  # the gateway checked the delegation when it held the action
        params["approval_request_id"] = approval_id
    return params, key


def _verdict(options: GuardOptions, outcome: Any) -> Verdict:
    decision = outcome["decision"]
    if outcome["executed"]:
        return Verdict(True, decision, options.tool)
    return Verdict(False, decision, options.tool, blocked_text(decision))


def decide(
    client: Any,
    opts: InterceptOptions,
    framework_name: str,
    tool_input: Mapping[str, Any],
    call: Any,
    approval_id: str | None = None,
) -> Verdict:
    """Decides one call with the sync client. ``approval_id`` releases an approved request (the resume);
    without it, an action this client saw held carries its request id, as every adapter does."""
    options = opts.for_tool(framework_name)
    params, key = _params(client, options, tool_input, call, approval_id)
    outcome = client.guard(execute_fn=lambda _context: _RAN, **params)
    remember_approval(client, key, outcome["decision"])
    return _verdict(options, outcome)


async def adecide(
    client: Any,
    opts: InterceptOptions,
    framework_name: str,
    tool_input: Mapping[str, Any],
    call: Any,
    approval_id: str | None = None,
) -> Verdict:
    """:func:`decide` with the async client."""
    options = opts.for_tool(framework_name)
    params, key = _params(client, options, tool_input, call, approval_id)
    outcome = await client.guard(execute_fn=lambda _context: _RAN, **params)
    remember_approval(client, key, outcome["decision"])
    return _verdict(options, outcome)


def is_durable_hold(decision: Mapping[str, Any]) -> bool:
    """True when the decision holds the call for a person and names the request to resume it by."""
    return (
        decision.get("decision") == "require_approval"
        and bool(decision.get("approval_request_id"))
        and decision.get("source") == "gateway"
    )


@dataclass(frozen=True)
class HeldCall:
    """A held call the run paused on: the framework's call id and the ActPass request a person decides."""

    call_id: str
    tool: str
    approval_request_id: str

    def as_dict(self) -> dict[str, str]:
        return {"call_id": self.call_id, "tool": self.tool, "approval_request_id": self.approval_request_id}

    @classmethod
    def from_value(cls, value: Any) -> HeldCall | None:
        """The held call a saved value names, or None when it is not one of ActPass's."""
        held = value.get("actpass") if isinstance(value, Mapping) else None
        if not isinstance(held, Mapping):
            return None
        fields_ = (held.get("call_id"), held.get("tool"), held.get("approval_request_id"))
        if not all(isinstance(item, str) and item for item in fields_):
            return None
        return cls(*fields_)  # type: ignore[arg-type]


@dataclass
class HeldCalls:
    """Per interceptor: which call id waits on which approval request (filled by the hook and by resume)."""

    _by_call: OrderedDict[str, HeldCall] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hold(self, held: HeldCall) -> None:
        with self._lock:
            self._by_call[held.call_id] = held
            while len(self._by_call) > _MAX_HELD:
                self._by_call.popitem(last=False)

    def get(self, call_id: str | None) -> HeldCall | None:
        with self._lock:
            return None if call_id is None else self._by_call.get(call_id)

    def take(self, call_id: str | None) -> HeldCall | None:
        with self._lock:
            return None if call_id is None else self._by_call.pop(call_id, None)


Status = Literal["approved", "pending", "refused"]


def status_of(request: Mapping[str, Any]) -> tuple[Status, str]:
    """Where a held request stands (read from the gateway, never from a framework flag), and for a refused
    one the BLOCKED text the model reads."""
    status = request.get("status")
    if status == "approved":
        return "approved", ""
    if status == "pending":
        return "pending", ""
    approval_id = request.get("id")
    if status == "denied":
        note = request.get("note")
        why = f"A person denied approval request {approval_id}" + (f" ({note})." if note else ".")
        code = "approval.denied"
    elif status == "used":
        why, code = f"Approval request {approval_id} was already used.", "approval.expired"
    else:
        why, code = f"Approval request {approval_id} expired before a person decided.", "approval.expired"
    return "refused", f"BLOCKED {code}: {why} The action has not run; do not retry it."


def held_status(client: Any, held: HeldCall) -> tuple[Status, str]:
    """Reads the request with the sync client. An unreadable request raises: nothing is approved on a
    guess."""
    return status_of(client.approvals.get(held.approval_request_id))


async def aheld_status(client: Any, held: HeldCall) -> tuple[Status, str]:
    return status_of(await client.approvals.get(held.approval_request_id))


# -- A conservative check of arguments against a tool's JSON Schema ---------------------------------------
#
# For frameworks whose hook runs before their own validation: arguments that plainly break the schema are
# refused without asking for a decision (invalid model output is never decided nor recorded). Only the
# plain keywords are read (type, properties, required, additionalProperties: false, enum, items,
# anyOf/oneOf); anything else passes here and is left to the framework's own validation.

_MAX_DEPTH = 32


def _type_matches(kind: Any, value: Any) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "null":
        return value is None
    return True


def schema_problem(schema: Any, value: Any, path: str = "arguments", depth: int = 0) -> str | None:
    """The first problem found, as ``path: what is wrong``, or None when nothing plainly breaks."""
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return None
    branches = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(branches, list) and all(
        schema_problem(branch, value, path, depth + 1) is not None for branch in branches
    ):
        return f"{path}: matches none of the allowed shapes"
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    if kinds and not any(_type_matches(kind, value) for kind in kinds):
        return f"{path}: expected {' or '.join(str(kind) for kind in kinds)}"
    allowed = schema.get("enum")
    if isinstance(allowed, list) and not any(item == value and type(item) is type(value) for item in allowed):
        return f"{path}: expected one of {str(allowed)[:120]}"
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, Mapping):
        for index, item in enumerate(value):
            problem = schema_problem(items, item, f"{path}[{index}]", depth + 1)
            if problem:
                return problem
    if isinstance(value, dict):
        found = schema.get("properties")
        properties: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        listed = schema.get("required")
        required: list[Any] = listed if isinstance(listed, list) else []
        for key in required:
            if key not in value:
                return f"{path}.{key}: required"
        for key, item in value.items():
            if key in properties:
                problem = schema_problem(properties[key], item, f"{path}.{key}", depth + 1)
                if problem:
                    return problem
            elif schema.get("additionalProperties") is False:
                return f"{path}.{key}: not an allowed property"
    return None


# Longest tool name and schema problem shown (the problem names the model's own argument names).
_MAX_SHOWN_TOOL = 120
_MAX_SHOWN_PROBLEM = 300


def invalid_text(tool: str, problem: str) -> str:
    """What the model reads when its arguments break the tool's schema: one bounded line naming the fix.
    The tool name is quoted with ``repr`` (which escapes every unprintable character) and cut; the problem
    quotes the model's argument names, so it is escaped and cut like every agent-supplied text."""
    shown_tool = repr(tool) if len(tool) <= _MAX_SHOWN_TOOL else repr(tool[:_MAX_SHOWN_TOOL]) + "…"
    return (
        f"Invalid input for tool {shown_tool}: {printable(problem, _MAX_SHOWN_PROBLEM)}. The tool did not "
        "run; call it again with arguments that match its schema."
    )
