"""guard(): the mode table, execute-at-most-once, outcome evidence, approvals."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import pytest
from _helpers import FakeGateway, MakeClient, approval_body, call, decision_body, error_response, event_body

from actpass._canonical import canonical_bytes

PREFLIGHT = "/api/v1/actions/preflight"
EVIDENCE = "/api/v1/evidence"
ACTION = {"goal": "resolve_refund_request", "tool": "stripe.refund.create", "args": {"amount": 4900}}


class Recorder:
    def __init__(self, result: Any = "refunded", error: Exception | None = None) -> None:
        self.calls: list[Any] = []
        self.result, self.error = result, error

    def __call__(self, ctx: Any) -> Any:
        self.calls.append(ctx)
        if self.error:
            raise self.error
        return self.result


@pytest.mark.parametrize(
    ("mode", "answer", "runs"),
    [
        ("enforce", "allow", True),
        ("enforce", "deny", False),
        ("enforce", "require_approval", False),
        ("enforce", "require_tool_reapproval", False),
        ("enforce", "warn", False),
        ("strict", "allow", True),
        ("strict", "deny", False),
        ("warn", "allow", True),
        ("warn", "warn", True),
        ("warn", "deny", False),
        ("monitor", "allow", True),
        ("monitor", "deny", True),
        ("monitor", "require_approval", True),
    ],
)
async def test_mode_table(
    make_client: MakeClient, gateway: FakeGateway, mode: str, answer: str, runs: bool
) -> None:
    gateway.on("POST", PREFLIGHT, decision_body(answer, "policy.rule", mode=mode))
    gateway.on("POST", EVIDENCE, event_body())
    execute = Recorder()
    out = await call(make_client().guard(**ACTION, mode=mode, execute_fn=execute))
    assert out["executed"] is runs
    assert len(execute.calls) == (1 if runs else 0)
    assert out["result"] == ("refunded" if runs else None)
    assert out["decision"]["decision"] == answer
    assert gateway.bodies("POST", PREFLIGHT)[0]["mode"] == mode


async def test_the_requested_mode_decides_not_the_response(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    # A response claiming monitor cannot talk an enforce call into running a denied action.
    gateway.on("POST", PREFLIGHT, decision_body("deny", "policy.rule", mode="monitor", enforced=False))
    execute = Recorder()
    out = await call(make_client().guard(**ACTION, execute_fn=execute))
    assert out["executed"] is False and execute.calls == []


async def test_client_mode_is_the_default(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("POST", PREFLIGHT, "connection_refused")
    execute = Recorder()
    out = await call(make_client(mode="monitor").guard(**ACTION, execute_fn=execute))
    assert out["executed"] is True
    assert out["decision"]["enforced"] is False and out["decision"]["source"] == "client"


async def test_outcome_evidence_records_a_digest_never_the_result(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    gateway.on("POST", EVIDENCE, event_body())
    result = {"refund": "re_123", "amount": 4900}
    client = make_client()
    out = await call(client.guard(**ACTION, execute_fn=Recorder(result)))
    assert out["result"] == result
    await call(client.flush())  # the record is sent in the background
    (recorded,) = gateway.bodies("POST", EVIDENCE)
    assert recorded["type"] == "action.outcome"
    data = recorded["data"]
    assert data["evidence_event_id"] == "ev_01TEST"
    assert data["tool"] == "stripe.refund.create"
    assert data["outcome"] == "ok"
    assert isinstance(data["duration_ms"], int) and data["duration_ms"] >= 0
    assert data["result_sha256"] == hashlib.sha256(canonical_bytes(result)).hexdigest()
    assert "re_123" not in gateway.calls("POST", EVIDENCE)[0].content.decode()


async def test_unserializable_result_has_no_digest(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    gateway.on("POST", EVIDENCE, event_body())
    client = make_client()
    out = await call(client.guard(**ACTION, execute_fn=Recorder(object())))
    assert out["executed"] is True
    await call(client.flush())
    assert gateway.bodies("POST", EVIDENCE)[0]["data"]["result_sha256"] is None


async def test_execute_error_is_returned_not_raised_and_never_retried(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    gateway.on("POST", EVIDENCE, event_body())
    boom = RuntimeError("stripe is down")
    execute = Recorder(error=boom)
    client = make_client()
    out = await call(client.guard(**ACTION, execute_fn=execute))
    assert out["error"] is boom and out["executed"] is True and out["result"] is None
    await call(client.flush())
    assert len(execute.calls) == 1
    data = gateway.bodies("POST", EVIDENCE)[0]["data"]
    assert data["outcome"] == "error" and data["result_sha256"] is None


async def test_record_outcome_false_records_nothing(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    await call(make_client().guard(**ACTION, execute_fn=Recorder(), record_outcome=False))
    assert gateway.calls("POST", EVIDENCE) == []


async def test_client_made_decisions_record_no_outcome(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("POST", PREFLIGHT, "reset")
    gateway.on("POST", EVIDENCE, event_body())
    out = await call(make_client().guard(**ACTION, mode="monitor", execute_fn=Recorder()))
    assert out["executed"] is True
    assert gateway.calls("POST", EVIDENCE) == []


async def test_failing_to_record_is_logged_only(
    make_client: MakeClient, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    gateway.on("POST", EVIDENCE, error_response(503, "server.unavailable"))
    with caplog.at_level(logging.WARNING, logger="actpass"):
        client = make_client()
        out = await call(client.guard(**ACTION, execute_fn=Recorder()))
        await call(client.flush())
    assert out["executed"] is True and out["error"] is None and out["result"] == "refunded"
    assert len(gateway.calls("POST", EVIDENCE)) == 3
    # Logged with the evidence id of the decision it belongs to.
    assert "outcome record dropped for evidence ev_01TEST" in caplog.text


async def test_credential_lease_reaches_execute(make_client: MakeClient, gateway: FakeGateway) -> None:
    lease = {"name": "stripe_key", "value": "rk_live_SECRET", "expires_at": "2026-11-23T18:01:00.000Z"}
    gateway.on("POST", PREFLIGHT, decision_body(credential=lease))
    gateway.on("POST", EVIDENCE, event_body())
    execute = Recorder()
    await call(make_client().guard(**ACTION, execute_fn=execute))
    ctx = execute.calls[0]
    assert ctx["credential"]["value"] == "rk_live_SECRET"
    assert ctx["decision"]["decision"] == "allow"
    assert "rk_live_SECRET" not in repr(ctx["decision"])


async def test_async_client_accepts_async_execute(gateway: FakeGateway) -> None:
    from _helpers import new_client

    gateway.on("POST", PREFLIGHT, decision_body())
    gateway.on("POST", EVIDENCE, event_body())
    runs = []

    async def execute(ctx: Any) -> str:
        await asyncio.sleep(0)
        runs.append(ctx)
        return "async-done"

    out = await new_client("async", gateway).guard(**ACTION, execute_fn=execute)
    assert out["result"] == "async-done" and len(runs) == 1


def test_sync_client_refuses_an_async_execute_without_running_it(gateway: FakeGateway) -> None:
    from _helpers import new_client

    gateway.on("POST", PREFLIGHT, decision_body())
    gateway.on("POST", EVIDENCE, event_body())
    ran = []

    async def execute(ctx: Any) -> None:
        ran.append(ctx)

    out = new_client("sync", gateway).guard(**ACTION, execute_fn=execute)
    assert isinstance(out["error"], TypeError) and ran == []


async def test_wait_for_approval_reruns_once_approved_without_the_spent_passport(
    make_client: MakeClient, gateway: FakeGateway, sleeps: list[float]
) -> None:
    held = decision_body("require_approval", "refund.medium_needs_approval", approval_request_id="apr_1")
    gateway.on("POST", PREFLIGHT, held, decision_body("allow", "approval.granted"))
    gateway.on("GET", "/api/v1/approvals/apr_1", approval_body("pending"), approval_body("approved"))
    gateway.on("POST", EVIDENCE, event_body())
    execute = Recorder()
    out = await call(
        make_client().guard(
            **ACTION, passport="eyJ.token.sig", execute_fn=execute, wait_for_approval={"timeout_s": 30}
        )
    )
    assert out["executed"] is True and out["decision"]["reason_code"] == "approval.granted"
    first, rerun = gateway.bodies("POST", PREFLIGHT)
    assert first["passport"] == "eyJ.token.sig" and "approval_request_id" not in first
    assert rerun["approval_request_id"] == "apr_1" and "passport" not in rerun
    assert sleeps == [1.0]


async def test_wait_for_approval_gives_up_at_the_deadline(
    make_client: MakeClient, gateway: FakeGateway, sleeps: list[float]
) -> None:
    held = decision_body("require_approval", "refund.medium_needs_approval", approval_request_id="apr_1")
    gateway.on("POST", PREFLIGHT, held)
    gateway.on("GET", "/api/v1/approvals/apr_1", approval_body("pending"))
    execute = Recorder()
    out = await call(make_client().guard(**ACTION, execute_fn=execute, wait_for_approval={"timeout_s": 2.5}))
    assert out["executed"] is False and out["decision"]["decision"] == "require_approval"
    assert sum(sleeps) == pytest.approx(2.5)
    assert len(gateway.calls("POST", PREFLIGHT)) == 1


async def test_denied_approval_gets_the_gateways_answer(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    held = decision_body("require_approval", "refund.medium_needs_approval", approval_request_id="apr_1")
    gateway.on("POST", PREFLIGHT, held, decision_body("deny", "approval.denied"))
    gateway.on("GET", "/api/v1/approvals/apr_1", approval_body("denied"))
    execute = Recorder()
    out = await call(make_client().guard(**ACTION, execute_fn=execute, wait_for_approval={"timeout_s": 5}))
    assert out["executed"] is False and out["decision"]["reason_code"] == "approval.denied"
    assert execute.calls == []


async def test_unknown_arguments_are_a_type_error(make_client: MakeClient) -> None:
    with pytest.raises(TypeError, match="amount"):
        await call(make_client().preflight(goal="g", tool="t", amount=5))


async def test_async_execute_on_the_sync_client_reports_not_executed(
    make_client: MakeClient, gateway: FakeGateway, kind: str
) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    gateway.on("POST", EVIDENCE, event_body())
    started: list[bool] = []

    async def execute(ctx: Any) -> str:
        started.append(True)
        return "refunded"

    out = await call(make_client().guard(**ACTION, execute_fn=execute))
    if kind == "sync":
        # The coroutine was never awaited, so nothing ran and nothing may claim it did.
        assert out["executed"] is False
        assert isinstance(out["error"], TypeError)
        assert gateway.calls("POST", EVIDENCE) == []
    else:
        assert out["executed"] is True
        assert out["result"] == "refunded"
    assert started == ([] if kind == "sync" else [True])
