"""What the Python framework runs share: the refunds the fake models ask for and the fake payment
provider whose ``refund`` is the tool body, so a test can tell exactly which bodies ran."""

from __future__ import annotations

import time
from typing import Any

GOAL = "resolve_refund_request"
TOOL = "stripe.refund.create"  # the ActPass tool name; each framework's own tool is called ``refund``

# Allowed, held for a person, denied (the refunds policy of ``actpass dev``).
REQUESTS = [
    {"charge": "ch_small", "amount": 4900},
    {"charge": "ch_medium", "amount": 25000},
    {"charge": "ch_large", "amount": 60000},
]


def resource_of(tool_input: Any, _call: Any = None) -> str:
    return f"stripe:charge:{tool_input['charge']}"


class FakePayments:
    def __init__(self) -> None:
        self.refunded: list[dict[str, Any]] = []

    def refund(self, charge: str, amount: int) -> str:
        self.refunded.append({"charge": charge, "amount": amount})
        return f"refunded {amount} on {charge}"


def final_answer(results: list[str]) -> str:
    """The fake models' last turn: repeat every tool result they were given, one per line."""
    return "I saw:\n" + "\n".join(results)


def pending_ids(approver: Any) -> set[str]:
    return {str(item["id"]) for item in approver.approvals.list(status="pending")["items"]}


def approve_first_pending(
    approver: Any, known: set[str] | frozenset[str] = frozenset(), attempts: int = 500
) -> str:
    """Plays the person at the approvals queue (sync client): approves the first pending request that
    is not in ``known`` (requests already waiting when the run started)."""
    for _ in range(attempts):
        items = approver.approvals.list(status="pending")["items"]
        pending = [item for item in items if str(item["id"]) not in known]
        if pending:
            approver.approvals.approve(pending[0]["id"], note="checked with the customer")
            return str(pending[0]["id"])
        time.sleep(0.01)
    raise RuntimeError("no approval request appeared")
