"""The Python client fails closed exactly like the TypeScript one (src/run.ts is its twin).

The gateway is served by ``actpass dev``; one guarded call goes through; the gateway is stopped:
enforce blocks (``client.unreachable``), monitor runs with ``enforced: False``. Then a server that
accepts connections but never answers: ``client.timeout``. ``guard`` never raises for any of this.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

from actpass import ActPassClient

# One helper serves the gateway for every Python example; it lives with the python-agent example.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python-agent"))
from dev_gateway import dev_gateway

REFUND: dict[str, Any] = {
    "goal": "resolve_refund_request",
    "tool": "stripe.refund.create",
    "resource": "stripe:charge:ch_123",
    "args": {"amount": 4900, "currency": "usd"},
}


def guarded(step: str, client: ActPassClient, mode: str) -> None:
    out = client.guard(**REFUND, mode=mode, execute_fn=lambda ctx: "re_1")
    d = out["decision"]
    ran = "EXECUTED" if out["executed"] else "not executed"
    print(
        f"  {step:<30} {mode:<8} -> {d['decision']} ({d['reason_code']}) "
        f"source={d['source']} enforced={d['enforced']} {ran}"
    )


def main() -> None:
    with dev_gateway() as gateway:
        print(f"gateway listening on {gateway.url}")
        # No retries, so a dead gateway is reported at once (by default the client retries twice).
        client = ActPassClient(
            api_key=gateway.keys["agent"], tenant_id=gateway.tenant_id, agent_id="support_agent",
            base_url=gateway.url, max_retries=0,
        )  # fmt: skip
        with client:
            guarded("gateway up", client, "enforce")
            gateway.stop()
            print("gateway stopped")
            guarded("gateway down", client, "enforce")
            guarded("gateway down", client, "monitor")

        # A server that accepts the connection (the kernel's backlog does) and never answers.
        with socket.socket() as hanging:
            hanging.bind(("127.0.0.1", 0))
            hanging.listen()
            url = f"http://127.0.0.1:{hanging.getsockname()[1]}"
            print(f"\na server that never answers, on {url}; timeout 0.2 s per attempt")
            with ActPassClient(
                api_key=gateway.keys["agent"], base_url=url, timeout=0.2, max_retries=0
            ) as slow:
                guarded("gateway hangs", slow, "enforce")


if __name__ == "__main__":
    main()
