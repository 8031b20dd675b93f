"""client.suspensions (the kill switch), sync and async: method, path, body and the checked result."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest
from _helpers import FakeGateway, MakeClient, call

import actpass

SUS_ID = "sus_01J9Z8Q4M5N6P7R8S9T0V1W2X3"
SUSPENSION = {
    "id": SUS_ID, "scope": "tool", "match": "stripe.refund.*", "reason": "Upstream refund bug",
    "status": "active", "created_at": "2026-11-23T18:05:00.000Z", "created_by": "key_admin",
}  # fmt: skip
RESUMED = {
    **SUSPENSION,
    "status": "resumed",
    "resumed_at": "2026-11-23T18:20:00.000Z",
    "resumed_by": "key_admin",
}


async def test_suspend_list_get_resume(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/api/v1/suspensions", httpx.Response(201, json=SUSPENSION))
    gateway.on("GET", "/api/v1/suspensions", {"items": [SUSPENSION]})
    gateway.on("GET", f"/api/v1/suspensions/{SUS_ID}", SUSPENSION)
    gateway.on("DELETE", f"/api/v1/suspensions/{SUS_ID}", RESUMED)
    client = make_client()

    until = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc)
    created = await call(
        client.suspensions.create(
            scope="tool", match="stripe.refund.*", reason="Upstream refund bug", until=until
        )
    )
    assert created["status"] == "active"
    body = gateway.bodies("POST", "/api/v1/suspensions")[0]
    assert (
        body["scope"] == "tool"
        and body["match"] == "stripe.refund.*"
        and body["until"].startswith("2026-11-23T20:00")
    )

    await call(client.suspensions.create(scope="tenant", reason="incident"))
    assert gateway.bodies("POST", "/api/v1/suspensions")[1] == {"scope": "tenant", "reason": "incident"}

    listed = await call(client.suspensions.list(status="all", limit=5))
    assert [s["id"] for s in listed["items"]] == [SUS_ID]
    assert dict(gateway.calls("GET", "/api/v1/suspensions")[0].url.params) == {"status": "all", "limit": "5"}
    assert (await call(client.suspensions.get(SUS_ID)))["match"] == "stripe.refund.*"
    assert (await call(client.suspensions.resume(SUS_ID)))["status"] == "resumed"


async def test_hostile_id_stays_in_its_path_segment(make_client: MakeClient, gateway: FakeGateway) -> None:
    client = make_client()
    with pytest.raises(actpass.NotFoundError):
        await call(client.suspensions.resume("../credentials/stripe?x=1#"))
    assert gateway.requests[0].url.raw_path == b"/api/v1/suspensions/..%2Fcredentials%2Fstripe%3Fx%3D1%23"


async def test_a_response_that_is_not_a_suspension_is_refused(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("GET", f"/api/v1/suspensions/{SUS_ID}", {**SUSPENSION, "status": "paused"})
    with pytest.raises(actpass.InvalidResponseError):
        await call(make_client().suspensions.get(SUS_ID))
