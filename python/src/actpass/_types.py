"""Input types of the public methods (the generated types describe the wire; these describe calls)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from typing_extensions import Required, TypedDict

__all__ = ["PreflightInput"]


class PreflightInput(TypedDict, total=False):
    """The arguments of ``preflight()`` and ``guard()`` (SPEC §3). ``None`` means "not given"."""

    goal: Required[str]
    tool: Required[str]
    resource: str | None
    args: Mapping[str, Any] | None
    mode: str | None
    agent_id: str | None
    user_id: str | None
    passport: str | None
    approval_request_id: str | None
    tool_definition: Mapping[str, Any] | None
    tool_hash: str | None
    context: Mapping[str, Any] | None
