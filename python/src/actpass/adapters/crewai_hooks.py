"""One ActPass interceptor for CrewAI through its ``before_tool_call`` hook (``pip install
"actpass[crewai]"``):

    hooks = install_hooks(client, goal="resolve_refund", agents=["support agent"])   # once
    crew.kickoff()
    hooks.uninstall()                                                                # when done

Every tool call of the named agents (all agents when ``agents`` is omitted) — MCP tools CrewAI loads
included — is decided before it runs. CrewAI's hooks can only let a call through or block it, and the
model then reads "Tool execution blocked by hook"; the paired ``after_tool_call`` hook puts the
``BLOCKED <reason_code>: <summary>`` text (with the approval request id of a held call) in its place.
A held call's retry after a person approved carries the request id, so the approved request is released
(CrewAI has no pause-and-resume of its own; ``wait_for_approval`` waits inside the hook instead).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any, Callable

from .._client import AsyncActPassClient
from .._exceptions import MisconfiguredError
from .._guard import WaitForApproval
from ._core import PerCall, ToolNameOption, missing_extra
from ._intercept import InterceptOptions, decide, invalid_text

try:
    from crewai.hooks.tool_hooks import (
        ToolCallHookContext,
        register_after_tool_call_hook,
        register_before_tool_call_hook,
        unregister_after_tool_call_hook,
        unregister_before_tool_call_hook,
    )
    from pydantic import BaseModel, ValidationError
except ImportError as error:  # pragma: no cover - exercised by the packaging test in a bare venv
    raise missing_extra("crewai", "crewai", error) from error

__all__ = ["ActPassHooks", "install_hooks"]

_BLOCKED_BY_HOOK = "Tool execution blocked by hook"
_MAX_PENDING_TEXTS = 1000


def _invalid(context: ToolCallHookContext) -> str | None:
    """What plainly breaks the tool's own argument schema, checked before any decision."""
    schema = getattr(context.tool, "args_schema", None)
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        try:
            schema.model_validate(context.tool_input)
        except ValidationError as error:
            errors = error.errors()
            if not errors:
                return "arguments: invalid"
            where = ".".join(str(part) for part in errors[0]["loc"])
            return f"arguments.{where}: {errors[0]['msg']}"
    return None


class ActPassHooks:
    """The installed hooks; :meth:`uninstall` removes them (CrewAI's hooks are process-wide)."""

    def __init__(self, client: Any, options: InterceptOptions, agents: Iterable[str] | None) -> None:
        if isinstance(client, AsyncActPassClient):
            raise MisconfiguredError(
                "install_hooks() needs an ActPassClient: CrewAI calls its tool hooks synchronously, even in "
                "akickoff(); pass actpass.ActPassClient(...)"
            )
        self._client = client
        self._options = options
        self._agents = None if agents is None else frozenset(agents)
        # Why each blocked call was blocked, keyed by its input dict (the same object reaches both hooks).
        self._blocked: OrderedDict[int, str] = OrderedDict()
        self._lock = threading.Lock()
        register_before_tool_call_hook(self._before)
        register_after_tool_call_hook(self._after)

    def _applies(self, context: ToolCallHookContext) -> bool:
        role = getattr(context.agent, "role", None)
        return self._agents is None or role in self._agents

    def _block(self, context: ToolCallHookContext, text: str) -> bool:
        with self._lock:
            self._blocked[id(context.tool_input)] = text
            while len(self._blocked) > _MAX_PENDING_TEXTS:  # a call whose after hook never came
                self._blocked.popitem(last=False)
        return False

    def _before(self, context: ToolCallHookContext) -> bool | None:
        # CrewAI swallows a hook's exception and runs the tool anyway: nothing may escape from here.
        try:
            return self._decide(context)
        except Exception as error:  # fail closed
            text = (
                f"BLOCKED client.hook_failed: the ActPass hook could not decide ({type(error).__name__}); "
                "the action has not run."
            )
            return self._block(context, text)

    def _decide(self, context: ToolCallHookContext) -> bool | None:
        if not self._applies(context):
            return None
        problem = _invalid(context)
        if problem:
            return self._block(context, invalid_text(context.tool_name, problem))
        verdict = decide(self._client, self._options, context.tool_name, dict(context.tool_input), context)
        return None if verdict.run else self._block(context, verdict.text)

    def _after(self, context: ToolCallHookContext) -> str | None:
        with self._lock:
            text = self._blocked.pop(id(context.tool_input), None)
        if text is not None and str(context.tool_result or "").startswith(_BLOCKED_BY_HOOK):
            return text
        return None

    def uninstall(self) -> None:
        unregister_before_tool_call_hook(self._before)
        unregister_after_tool_call_hook(self._after)

    def __enter__(self) -> ActPassHooks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.uninstall()


def install_hooks(
    client: Any,
    *,
    goal: PerCall,
    agents: Iterable[str] | None = None,
    tool_name: ToolNameOption = None,
    resource: Callable[[Mapping[str, Any], Any], str | None] | None = None,
    args: Callable[[Mapping[str, Any], Any], Mapping[str, Any]] | None = None,
    passport: PerCall = None,
    mode: PerCall = None,
    agent_id: PerCall = None,
    user_id: PerCall = None,
    context: PerCall = None,
    wait_for_approval: WaitForApproval | None = None,
) -> ActPassHooks:
    """Decides every tool call of the crews' agents named in ``agents`` (by role; all when omitted). Per-call
    values (``goal``, ``passport``, …) may be functions of ``(tool_input, hook_context)``. There is no
    raise mode: CrewAI swallows a hook's exceptions (and would run the tool), so a blocked call always
    answers the BLOCKED text."""
    options = InterceptOptions(
        goal=goal,
        tool_name=tool_name,
        resource=resource,
        args=args,
        passport=passport,
        mode=mode,
        agent_id=agent_id,
        user_id=user_id,
        context=context,
        wait_for_approval=wait_for_approval,
    )
    return ActPassHooks(client, options, agents)
