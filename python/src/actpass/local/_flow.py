"""Run-time flow control, as the TypeScript gateway does it (``packages/gateway/src/flow``).

A request names its session in ``context.session.id``; the session carries the labels
``private_data``, ``untrusted_content`` and ``external_comm`` from the calls it was allowed to make,
classified by the gateway (``LocalGateway(flow_tools={glob: [labels]})``), never by the caller.
Policy sees them as ``context.session.labels`` and the call's own labels as
``context.session.call_labels``; each new label is sealed as a ``session.labeled`` event. A caller
that sends ``labels``, ``call_labels`` or ``categories`` (an enforcing proxy's field; this
in-process gateway has no proxy) is refused with the served gateway's 400. Labels live in memory,
for this gateway object's lifetime.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from ._errors import invalid
from ._globs import compile_glob

FLOW_LABELS: Final = ("private_data", "untrusted_content", "external_comm")
SESSION_LABELED_EVENT: Final = "session.labeled"
_SESSION_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
_LABELS_PATH: Final = "context.session.labels"


def _refuse(path: str, message: str, fix: str) -> Exception:
    return invalid(f"body.{path}", message, fix)


@dataclass
class SessionFlow:
    key: tuple[str, str, str]
    session_id: str
    held: list[dict[str, Any]]
    call: list[str]


def read_session_id(context: Any) -> str | None:
    """The flow session a request names (None: none); raises the served gateway's 400s."""
    if not isinstance(context, dict) or "session" not in context:
        return None
    session = context["session"]
    if not isinstance(session, dict):
        raise _refuse("context.session", "must be an object {id}", 'send {"id": "<your session id>"}')
    for name in ("labels", "call_labels"):
        if name in session:
            raise _refuse(
                f"context.session.{name}",
                "is set by the gateway from the calls the session made, never by the caller",
                "remove it and send only context.session.id",
            )
    if "categories" in session:
        raise _refuse(
            "context.session.categories",
            "is accepted only from an enforcing proxy; a call is classified by the gateway, "
            "never by the agent",
            "remove it, and classify tools in the gateway's flow configuration",
        )
    if "id" not in session:
        return None
    session_id = session["id"]
    if not isinstance(session_id, str) or not _SESSION_ID.fullmatch(session_id):
        raise _refuse(
            "context.session.id",
            "must be 1-128 characters of letters, digits and ._:@/+=-",
            "send a session id such as a UUID",
        )
    return session_id


class FlowSessions:
    """The gateway's session labels and its classification of tools."""

    def __init__(self, tools: dict[str, list[str]] | None = None) -> None:
        self._classify = []
        for pattern, labels in (tools or {}).items():
            if not isinstance(pattern, str) or not pattern or len(pattern) > 256:
                raise ValueError(f"flow_tools: {pattern!r} must be a tool glob of 1-256 characters")
            if (
                not isinstance(labels, list)
                or not labels
                or any(label not in FLOW_LABELS for label in labels)
            ):
                raise ValueError(
                    f'flow_tools["{pattern}"]: must be a non-empty list of {", ".join(FLOW_LABELS)}'
                )
            self._classify.append((compile_glob(pattern), list(labels)))
        self._sessions: dict[tuple[str, str, str], list[dict[str, Any]]] = {}

    def open(self, tenant_id: str, key_id: str, tool: str, context: Any) -> SessionFlow | None:
        session_id = read_session_id(context)
        if session_id is None:
            return None
        found: set[str] = set()
        for matches, labels in self._classify:
            if matches(tool):
                found.update(labels)
        key = (tenant_id, key_id, session_id)
        held = [dict(label) for label in self._sessions.get(key, [])]
        return SessionFlow(key, session_id, held, sorted(found))

    @staticmethod
    def policy_context(context: Any, flow: SessionFlow | None) -> Any:
        if flow is None:
            return context if context is not None else {}
        own = {k: v for k, v in context["session"].items() if k != "categories"}
        return {
            **context,
            "session": {
                **own,
                "id": flow.session_id,
                "labels": [held["label"] for held in flow.held],
                "call_labels": flow.call,
            },
        }

    @staticmethod
    def triggering_reads(policy: Any, matched_rules: list[str], flow: SessionFlow | None) -> str | None:
        if flow is None or not flow.held or not matched_rules:
            return None
        rule = next((r for r in policy.source.get("rules", []) if r.get("id") == matched_rules[0]), None)
        conditions = [*(rule or {}).get("when", []), *(rule or {}).get("any", [])]
        if not any(condition.get("path") == _LABELS_PATH for condition in conditions):
            return None
        reads = "; ".join(f"{h['label']} from {h['tool']} ({h['event_id']})" for h in flow.held)
        return f"Session {flow.session_id} carries {reads}."

    def new_labels(self, flow: SessionFlow | None, tool: str, event_id: str, at: str) -> list[str]:
        """Adds the call's labels the session lacks; returns them, in order, to be sealed."""
        if flow is None:
            return []
        held = self._sessions.setdefault(flow.key, [])
        added = []
        for label in flow.call:
            if any(entry["label"] == label for entry in held):
                continue
            held.append({"label": label, "tool": tool, "event_id": event_id, "at": at})
            added.append(label)
        return added
