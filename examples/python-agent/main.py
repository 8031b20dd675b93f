"""A Python support agent issuing refunds through ActPass, first with the blocking client, then with the
asyncio one. The gateway is the real one, served on loopback by ``actpass dev`` (see dev_gateway.py).

    $49   allowed; the vaulted Stripe key reaches ``execute_fn`` for this one call
    $250  held for a person; approved; re-run once with the approval (a second re-run is refused)
    $900  denied by the refunds policy
    and the $49 passport, presented again, is refused as a replay.

Run it with ``pnpm start`` here, or ``python/.venv/bin/python examples/python-agent/main.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable

from dev_gateway import DevGateway, dev_gateway

from actpass import ActPassClient, AsyncActPassClient, ExecuteContext, GuardResult

GOAL = "resolve_refund_request"
TOOL = "stripe.refund.create"
AUDIENCE = "mcp://stripe-production"
# Secret for the demo only; in production an admin stores the real key once.
STRIPE_KEY = "sk_test_example_not_a_real_key"


class FakeStripe:
    """Stands in for the Stripe SDK so the example runs offline; like Stripe, it needs an API key."""

    def __init__(self) -> None:
        self.refunds: list[dict[str, Any]] = []

    def create_refund(self, charge: str, amount: int, api_key: str) -> dict[str, Any]:
        if not api_key.startswith("sk_"):
            raise PermissionError("Stripe: invalid API key")
        refund = {"id": f"re_{len(self.refunds) + 1}", "charge": charge, "amount": amount}
        self.refunds.append(refund)
        return refund


def refund_action(charge: str, amount: int) -> dict[str, Any]:
    """The action as ActPass sees it: the tool, the exact charge, the arguments."""
    return {
        "goal": GOAL,
        "tool": TOOL,
        "resource": f"stripe:charge:{charge}",
        "args": {"amount": amount, "currency": "usd"},
    }


def passport_scope(charge: str, amount: int) -> dict[str, Any]:
    """A passport for one refund: this tool, this charge, at most this amount, in dollars."""
    return {
        "audience": AUDIENCE,
        "goal": GOAL,
        "allowed_tools": [TOOL],
        "allowed_resources": [f"stripe:charge:{charge}"],
        "resource_constraints": {"max_amount": amount, "currency": "usd"},
    }


def execute_with(stripe: FakeStripe, charge: str, amount: int) -> Callable[[ExecuteContext], dict[str, Any]]:
    def execute(ctx: ExecuteContext) -> dict[str, Any]:
        # Runs only on allow; the credential is the vault's lease for this call.
        credential = ctx["credential"]
        if credential is None:
            raise PermissionError("no credential leased")
        return stripe.create_refund(charge, amount, credential["value"])

    return execute


def report(label: str, out: GuardResult) -> None:
    d = out["decision"]
    sent = ", refund sent" if out["executed"] else ""
    print(f"  {label:<36} -> {d['decision']} ({d['reason_code']}){sent}")


def run_sync(gateway: DevGateway, charges: dict[str, str]) -> None:
    print("sync: ActPassClient")
    stripe = FakeStripe()

    def client(key: str) -> ActPassClient:
        return ActPassClient(
            api_key=gateway.keys[key], tenant_id=gateway.tenant_id, agent_id="support_agent",
            base_url=gateway.url,
        )  # fmt: skip

    with client("admin") as admin, client("approver") as approver, client("agent") as agent:
        admin.credentials.put("stripe_api_key", value=STRIPE_KEY, bound_tools=[TOOL])
        print(f"  admin stored credential stripe_api_key, bound to {TOOL}")

        def refund(charge: str, amount: int, **extra: Any) -> GuardResult:
            return agent.guard(
                **refund_action(charge, amount), **extra, execute_fn=execute_with(stripe, charge, amount)
            )

        small, medium, large = charges["small"], charges["medium"], charges["large"]
        small_passport = agent.issue_passport(**passport_scope(small, 4900))["token"]
        report(f"$49.00 on {small}", refund(small, 4900, passport=small_passport))

        held = refund(medium, 25000, passport=agent.issue_passport(**passport_scope(medium, 25000))["token"])
        report(f"$250.00 on {medium}", held)
        approval_id = held["decision"].get("approval_request_id")
        assert approval_id, "the $250 refund should be held for approval"
        approved = approver.approvals.approve(approval_id, note="customer is a regular")
        print(f"  approver: {approved['id']} -> {approved['status']}")
        report("$250.00 re-run with the approval", refund(medium, 25000, approval_request_id=approval_id))
        report("$250.00 re-run again", refund(medium, 25000, approval_request_id=approval_id))

        large_passport = agent.issue_passport(**passport_scope(large, 90000))["token"]
        report(f"$900.00 on {large}", refund(large, 90000, passport=large_passport))
        report(f"$49.00 on {small}, spent passport", refund(small, 4900, passport=small_passport))
    print(f"  Stripe received {len(stripe.refunds)} refund(s)")


async def run_async(gateway: DevGateway, charges: dict[str, str]) -> None:
    print("async: AsyncActPassClient")
    stripe = FakeStripe()

    def client(key: str) -> AsyncActPassClient:
        return AsyncActPassClient(
            api_key=gateway.keys[key], tenant_id=gateway.tenant_id, agent_id="support_agent",
            base_url=gateway.url,
        )  # fmt: skip

    async with client("approver") as approver, client("agent") as agent:

        async def refund(charge: str, amount: int, **extra: Any) -> GuardResult:
            if "approval_request_id" not in extra:
                extra["passport"] = (await agent.issue_passport(**passport_scope(charge, amount)))["token"]

            async def execute(ctx: ExecuteContext) -> dict[str, Any]:
                await asyncio.sleep(0)  # an async Stripe client would await its HTTP call here
                return execute_with(stripe, charge, amount)(ctx)

            return await agent.guard(**refund_action(charge, amount), **extra, execute_fn=execute)

        small, medium, large = charges["small"], charges["medium"], charges["large"]
        # The three refunds are independent, so the agent asks for all three decisions at once.
        outcomes = await asyncio.gather(refund(small, 4900), refund(medium, 25000), refund(large, 90000))
        labels = (f"$49.00 on {small}", f"$250.00 on {medium}", f"$900.00 on {large}")
        for label, out in zip(labels, outcomes):
            report(label, out)
        approval_id = outcomes[1]["decision"].get("approval_request_id")
        assert approval_id, "the $250 refund should be held for approval"
        approved = await approver.approvals.approve(approval_id)
        print(f"  approver: {approved['id']} -> {approved['status']}")
        rerun = await refund(medium, 25000, approval_request_id=approval_id)
        report("$250.00 re-run with the approval", rerun)
    print(f"  Stripe received {len(stripe.refunds)} refund(s)")


def main() -> None:
    with dev_gateway() as gateway:
        print(f"gateway: {gateway.url} (tenant {gateway.tenant_id})")
        run_sync(gateway, {"small": "ch_2001", "medium": "ch_2002", "large": "ch_2003"})
        asyncio.run(run_async(gateway, {"small": "ch_3001", "medium": "ch_3002", "large": "ch_3003"}))


if __name__ == "__main__":
    main()
