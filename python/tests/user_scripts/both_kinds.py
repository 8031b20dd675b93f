# pyright: strict
"""A user's script that handles both kinds of decision. ``test_typecheck_user_script.py`` runs
``mypy --strict`` and ``pyright`` (strict) on it: it must type-check with no error."""

from __future__ import annotations

import asyncio

from actpass import (
    ActPassClient,
    AsyncActPassClient,
    ClientDecision,
    Decision,
    GuardResult,
    PreflightDecision,
    is_client_decision,
)


def describe(d: PreflightDecision) -> str:
    if is_client_decision(d):
        client_made: ClientDecision = d
        return f"{client_made['reason_code']}: {client_made['cause']['kind']} {d['explain']['next_steps']}"
    if d["source"] == "gateway":
        gateway_made: Decision = d
        return f"{gateway_made['reason_code']} ({d['evidence_event_id']}, policy {d['policy']['id']})"
    return d["cause"]["message"]


def by_source(d: PreflightDecision) -> str:
    if d["source"] == "client":
        return d["cause"]["message"]
    return d["action_hash"]


def refund() -> dict[str, str]:
    return {"id": "re_1"}


def run(client: ActPassClient) -> str | None:
    d = client.preflight(goal="resolve_refund_request", tool="stripe.refund.create", args={"amount": 4900})
    print(describe(d), by_source(d))
    out: GuardResult[dict[str, str]] = client.guard(
        goal="resolve_refund_request", tool="stripe.refund.create", execute_fn=refund
    )
    if out["error"] is not None:
        print("refund failed:", type(out["error"]).__name__)
    result = out["result"]
    return result["id"] if result is not None else None


async def run_async(client: AsyncActPassClient) -> str:
    async def refund_async() -> int:
        return 7

    d = await client.preflight(goal="resolve_refund_request", tool="stripe.refund.create")
    out = await client.guard(
        goal="resolve_refund_request", tool="stripe.refund.create", execute_fn=refund_async
    )
    amount: int | None = out["result"]
    return f"{describe(d)} {amount}"


if __name__ == "__main__":
    with ActPassClient(api_key="k", base_url="http://127.0.0.1:9", max_retries=0) as c:
        print(run(c))

    async def main() -> None:
        async with AsyncActPassClient(api_key="k", base_url="http://127.0.0.1:9", max_retries=0) as ac:
            print(await run_async(ac))

    asyncio.run(main())
