"""The timeout bounds a whole attempt, not each read: a server that trickles its answer is cut off."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from actpass import ActPassClient, AsyncActPassClient

ACTION = {"goal": "resolve_refund_request", "tool": "stripe.refund.create", "args": {"amount": 4900}}
TIMEOUT_S = 0.5
TRICKLE_INTERVAL_S = 0.05  # far below the timeout, so no single read ever times out
HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4096\r\n\r\n"


@pytest.fixture
def trickling_server() -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(HEAD)
                try:
                    while not stop.is_set():
                        conn.sendall(b" ")
                        time.sleep(TRICKLE_INTERVAL_S)
                except OSError:
                    pass  # the client hung up, as it should

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    listener.close()


def test_sync_client_cuts_a_trickling_attempt_at_its_deadline(trickling_server: str) -> None:
    started = time.monotonic()
    with ActPassClient(api_key="k", base_url=trickling_server, timeout=TIMEOUT_S, max_retries=0) as client:
        decision = client.preflight(**ACTION)
    elapsed = time.monotonic() - started
    assert decision["reason_code"] == "client.timeout"
    assert decision["decision"] == "deny"
    # Not a speed assertion: without the deadline this attempt would last 4096 * 50 ms ≈ 200 s.
    assert elapsed < 30


async def test_async_client_cuts_a_trickling_attempt_at_its_deadline(trickling_server: str) -> None:
    started = time.monotonic()
    async with AsyncActPassClient(
        api_key="k", base_url=trickling_server, timeout=TIMEOUT_S, max_retries=0
    ) as client:
        decision = await client.preflight(**ACTION)
    elapsed = time.monotonic() - started
    assert decision["reason_code"] == "client.timeout"
    assert elapsed < 30
