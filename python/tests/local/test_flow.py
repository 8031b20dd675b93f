"""Flow control in the local gateway, as the served gateway does it: sessions named in
``context.session.id`` carry the labels of their allowed calls (the gateway's own classification of
tools), the packs' trifecta rule holds external communication after private and untrusted reads and
names them, every label change is a ``session.labeled`` event, and labels a caller sends are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from actpass import ActPassClient
from actpass.local import LocalGateway
from actpass.local._packs import PACK_NAMES, load_pack, pack_source

CLASSIFY = {
    "crm.contacts.read": ["private_data"],
    "web.page.fetch": ["untrusted_content"],
    "email.send": ["external_comm"],
}
TRIFECTA = next(rule for rule in pack_source("outbound-email")["rules"] if rule["id"] == "flow-trifecta")
POLICY = {
    "id": "flow-test",
    "version": 1,
    "default": {"decision": "deny", "reason": "policy.no_match", "risk_tier": "high"},
    "rules": [
        TRIFECTA,
        {
            "id": "allow-all",
            "when": [{"path": "tool", "operator": "glob", "value": "**"}],
            "decision": "allow",
            "reason": "test.allowed",
            "risk_tier": "low",
        },
    ],
}


@pytest.fixture
def gateway() -> LocalGateway:
    return LocalGateway(POLICY, flow_tools=CLASSIFY)


@pytest.fixture
def client(gateway: LocalGateway) -> ActPassClient:
    return gateway.client()


def call(client: ActPassClient, tool: str, session: str | None = None, **extra: Any) -> Any:
    context = {"session": {"id": session}} if session else None
    return client.preflight(goal="help", tool=tool, **({"context": context} if context else {}), **extra)


def test_every_pack_ships_the_trifecta_rule_and_loads() -> None:
    for name in PACK_NAMES:
        assert any(rule["id"] == "flow-trifecta" for rule in pack_source(name)["rules"]), name
        load_pack(name)


def test_send_after_private_and_untrusted_reads_is_held_naming_the_reads(
    client: ActPassClient, gateway: LocalGateway
) -> None:
    read = call(client, "crm.contacts.read", "s-1", args={"id": "customer-argument-7"})
    assert call(client, "email.send", "s-1")["decision"] == "allow"
    fetched = call(client, "web.page.fetch", "s-1")
    held = call(client, "email.send", "s-1")
    assert (held["decision"], held["reason_code"], held["risk_tier"]) == (
        "require_approval",
        "flow.trifecta",
        "high",
    )
    assert f"private_data from crm.contacts.read ({read['evidence_event_id']})" in held["explain"]["summary"]
    assert (
        f"untrusted_content from web.page.fetch ({fetched['evidence_event_id']})"
        in held["explain"]["summary"]
    )
    assert call(client, "email.send", "s-2")["decision"] == "allow"
    labeled = [e for e in gateway.ledger.events("acme") if e["type"] == "session.labeled"]
    assert [(e["data"]["session_id"], e["data"]["label"]) for e in labeled] == [
        ("s-1", "private_data"),
        ("s-1", "external_comm"),
        ("s-1", "untrusted_content"),
        ("s-2", "external_comm"),
    ]
    assert "customer-argument-7" not in str(labeled)


@pytest.mark.parametrize(
    ("session", "field"),
    [
        ({"id": "s", "labels": []}, "context.session.labels"),
        ({"id": "s", "call_labels": []}, "context.session.call_labels"),
        ({"id": "s", "categories": ["private_data"]}, "context.session.categories"),
        ({"id": "a b\n"}, "context.session.id"),
        ("s-1", "context.session"),
    ],
)
def test_labels_and_bad_sessions_from_the_caller_are_refused(
    gateway: LocalGateway, session: Any, field: str
) -> None:
    body = json.dumps({"goal": "help", "tool": "email.send", "context": {"session": session}})
    headers = {"authorization": f"Bearer {gateway.key('agent')}", "content-type": "application/json"}
    answer = gateway.handle("POST", "/api/v1/actions/preflight", {}, headers, body.encode())
    assert answer.status == 400
    assert answer.body["error"]["code"] == "request.invalid"
    assert f"body.{field}" in answer.body["error"]["message"]
    assert not [e for e in gateway.ledger.events("acme") if e["type"] == "decision"]
