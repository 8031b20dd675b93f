"""Each public method: method, path, body and the checked result; preflight/verify never raise."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from _helpers import FakeGateway, MakeClient, approval_body, call, decision_body, error_response, event_body

import actpass

PREFLIGHT = "/api/v1/actions/preflight"
CLAIMS = {
    "iss": "actpass-gateway", "aud": "mcp://stripe", "tenant_id": "acme", "agent_id": "support_agent",
    "user_id": None, "goal": "g", "allowed_tools": ["stripe.refund.create"], "allowed_resources": [],
    "resource_constraints": {}, "risk_tier": "medium", "approval_hash": None, "iat": 1, "nbf": 1, "exp": 301,
    "jti": "ap_1",
}  # fmt: skip
TOOL = {"name": "billing/refund:create", "description": "Refund", "input_schema": {"type": "object"}}
CREDENTIAL = {
    "name": "stripe_key", "bound_tools": ["stripe.*"], "version": 1, "lease_ttl_seconds": 60,
    "created_at": "2026-11-23T18:00:00.000Z", "updated_at": "2026-11-23T18:00:00.000Z",
}  # fmt: skip
POLICY = {"id": "refunds", "version": 2, "rules": []}
POLICY_DOC = {"policy": POLICY, "hash": "d" * 64, "updated_at": "2026-11-23T18:00:00.000Z"}


async def test_preflight_sends_defaults_and_leaves_absent_fields_out(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    d = await call(make_client().preflight(goal="g", tool="t", resource=None, args={"amount": 1}))
    assert (d["decision"], d["reason_code"]) == ("allow", "refund.small_in_scope")
    assert gateway.bodies("POST", PREFLIGHT)[0] == {
        "goal": "g", "tool": "t", "args": {"amount": 1}, "mode": "enforce", "agent_id": "support_agent",
    }  # fmt: skip


async def test_preflight_passes_every_field(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    fields = {
        "goal": "g", "tool": "t", "resource": "r", "args": {}, "mode": "strict", "agent_id": "a2",
        "user_id": "u", "passport": "p.p.p", "approval_request_id": "apr_1", "tool_definition": TOOL,
        "tool_hash": "e" * 64, "context": {"source": "untrusted"},
    }  # fmt: skip
    await call(make_client().preflight(**fields))
    assert gateway.bodies("POST", PREFLIGHT)[0] == fields


async def test_preflight_with_an_unknown_mode_fails_closed_without_sending(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    d = await call(make_client().preflight(goal="g", tool="t", mode="observe"))
    assert (d["decision"], d["reason_code"], d["enforced"], d["mode"]) == (
        "deny", "client.misconfigured", True, "enforce",
    )  # fmt: skip
    assert gateway.requests == []


async def test_preflight_with_unserializable_args_fails_closed(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    d = await call(make_client().preflight(goal="g", tool="t", args={"when": object()}))
    assert d["reason_code"] == "client.misconfigured"
    assert gateway.requests == []


async def test_preflight_fails_closed_even_on_an_unexpected_bug(
    make_client: MakeClient, gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> None:
        raise KeyError("bug")

    monkeypatch.setattr("actpass._base_client.check_response", broken)
    gateway.on("POST", PREFLIGHT, decision_body())
    d = await call(make_client().preflight(goal="g", tool="t"))
    assert (d["decision"], d["reason_code"], d["source"]) == ("deny", "client.misconfigured", "client")


async def test_issue_verify_revoke_passport(make_client: MakeClient, gateway: FakeGateway) -> None:
    issued = {"token": "a.b.c", "jti": "ap_1", "expires_at": "2026-11-23T18:05:00.000Z", "claims": CLAIMS}
    gateway.on("POST", "/api/v1/passports", httpx.Response(201, json=issued))
    gateway.on("POST", "/api/v1/passports/verify", {"valid": True, "claims": CLAIMS})
    revoked = {"jti": "ap_1", "revoked": True, "reason": "done", "revoked_at": "2026-11-23T18:01:00.000Z"}
    gateway.on("POST", "/api/v1/passports/ap_1/revoke", revoked)
    client = make_client()
    passport = await call(
        client.issue_passport(
            audience="mcp://stripe",
            goal="g",
            allowed_tools=("stripe.refund.create",),
            resource_constraints={"max_amount": 10000},
            ttl_seconds=60,
        )
    )
    assert passport["jti"] == "ap_1"
    assert gateway.bodies("POST", "/api/v1/passports")[0] == {
        "audience": "mcp://stripe", "goal": "g", "allowed_tools": ["stripe.refund.create"],
        "resource_constraints": {"max_amount": 10000}, "ttl_seconds": 60, "agent_id": "support_agent",
    }  # fmt: skip
    verified = await call(client.verify_passport(token="a.b.c", audience="mcp://stripe"))
    assert verified["valid"] is True
    assert gateway.bodies("POST", "/api/v1/passports/verify")[0] == {
        "token": "a.b.c",
        "audience": "mcp://stripe",
    }
    assert (await call(client.revoke_passport("ap_1", "done")))["revoked"] is True
    assert gateway.bodies("POST", "/api/v1/passports/ap_1/revoke")[0] == {"reason": "done"}


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("reset", "client.unreachable"),
        ("timeout", "client.timeout"),
        ({"valid": "yes"}, "client.invalid_response"),
    ],
)
async def test_verify_passport_fails_closed(
    make_client: MakeClient, gateway: FakeGateway, reply: Any, reason: str
) -> None:
    gateway.on("POST", "/api/v1/passports/verify", reply)
    result = await call(make_client().verify_passport(token="a.b.c"))
    assert (result["valid"], result["reason_code"], result["source"]) == (False, reason, "client")


async def test_record_evidence(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("POST", "/api/v1/evidence", event_body(type="custom.note"))
    event = await call(make_client().record_evidence(type="custom.note", data={"k": "v"}))
    assert event["type"] == "custom.note" and event.request_id
    assert gateway.bodies("POST", "/api/v1/evidence")[0] == {"type": "custom.note", "data": {"k": "v"}}


async def test_approvals(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/api/v1/approvals", {"items": [approval_body()]})
    gateway.on("GET", "/api/v1/approvals/apr_1", approval_body())
    gateway.on("POST", "/api/v1/approvals/apr_1/approve", approval_body("approved"))
    gateway.on("POST", "/api/v1/approvals/apr_1/deny", approval_body("denied"))
    client = make_client()
    listed = await call(client.approvals.list(status="pending", limit=5))
    assert listed["items"][0]["id"] == "apr_1"
    assert dict(gateway.calls("GET", "/api/v1/approvals")[0].url.params) == {
        "status": "pending",
        "limit": "5",
    }
    assert (await call(client.approvals.get("apr_1")))["status"] == "pending"
    assert (await call(client.approvals.approve("apr_1", note="ok")))["status"] == "approved"
    assert gateway.bodies("POST", "/api/v1/approvals/apr_1/approve")[0] == {"note": "ok"}
    assert (await call(client.approvals.deny("apr_1")))["status"] == "denied"
    assert gateway.bodies("POST", "/api/v1/approvals/apr_1/deny")[0] == {}


async def test_wait_for_returns_the_decided_request(
    make_client: MakeClient, gateway: FakeGateway, sleeps: list[float]
) -> None:
    gateway.on("GET", "/api/v1/approvals/apr_1", approval_body(), approval_body(), approval_body("approved"))
    approval = await call(make_client().approvals.wait_for("apr_1", timeout_s=10, poll_interval_s=0.5))
    assert approval["status"] == "approved"
    assert sleeps == [0.5, 0.5]


async def test_ids_are_percent_encoded_into_one_path_segment(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    await call(make_client(max_retries=0).approvals.get("../tools")) if False else None
    gateway.on("GET", "/api/v1/approvals/..%2Ftools", approval_body())
    with pytest.raises(actpass.NotFoundError):
        await call(make_client(max_retries=0).approvals.get("../tools"))
    assert gateway.requests[0].url.raw_path == b"/api/v1/approvals/..%2Ftools"


async def test_tools(make_client: MakeClient, gateway: FakeGateway) -> None:
    approved = {
        "name": TOOL["name"],
        "hash": "f" * 64,
        "definition": TOOL,
        "approved_at": "2026-11-23T18:00:00Z",
    }
    gateway.on("PUT", "/api/v1/tools/billing/refund:create", approved)
    gateway.on("GET", "/api/v1/tools", {"items": [approved]})
    client = make_client()
    assert (await call(client.tools.approve(TOOL)))["hash"] == "f" * 64
    put = next(r for r in gateway.requests if r.method == "PUT")
    assert put.url.raw_path == b"/api/v1/tools/billing%2Frefund%3Acreate"
    assert "Idempotency-Key" not in put.headers
    assert (await call(client.tools.list()))["items"][0]["name"] == TOOL["name"]
    with pytest.raises(ValueError, match="name"):
        await call(client.tools.approve({"description": "x"}))


async def test_credentials(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("PUT", "/api/v1/credentials/stripe_key", CREDENTIAL)
    proxied = {**CREDENTIAL, "name": "proxy_key", "delivery": "proxy"}
    gateway.on("PUT", "/api/v1/credentials/proxy_key", proxied)
    gateway.on("GET", "/api/v1/credentials", {"items": [CREDENTIAL]})
    gateway.on("DELETE", "/api/v1/credentials/stripe_key", {"name": "stripe_key", "deleted": True})
    client = make_client()
    meta = await call(client.credentials.put("stripe_key", value="rk_SECRET", bound_tools=["stripe.*"]))
    assert meta["version"] == 1 and "value" not in meta
    assert gateway.bodies("PUT", "/api/v1/credentials/stripe_key")[0] == {
        "value": "rk_SECRET", "bound_tools": ["stripe.*"],
    }  # fmt: skip
    await call(client.credentials.put("proxy_key", value="rk_P", bound_tools=["p.*"], delivery="proxy"))
    assert gateway.bodies("PUT", "/api/v1/credentials/proxy_key")[0] == {
        "value": "rk_P", "bound_tools": ["p.*"], "delivery": "proxy",
    }  # fmt: skip
    assert (await call(client.credentials.list()))["items"][0]["name"] == "stripe_key"
    assert (await call(client.credentials.delete("stripe_key")))["deleted"] is True


async def test_evidence_and_policy(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/api/v1/evidence", {"events": [event_body(1)], "next_after_seq": None})
    gateway.on(
        "GET", "/api/v1/evidence/verify", {"ok": True, "count": 1, "head": {"seq": 1, "hash": "c" * 64}}
    )
    gateway.on("GET", "/api/v1/policy", POLICY_DOC)
    gateway.on("PUT", "/api/v1/policy", POLICY_DOC)
    client = make_client()
    page = await call(client.evidence.list(after_seq=0, limit=10))
    assert page["events"][0]["seq"] == 1
    assert dict(gateway.calls("GET", "/api/v1/evidence")[0].url.params) == {"after_seq": "0", "limit": "10"}
    assert (await call(client.evidence.verify()))["ok"] is True
    assert (await call(client.policy.get()))["policy"]["id"] == "refunds"
    assert (await call(client.policy.put(POLICY)))["hash"] == "d" * 64
    assert gateway.bodies("PUT", "/api/v1/policy")[0] == POLICY


async def test_jwks_needs_no_api_key(make_client: MakeClient, gateway: FakeGateway) -> None:
    jwks = {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "abc", "kid": "k1"}]}
    gateway.on("GET", "/.well-known/jwks.json", jwks)
    assert await call(make_client(api_key="").jwks()) == jwks
    assert "Authorization" not in gateway.requests[0].headers


async def test_api_errors_surface_request_ids(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/api/v1/policy", error_response(403, "auth.forbidden"))
    with pytest.raises(actpass.PermissionDeniedError) as caught:
        await call(make_client().policy.get())
    assert caught.value.request_id == "req_err_403"
    assert "auth.forbidden" in str(caught.value)
