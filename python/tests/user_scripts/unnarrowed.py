# pyright: strict
"""Reads a gateway-only field without narrowing: both checkers must reject it (a client decision
has no ``evidence_event_id``), so the check in ``test_typecheck_user_script.py`` can fail."""

from __future__ import annotations

from actpass import ActPassClient


def evidence_of(client: ActPassClient) -> str:
    d = client.preflight(goal="resolve_refund_request", tool="stripe.refund.create")
    return d["evidence_event_id"]
