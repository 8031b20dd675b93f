"""Test helpers: a scripted fake gateway behind ``httpx.MockTransport``, canned bodies, client factories."""

from __future__ import annotations

import inspect
import json
from typing import Any, Callable

import httpx

import actpass

API_KEY = "sk_test_SECRET_KEY_do_not_log_0123456789"

FAULTS: dict[str, Callable[[httpx.Request], Exception]] = {
    "connection_refused": lambda r: httpx.ConnectError("[Errno 111] Connection refused", request=r),
    "reset": lambda r: httpx.ReadError("[Errno 104] Connection reset by peer", request=r),
    "timeout": lambda r: httpx.ReadTimeout("timed out", request=r),
    "connect_timeout": lambda r: httpx.ConnectTimeout("timed out", request=r),
    "dns": lambda r: httpx.ConnectError("[Errno -2] Name or service not known", request=r),
}


def decision_body(
    decision: str = "allow", reason_code: str = "refund.small_in_scope", **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "decision": decision,
        "reason_code": reason_code,
        "risk_tier": "low",
        "mode": "enforce",
        "enforced": True,
        "source": "gateway",
        "explain": {"summary": "ok", "matched_rules": ["refund-small"], "next_steps": []},
        "evidence_event_id": "ev_01TEST",
        "action_hash": "a" * 64,
        "policy": {"id": "refunds", "version": 1, "hash": "b" * 64},
        "request_id": "req_decision",
        "decided_at": "2026-11-23T18:00:00.000Z",
    }
    body.update(extra)
    return body


def event_body(
    seq: int = 2, type: str = "action.outcome", data: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "v": 1,
        "seq": seq,
        "id": f"ev_{seq}",
        "tenant_id": "acme",
        "type": type,
        "at": "2026-11-23T18:00:00.000Z",
        "data": data or {},
        "prev_hash": "0" * 64,
        "hash": "c" * 64,
    }


def approval_body(status: str = "pending", approval_id: str = "apr_1") -> dict[str, Any]:
    return {
        "id": approval_id,
        "status": status,
        "action": {
            "tenant_id": "acme",
            "agent_id": "support_agent",
            "user_id": None,
            "goal": "g",
            "tool": "stripe.refund.create",
            "resource": None,
            "args": {"amount": 20000},
        },
        "action_hash": "a" * 64,
        "reason_code": "refund.medium_needs_approval",
        "created_at": "2026-11-23T18:00:00.000Z",
        "expires_at": "2026-11-24T18:00:00.000Z",
    }


Reply = Any  # a fault name (str), an httpx.Response, or a JSON-able dict answered with 200


class FakeGateway:
    """Answers each (METHOD, path) from its own queue; the last reply of a queue repeats."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.requests: list[httpx.Request] = []

    def on(self, method: str, path: str, *replies: Reply) -> FakeGateway:
        self.routes[(method, path)] = list(replies)
        return self

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]

    def bodies(self, method: str, path: str) -> list[Any]:
        return [json.loads(r.content) for r in self.calls(method, path)]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get((request.method, request.url.path))
        if not queue:
            return httpx.Response(
                404,
                json={"error": {"code": "request.not_found", "message": "no route", "request_id": "req_404"}},
            )
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, str):
            raise FAULTS[reply](request)
        if isinstance(reply, httpx.Response):
            return reply
        status = 201 if request.method == "POST" and request.url.path.endswith("/evidence") else 200
        return httpx.Response(status, json=reply, headers={"x-request-id": f"req_{len(self.requests)}"})


def error_response(status: int, code: str, *, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"error": {"code": code, "message": f"{code} happened", "request_id": f"req_err_{status}"}}
    return httpx.Response(status, json=body, headers={"x-request-id": f"req_err_{status}", **(headers or {})})


class Sleeps(list):  # type: ignore[type-arg]
    """Records requested sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def new_client(kind: str, gateway: FakeGateway, sleeps: Sleeps | None = None, **options: Any) -> Any:
    options.setdefault("api_key", API_KEY)
    options.setdefault("tenant_id", "acme")
    options.setdefault("agent_id", "support_agent")
    options.setdefault("sleep", sleeps if sleeps is not None else Sleeps())
    options.setdefault("random", lambda: 0.0)
    cls = actpass.ActPassClient if kind == "sync" else actpass.AsyncActPassClient
    return cls(transport=httpx.MockTransport(gateway.handler), **options)


async def call(value: Any) -> Any:
    """Await the result of an async client call; pass a sync one through."""
    return await value if inspect.isawaitable(value) else value


MakeClient = Callable[..., Any]
