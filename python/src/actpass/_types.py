"""Input types of the public methods (the generated types describe the wire; these describe calls)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from typing_extensions import Literal, Required, TypedDict

__all__ = ["ClientOptions", "Mode", "PreflightInput"]

Mode = Literal["enforce", "monitor", "warn", "strict"]
"""How a decision is applied (SPEC §3): ``enforce`` and ``strict`` run only on allow, ``warn`` also on
warn, ``monitor`` always runs and only observes."""


class ClientOptions(TypedDict, total=False):
    """What ``with_options()`` may replace, for one call or a family of calls."""

    timeout: float
    max_retries: int
    deadline: float
    max_response_bytes: int
    mode: Mode
    tenant_id: str
    agent_id: str
    idempotency_key: str
    """Sent on the copy's POSTs; meant for a copy used for one call (a retried logical call)."""
    extra_headers: Mapping[str, str]


class PreflightInput(TypedDict, total=False):
    """The arguments of ``preflight()`` and ``guard()`` (SPEC §3). ``None`` means "not given"."""

    goal: Required[str]
    tool: Required[str]
    resource: str | None
    args: Mapping[str, Any] | None
    mode: Mode | None
    agent_id: str | None
    user_id: str | None
    passport: str | None
    approval_request_id: str | None
    tool_definition: Mapping[str, Any] | None
    tool_hash: str | None
    context: Mapping[str, Any] | None
