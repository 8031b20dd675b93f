"""The two kinds of decision ``preflight()`` and ``guard()`` return, and how to tell them apart.

A gateway decision (``Decision``, ``source: "gateway"``) carries a ledger event, an action hash and a
policy reference. A client decision (``ClientDecision``, ``source: "client"``) is the one the client
makes itself when no valid answer arrived: always ``deny``, with a ``cause`` and no ledger fields.
Type checkers narrow the union on ``d["source"] == "client"`` or on :func:`is_client_decision`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from typing_extensions import Literal, NotRequired, TypedDict, TypeGuard

if TYPE_CHECKING:
    from ._generated.contract import Decision, Explain, Mode

__all__ = [
    "ClientCause",
    "ClientCauseKind",
    "ClientDecision",
    "ClientPassportVerification",
    "ClientReasonCode",
    "PreflightDecision",
    "is_client_decision",
]

ClientReasonCode = Literal[
    "client.unreachable",
    "client.timeout",
    "client.http_error",
    "client.invalid_response",
    "client.misconfigured",
]
"""Why the client decided itself: no connection, no answer in time, an error status, an answer that
is not a valid decision, or a configuration it cannot send (no API key, a bad base URL, a bad field)."""

ClientCauseKind = Literal[
    "configuration",
    "connection",
    "timeout",
    "deadline",
    "aborted",
    "http_status",
    "media_type",
    "too_large",
    "invalid_body",
    "internal",
]
"""What went wrong, as a kind a program can switch on."""


class ClientCause(TypedDict):
    """Why no gateway decision arrived. ``explain["next_steps"]`` says what to fix."""

    kind: ClientCauseKind
    status: NotRequired[int]
    """The HTTP status, when a response arrived."""
    code: NotRequired[str]
    """The gateway's ``error.code`` (for example ``auth.invalid_key``), when it sent one."""
    message: str
    """A description safe to log: never the API key, a token or a credential value."""


class ClientDecision(TypedDict):
    """A fail-closed decision made by the client, not the gateway: always ``deny``.

    ``enforced`` is False only in ``monitor`` (where ``execute_fn`` still runs). The fields only the
    gateway can fill (``evidence_event_id``, ``action_hash``, ``policy``, ``approval_request_id``,
    ``credential``) are absent: read them after narrowing to ``Decision``, or with ``.get()``.
    """

    decision: Literal["deny"]
    reason_code: ClientReasonCode
    risk_tier: Literal["high"]
    """The action's real tier is unknown, so the client assumes the highest."""
    mode: Mode
    enforced: bool
    source: Literal["client"]
    would_decision: NotRequired[Literal["deny"]]
    """Present in ``monitor`` and ``warn``, like the gateway's."""
    explain: Explain
    cause: ClientCause
    request_id: NotRequired[str]
    """The last response's ``x-request-id``, when any response arrived."""
    decided_at: str


class ClientPassportVerification(TypedDict):
    """A verification the client could not get from the gateway: never valid."""

    valid: Literal[False]
    reason_code: ClientReasonCode
    message: str
    source: Literal["client"]
    cause: ClientCause
    request_id: NotRequired[str]


PreflightDecision = Union["Decision", ClientDecision]
"""What ``preflight()`` and ``guard()`` return: the gateway's decision or the client's fail-closed one."""


def is_client_decision(decision: PreflightDecision) -> TypeGuard[ClientDecision]:
    """True when the client made ``decision`` itself (no valid answer from the gateway).

    A type checker narrows ``decision`` to :class:`ClientDecision` when it returns True. To narrow to
    the gateway's ``Decision``, compare the source (TypedDicts are structural, so no guard function
    can exclude one from a union)::

        d = client.preflight(goal="resolve_refund_request", tool="stripe.refund.create")
        if is_client_decision(d):
            print(d["cause"]["kind"], d["explain"]["next_steps"])
        elif d["source"] == "gateway":
            print(d["evidence_event_id"])
    """
    return decision.get("source") == "client"
