"""Webhooks against the real gateway on loopback, with both clients: an admin points an endpoint at a
real HTTP receiver in this process, a blocked decision arrives signed and verifies, the delivery log
shows it, and a retry sends it again with the same ``webhook-id``. The generated secret is returned
once and never again."""

from __future__ import annotations

import inspect
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

import actpass


async def call(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        type(self).received.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    handler = type("Receiver", (_Receiver,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/actpass", handler.received
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _wait_for(received: list[Any], count: int) -> None:
    deadline = time.monotonic() + 15
    while len(received) < count:
        assert time.monotonic() < deadline, f"the receiver got {len(received)} of {count} deliveries"
        time.sleep(0.02)


async def test_a_blocked_decision_arrives_signed_and_can_be_retried(
    live_gateway: dict[str, Any], kind: str, receiver: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, received = receiver
    cls = actpass.ActPassClient if kind == "sync" else actpass.AsyncActPassClient
    make = lambda role: cls(  # noqa: E731
        api_key=live_gateway["keys"][role], tenant_id=live_gateway["tenant_id"], base_url=live_gateway["url"]
    )
    admin, agent = make("admin"), make("agent")
    webhook_id = f"py-{kind}-{uuid.uuid4().hex[:8]}"
    created = await call(admin.webhooks.put(webhook_id, url=url, events=["decision.blocked"]))
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert created["url"] == url.rsplit("/", 1)[0] + "/…"

    decision = await call(
        agent.preflight(goal="resolve_refund_request", tool="stripe.refund.create", args={"amount": 90000})
    )
    assert decision["decision"] == "deny"
    # Every test's endpoint receives every blocked decision of the tenant: look for this one.
    _wait_for(received, 1)
    event = actpass.webhooks.verify(received[-1][1], received[-1][0], secret)
    assert event["type"] == "decision.blocked"
    assert event["data"]["decision"]["request_id"] == decision["request_id"]
    with pytest.raises(actpass.WebhookVerificationError) as wrong:
        admin.webhooks.verify(received[-1][1], received[-1][0], "whsec_" + "A" * 32)
    assert wrong.value.code == "invalid_signature"

    log = await call(admin.webhooks.deliveries(webhook_id=webhook_id, status="delivered"))
    delivery = next(item for item in log["items"] if item["event_id"] == event["id"])
    assert (delivery["attempts"], delivery["last_status"]) == (1, 204)
    retried = await call(admin.webhooks.retry(delivery["id"]))
    assert retried["status"] == "pending"
    _wait_for(received, 2)
    assert received[-1][0]["webhook-id"] == event["id"]

    listed = await call(admin.webhooks.list())
    assert secret not in repr(listed)
    assert "secret" not in await call(admin.webhooks.get(webhook_id))
    assert (await call(admin.webhooks.delete(webhook_id)))["deleted"] is True
    with pytest.raises(actpass.NotFoundError):
        await call(admin.webhooks.get(webhook_id))
