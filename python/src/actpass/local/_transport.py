"""The local gateway as an httpx transport: the client builds requests exactly as for a served gateway,
and this transport answers them from ``LocalGateway.handle`` instead of a socket."""

from __future__ import annotations

import json
from typing import Any, Final

import httpx

from .._client import ActPassClient, AsyncActPassClient
from ._gateway import LocalGateway

LOCAL_BASE_URL: Final = "http://actpass.local"


def _answer(gateway: LocalGateway, request: httpx.Request, body: bytes) -> httpx.Response:
    headers = {name.lower(): value for name, value in request.headers.items()}
    query = dict(request.url.params.items())
    reply = gateway.handle(request.method, request.url.path, query, headers, body)
    content = json.dumps(reply.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return httpx.Response(
        reply.status,
        headers={"content-type": "application/json; charset=utf-8", "x-request-id": reply.request_id},
        content=content,
        request=request,
    )


class LocalTransport(httpx.BaseTransport):
    def __init__(self, gateway: LocalGateway) -> None:
        self.gateway = gateway

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.gateway, request, request.read())


class AsyncLocalTransport(httpx.AsyncBaseTransport):
    def __init__(self, gateway: LocalGateway) -> None:
        self.gateway = gateway

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.gateway, request, await request.aread())


def local_client(
    policy: Any = "refunds",
    *,
    gateway: LocalGateway | None = None,
    roles: str = "agent+approver+admin",
    **options: Any,
) -> ActPassClient:
    """An ``ActPassClient`` served in process by a ``LocalGateway`` (a new one with ``policy`` unless given).

    The key has ``roles`` (``agent``, ``approver``, ``admin`` or all three, the default), so one client
    can act, approve and read the ledger; ``options`` go to ``ActPassClient`` (``mode``, ``agent_id``, …).
    """
    served = gateway if gateway is not None else LocalGateway(policy)
    options.setdefault("base_url", LOCAL_BASE_URL)
    return ActPassClient(served.key(roles), transport=LocalTransport(served), **options)


def async_local_client(
    policy: Any = "refunds",
    *,
    gateway: LocalGateway | None = None,
    roles: str = "agent+approver+admin",
    **options: Any,
) -> AsyncActPassClient:
    """As :func:`local_client`, for ``AsyncActPassClient``."""
    served = gateway if gateway is not None else LocalGateway(policy)
    options.setdefault("base_url", LOCAL_BASE_URL)
    return AsyncActPassClient(served.key(roles), transport=AsyncLocalTransport(served), **options)
