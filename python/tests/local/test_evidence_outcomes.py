"""``POST /evidence`` with ``type: "action.outcome"`` in the local gateway, as the served gateway takes
it: the record names, in ``decision_event_id`` or ``evidence_event_id``, a ``decision`` event of this
tenant written for the calling key. Another key's or tenant's decision, an invented id and an event that
is not a decision get one and the same 400, naming the field; nothing refused is recorded."""

from __future__ import annotations

import json
from typing import Any

from actpass.local import LocalGateway

PREFLIGHT = "/api/v1/actions/preflight"
EVIDENCE = "/api/v1/evidence"
NO_DECISION = "names no decision made for this key"
FIX = "send the evidence_event_id of a decision this key was given"


def _post(gateway: LocalGateway, key: str, path: str, body: Any) -> tuple[int, Any]:
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    reply = gateway.handle("POST", path, {}, headers, json.dumps(body).encode("utf-8"))
    return reply.status, reply.body


def _decide(gateway: LocalGateway, key: str) -> str:
    body = {"goal": "refund order 1042", "tool": "stripe.refund.create", "args": {"amount": 1200}}
    status, answer = _post(gateway, key, PREFLIGHT, body)
    assert status == 200
    return str(answer["evidence_event_id"])


def _record(gateway: LocalGateway, key: str, data: dict[str, Any]) -> tuple[int, Any]:
    return _post(gateway, key, EVIDENCE, {"type": "action.outcome", "data": data})


def _outcome(field: str, event_id: Any) -> dict[str, Any]:
    return {field: event_id, "tool": "stripe.refund.create", "outcome": "ok"}


def _outcomes(gateway: LocalGateway) -> list[dict[str, Any]]:
    return [e for e in gateway.ledger.events("acme") if e["type"] == "action.outcome"]


def test_an_outcome_naming_a_decision_of_this_key_is_recorded_in_either_spelling() -> None:
    gateway = LocalGateway("refunds")
    key = gateway.key("agent")
    ids = [_decide(gateway, key) for _ in range(3)]
    sent = [
        _outcome("decision_event_id", ids[0]),  # the proxies
        _outcome("evidence_event_id", ids[1]),  # the SDKs' guard()
        {"decision_event_id": ids[2], "evidence_event_id": ids[2]},
    ]
    for data in sent:
        status, event = _record(gateway, key, data)
        assert status == 201, event
        assert event["data"]["written_by"]["roles"] == ["agent"]
    recorded = [{k: v for k, v in e["data"].items() if k != "written_by"} for e in _outcomes(gateway)]
    assert recorded == sent


def test_another_keys_another_tenants_an_invented_and_a_non_decision_get_one_answer() -> None:
    gateway = LocalGateway("refunds", tenants=("acme", "globex"))
    key = gateway.key("agent")
    mine = _decide(gateway, key)
    theirs = _decide(gateway, gateway.add_key("acme", ["agent"]))
    foreign = _decide(gateway, gateway.key("agent", "globex"))
    note = _post(gateway, key, EVIDENCE, {"type": "app.note", "data": {}})[1]["id"]
    own_outcome = _record(gateway, key, _outcome("decision_event_id", mine))[1]["id"]
    before = gateway.ledger.events("acme")
    for field in ("decision_event_id", "evidence_event_id"):
        for event_id in (theirs, foreign, "ev_01NOSUCHDECISION0000000000", note, own_outcome):
            status, answer = _record(gateway, key, _outcome(field, event_id))
            assert status == 400, (field, event_id)
            assert answer["error"]["code"] == "request.invalid"
            assert answer["error"]["message"] == f"body.data.{field}: {NO_DECISION}; {FIX}."
            assert answer["error"]["details"] == [{"path": f"body.data.{field}", "message": NO_DECISION}]
    assert gateway.ledger.events("acme") == before


def test_no_decision_two_decisions_and_hostile_or_non_string_ids_are_refused_unechoed() -> None:
    gateway = LocalGateway("refunds")
    key = gateway.key("agent")
    mine = _decide(gateway, key)
    other = _decide(gateway, key)
    hostile = [
        "ev_x' OR '1'='1",
        "../../etc/passwd",
        "ev_" + "A" * 5000,
        "<script>x</script>",
        "ev_\x00\r\nX: 1",
    ]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"tool": "stripe.refund.create"}, "body.data.decision_event_id"),
        ({"decision_event_id": mine, "evidence_event_id": other}, "body.data.evidence_event_id"),
        ({"decision_event_id": None, "evidence_event_id": None}, "body.data.evidence_event_id"),
        (_outcome("decision_event_id", None), "body.data.decision_event_id"),
        (_outcome("evidence_event_id", 42), "body.data.evidence_event_id"),
        (_outcome("decision_event_id", [mine]), "body.data.decision_event_id"),
        *((_outcome("decision_event_id", h), "body.data.decision_event_id") for h in hostile),
    ]
    before = gateway.ledger.events("acme")
    for data, path in cases:
        status, answer = _record(gateway, key, data)
        assert status == 400, path
        assert answer["error"]["message"].startswith(path + ": ")
        assert answer["error"]["details"][0]["path"] == path
        for h in hostile:
            assert h[:20] not in json.dumps(answer), h
    assert gateway.ledger.events("acme") == before


def test_a_second_outcome_for_a_decision_from_a_later_request_is_recorded() -> None:
    gateway = LocalGateway("refunds")
    key = gateway.key("agent")
    mine = _decide(gateway, key)
    assert _record(gateway, key, _outcome("decision_event_id", mine))[0] == 201
    assert _record(gateway, key, _outcome("decision_event_id", mine))[0] == 201
    assert [e["data"]["decision_event_id"] for e in _outcomes(gateway)] == [mine, mine]


def test_the_sdks_guard_records_its_outcome_through_the_local_gateway() -> None:
    gateway = LocalGateway("refunds")
    client = gateway.client("agent")
    ran: list[int] = []
    result = client.guard(
        goal="refund order 1042",
        tool="stripe.refund.create",
        args={"amount": 1200, "currency": "usd"},
        execute_fn=lambda: ran.append(1) or "refunded",
        await_outcome=True,
    )
    assert ran == [1] and result["executed"]
    recorded = _outcomes(gateway)
    assert [e["data"]["evidence_event_id"] for e in recorded] == [result["decision"]["evidence_event_id"]]
    assert recorded[0]["data"]["outcome"] == "ok"
