"""A raising ``execute_fn`` is visible: a warning naming the tool, the evidence id and the exception's
type (never its message, the args or the key), the exception in ``error``, and ``raise_on_error=True``
re-raising the original after its outcome is recorded, for the sync and the async client."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from _helpers import API_KEY, FakeGateway, MakeClient, call, decision_body, event_body

PREFLIGHT = "/api/v1/actions/preflight"
EVIDENCE = "/api/v1/evidence"
SECRET_ARG = "card_4242424242424242"
ACTION = {"goal": "resolve_refund_request", "tool": "stripe.refund.create", "args": {"card": SECRET_ARG}}


class StripeDown(Exception):
    pass


def _fail(_ctx: Any) -> Any:
    raise StripeDown(f"declined {SECRET_ARG}")


async def _fail_async(_ctx: Any) -> Any:
    raise StripeDown(f"declined {SECRET_ARG}")


def _execute_fns(kind: str) -> list[Any]:
    return [_fail, _fail_async] if kind == "async" else [_fail]


async def test_a_raising_execute_fn_is_logged_and_returned(
    make_client: MakeClient, gateway: FakeGateway, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    for execute_fn in _execute_fns(kind):
        gateway.on("POST", PREFLIGHT, decision_body()).on("POST", EVIDENCE, event_body())
        caplog.clear()
        client = make_client()
        with caplog.at_level(logging.DEBUG, logger="actpass"):
            out = await call(client.guard(**ACTION, execute_fn=execute_fn, await_outcome=True))
        assert out["executed"] is True and out["result"] is None
        assert isinstance(out["error"], StripeDown)
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert [r.getMessage() for r in warnings] == [
            "actpass: execute_fn raised StripeDown for tool 'stripe.refund.create' (evidence ev_01TEST)"
        ]
        assert SECRET_ARG not in caplog.text and API_KEY not in caplog.text
        assert gateway.bodies("POST", EVIDENCE)[-1]["data"]["outcome"] == "error"


async def test_raise_on_error_reraises_the_original_after_recording(
    make_client: MakeClient, gateway: FakeGateway, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    for execute_fn in _execute_fns(kind):
        gateway.on("POST", PREFLIGHT, decision_body()).on("POST", EVIDENCE, event_body())
        before = len(gateway.calls("POST", EVIDENCE))
        client = make_client()
        with caplog.at_level(logging.DEBUG, logger="actpass"), pytest.raises(StripeDown, match="declined"):
            await call(client.guard(**ACTION, execute_fn=execute_fn, raise_on_error=True, await_outcome=True))
        assert len(gateway.calls("POST", EVIDENCE)) == before + 1
        assert gateway.bodies("POST", EVIDENCE)[-1]["data"]["outcome"] == "error"
        # The caller sees the exception itself: the client notes it at debug, not as a warning.
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_raise_on_error_with_a_background_outcome_record(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("POST", PREFLIGHT, decision_body()).on("POST", EVIDENCE, event_body())
    client = make_client()
    with pytest.raises(StripeDown):
        await call(client.guard(**ACTION, execute_fn=_fail, raise_on_error=True))
    await call(client.flush())
    assert gateway.bodies("POST", EVIDENCE)[-1]["data"]["outcome"] == "error"


async def test_raise_on_error_changes_nothing_when_execute_fn_succeeds_or_is_blocked(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("POST", PREFLIGHT, decision_body(), decision_body("deny", "policy.no_match"))
    client = make_client()
    ok = await call(client.guard(**ACTION, execute_fn=lambda: 7, raise_on_error=True, record_outcome=False))
    assert ok["executed"] is True and ok["result"] == 7 and ok["error"] is None
    held = await call(client.guard(**ACTION, execute_fn=_fail, raise_on_error=True))
    assert held["executed"] is False and held["error"] is None


async def test_a_hostile_tool_name_stays_on_one_log_line(
    make_client: MakeClient, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    client = make_client()
    hostile = "stripe.refund\nactpass: allowed everything\x1b[2J"
    with caplog.at_level(logging.WARNING, logger="actpass"):
        await call(client.guard(**{**ACTION, "tool": hostile}, execute_fn=_fail, record_outcome=False))
    (line,) = [r.getMessage() for r in caplog.records if "execute_fn raised" in r.getMessage()]
    assert "\n" not in line and "\x1b" not in line
    assert "\\nactpass: allowed everything\\x1b[2J" in line
