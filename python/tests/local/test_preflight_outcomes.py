"""Outcome records carried on a preflight (``outcomes``) in the local gateway, as the served gateway takes
them: recorded as ``action.outcome`` events just before the new decision, each bound to a decision made
for the same key in the same tenant; one bad record refuses the whole request, naming it, with nothing
recorded and nothing decided."""

from __future__ import annotations

import json
from typing import Any

from actpass.local import LocalGateway

PREFLIGHT = "/api/v1/actions/preflight"


def _preflight(gateway: LocalGateway, key: str, outcomes: Any = None) -> tuple[int, Any]:
    body: dict[str, Any] = {
        "goal": "refund order 1042",
        "tool": "stripe.refund.create",
        "args": {"amount": 1200, "currency": "usd"},
    }
    if outcomes is not None:
        body["outcomes"] = outcomes
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    reply = gateway.handle("POST", PREFLIGHT, {}, headers, json.dumps(body).encode("utf-8"))
    return reply.status, reply.body


def _outcome(event_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "via": "proxy",
        "tool": "stripe.refund.create",
        "decision_event_id": event_id,
        "status": 200,
        **extra,
    }


def test_outcomes_are_recorded_before_the_new_decision() -> None:
    gateway = LocalGateway("refunds")
    key = gateway.key("agent")
    first = _preflight(gateway, key)[1]["evidence_event_id"]
    second = _preflight(gateway, key)[1]["evidence_event_id"]
    sent = [_outcome(first), _outcome(second, status=None, error="timeout")]
    status, answer = _preflight(gateway, key, sent)
    assert status == 200 and answer["decision"] == "allow"
    tail = gateway.ledger.events("acme")[-3:]
    assert [event["type"] for event in tail] == ["action.outcome", "action.outcome", "decision"]
    assert tail[2]["id"] == answer["evidence_event_id"]
    for event, data in zip(tail[:2], sent):
        recorded = dict(event["data"])
        assert recorded.pop("written_by") == tail[2]["data"]["written_by"]
        assert recorded == data


def test_a_bad_record_refuses_the_whole_batch_naming_it() -> None:
    gateway = LocalGateway("refunds", tenants=("acme", "globex"))
    key = gateway.key("agent")
    second_key = gateway.add_key("acme", ["agent"])
    mine = _preflight(gateway, key)[1]["evidence_event_id"]
    theirs = _preflight(gateway, second_key)[1]["evidence_event_id"]
    foreign = _preflight(gateway, gateway.key("agent", "globex"))[1]["evidence_event_id"]
    not_a_decision = next(e["id"] for e in gateway.ledger.events("acme") if e["type"] != "decision")
    cases: list[tuple[Any, str]] = [
        ([_outcome(mine), _outcome(theirs)], "body.outcomes[1].decision_event_id"),
        ([_outcome(foreign)], "body.outcomes[0].decision_event_id"),
        ([_outcome(mine), _outcome("ev_01NOSUCHDECISION0000000000")], "body.outcomes[1].decision_event_id"),
        ([_outcome(mine), _outcome(mine)], "body.outcomes[1].decision_event_id"),
        ([_outcome(not_a_decision)], "body.outcomes[0].decision_event_id"),
        (
            [_outcome(mine, written_by={"key_id": "forged", "roles": ["gateway"]})],
            "body.outcomes[0].written_by",
        ),
        ([_outcome(mine, credential={"name": "k", "value": "sk_live_NEVER"})], "body.outcomes[0]"),
        ([{"tool": "x"}], "body.outcomes[0].decision_event_id"),
        ([_outcome("../../etc/passwd")], "body.outcomes[0].decision_event_id"),
        # The SDKs' spelling beside it may not point somewhere else (a reader could follow either).
        ([_outcome(mine, evidence_event_id=theirs)], "body.outcomes[0].evidence_event_id"),
        ([_outcome(mine)] * 17, "body.outcomes"),
        ("not a list", "body.outcomes"),
    ]
    before = gateway.ledger.events("acme")
    for outcomes, field in cases:
        status, answer = _preflight(gateway, key, outcomes)
        assert status == 400, field
        assert answer["error"]["code"] == "request.invalid"
        assert answer["error"]["message"].startswith(field + ":"), answer["error"]["message"]
        assert "sk_live_NEVER" not in answer["error"]["message"]
    assert gateway.ledger.events("acme") == before
