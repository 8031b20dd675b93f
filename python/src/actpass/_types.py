"""Input types of the public methods (the generated types describe the wire; these describe calls)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from typing_extensions import Literal, Required, TypedDict

__all__ = ["CallOptions", "ClientOptions", "Mode", "PreflightInput"]

Mode = Literal["enforce", "monitor", "warn", "strict"]
"""How a decision is applied: ``enforce`` and ``strict`` run only on allow, ``warn`` also on
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
    api_key: str
    base_url: str
    logger: logging.Logger


class CallOptions(TypedDict, total=False):
    """Options every method takes for one call, on top of the client's (``client.with_options(...)``
    sets them for a family of calls)."""

    timeout: float
    """Seconds per attempt (connect, read, write and pool wait each)."""
    max_retries: int
    """Retries after the first attempt, on connection errors, timeouts, 408, 409, 429 and 5xx."""
    deadline: float
    """Seconds for the whole call with its retries and backoff waits."""
    max_response_bytes: int
    """Largest response body read, after decompression."""
    idempotency_key: str
    """The ``Idempotency-Key`` of a POST (default: a random one per call, reused by its retries)."""
    extra_headers: Mapping[str, str]
    """Headers sent with this call."""


class PreflightInput(TypedDict, total=False):
    """The arguments of ``preflight()`` and ``guard()``. ``None`` means "not given"."""

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
