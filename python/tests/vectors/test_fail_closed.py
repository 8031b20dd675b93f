"""Shared fail-closed matrix (``packages/contract/vectors/fail-closed/``): every case, both clients,
in ``enforce`` (execute runs only on a real allow) and ``monitor`` (execute always runs, exactly once)."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from _helpers import FAULTS, Sleeps, call, event_body
from _load import load_vectors  # pytest puts this folder on sys.path (no __init__.py)

import actpass

PREFLIGHT = "/api/v1/actions/preflight"
CASES = [
    pytest.param(case, id=f"{file}::{case['name']}")
    for file, data in load_vectors("fail-closed")
    for case in data["cases"]
]


def test_vectors_exist() -> None:
    assert CASES


# How each option is spelled in this language, for expect.next_step_names.
SPELLING = {"api_key": "api_key", "tenant_id": "tenant_id", "base_url": "base_url"}


class Clock:
    """The client's clock: real monotonic time plus every injected sleep and scripted attempt time."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


class ClockedSleeps(Sleeps):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        self.clock.offset += seconds


def body_bytes(step: dict[str, Any]) -> bytes:
    """The step's body padded with JSON whitespace to pad_to_bytes, gzip-compressed when asked."""
    body = step.get("body", "").encode()
    body += b" " * max(0, step.get("pad_to_bytes", 0) - len(body))
    return gzip.compress(body, compresslevel=6) if step.get("content_encoding") == "gzip" else body


class ScriptedGateway:
    """Answers preflight attempts from the case's script; outcome evidence is always accepted."""

    def __init__(self, responses: list[dict[str, Any]], clock: Clock) -> None:
        self.script = list(responses)
        self.attempts: list[httpx.Request] = []
        self.clock = clock

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != PREFLIGHT:
            return httpx.Response(201, json=event_body())
        self.attempts.append(request)
        assert self.script, "the client made more attempts than the case scripts"
        step = self.script.pop(0)
        if "fault" in step:
            raise FAULTS[step["fault"]](request)
        self.clock.offset += step.get("elapsed_ms", 0) / 1000
        headers = dict(step.get("headers", {}))
        if step.get("content_encoding"):
            headers["content-encoding"] = step["content_encoding"]
        return httpx.Response(step["status"], headers=headers, content=body_bytes(step))


@contextmanager
def hung_server(attempts: list[Any]) -> Iterator[str]:
    """A real loopback server that accepts and reads each request and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            head = conn.recv(65536).split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ", 2)
            fields = [tuple(part.strip() for part in line.split(":", 1)) for line in head[1:]]
            attempts.append(httpx.Request(method, f"http://127.0.0.1{target}", headers=fields))
            held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        listener.close()


@pytest.mark.parametrize("mode", ["enforce", "monitor"])
@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("case", CASES)
async def test_fail_closed_vector(
    case: dict[str, Any], kind: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACTPASS_API_KEY", raising=False)
    monkeypatch.delenv("ACTPASS_BASE_URL", raising=False)
    clock = Clock()
    gateway = ScriptedGateway(case["responses"], clock)
    sleeps = ClockedSleeps(clock)
    cls = actpass.ActPassClient if kind == "sync" else actpass.AsyncActPassClient
    options: dict[str, Any] = {}
    for vector_name, option in (
        ("max_response_bytes", "max_response_bytes"),
        ("deadline_ms", "deadline"),
        ("timeout_ms", "timeout"),
    ):
        if vector_name in case["client"]:
            value = case["client"][vector_name]
            options[option] = value / 1000 if vector_name.endswith("_ms") else value
    action: dict[str, Any] = {
        "goal": "resolve_refund_request",
        "tool": "stripe.refund.create",
        "args": {"amount": 4900, "currency": "usd"},
    }
    for omitted in case.get("action_omit", []):
        del action[omitted]
    executions: list[Any] = []
    hangs = any(step.get("fault") == "hang" for step in case["responses"])
    with hung_server(gateway.attempts) if hangs else _no_server() as real_url:
        base_url = case["client"].get("base_url")
        if "base_url_suffix" in case["client"]:
            base_url = "http://127.0.0.1:8787" + case["client"]["base_url_suffix"]
        client = cls(
            api_key=case["client"].get("api_key"),
            base_url=real_url or base_url,
            transport=None if real_url else httpx.MockTransport(gateway.handler),
            sleep=sleeps,
            random=lambda: case["random"],
            clock=clock,
            **options,
        )
        out = await call(
            client.guard(
                **action,
                mode=mode,
                execute_fn=lambda ctx: executions.append(ctx) or "refunded",
            )
        )

    expect = case["expect"]
    decision = out["decision"]
    assert decision["decision"] == expect["decision"]
    assert decision["reason_code"] == expect["reason_code"]
    assert decision["source"] == expect["source"]
    assert len(gateway.attempts) == expect["attempts"]
    assert [round(s * 1000) for s in sleeps] == expect["waits_ms"]
    if expect.get("same_idempotency_key") and gateway.attempts:
        keys = {r.headers.get("Idempotency-Key") for r in gateway.attempts}
        assert len(keys) == 1
        assert next(iter(keys)).startswith("idem_")
    if "request_id" in expect:
        # The id of the response (its x-request-id header), which a client-made decision also carries.
        assert decision.request_id == expect["request_id"]
        if decision["source"] == "client":
            assert decision["request_id"] == expect["request_id"]
    if "cause" in expect:
        cause = decision["cause"]
        assert {key: cause.get(key) for key in expect["cause"]} == expect["cause"]
        assert isinstance(cause["message"], str) and cause["message"]
        for optional in ("status", "code"):
            if optional not in expect["cause"]:
                assert optional not in cause
    if "next_step_names" in expect:
        name = SPELLING.get(expect["next_step_names"], expect["next_step_names"])
        assert name in " ".join(decision["explain"]["next_steps"])
    if decision["source"] == "client":
        assert decision["enforced"] is (mode != "monitor")
        assert decision["mode"] == mode
        assert decision["risk_tier"] == "high"
        assert decision["explain"]["summary"].startswith("No decision from ActPass: ")
        assert ("runs unchecked" if mode == "monitor" else "blocked (fail closed)") in decision["explain"][
            "summary"
        ]
        assert decision["would_decision" if mode == "monitor" else "decision"] == "deny"
    if mode == "enforce":
        assert out["executed"] is expect["executes_in_enforce"]
        assert len(executions) == (1 if expect["executes_in_enforce"] else 0)
    else:
        assert out["executed"] is True
        assert len(executions) == 1
    if out["executed"]:
        assert out["result"] == "refunded" and out["error"] is None
        assert executions[0]["decision"] is decision
    else:
        assert out["result"] is None


@contextmanager
def _no_server() -> Iterator[None]:
    yield None
