"""``guard()`` checks ``execute_fn`` before deciding: zero- and one-argument callables (sync and async)
run; anything else is a ``client.misconfigured`` decision and the gateway is never called."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from _helpers import FakeGateway, call, decision_body, new_client

PREFLIGHT = "/api/v1/actions/preflight"
ACTION: dict[str, Any] = {
    "goal": "resolve_refund_request",
    "tool": "stripe.refund.create",
    "args": {"amount": 1},
}


def gateway() -> FakeGateway:
    return FakeGateway().on("POST", PREFLIGHT, decision_body()).on("POST", "/api/v1/evidence", {})


class Refunder:
    def __call__(self, ctx: Any) -> str:
        return f"method:{ctx['decision']['decision']}"


async def _async_zero() -> str:
    return "async-zero"


async def _async_one(ctx: Any) -> str:
    return f"async-one:{ctx['decision']['decision']}"


def _two(ctx: Any, extra: Any) -> str:
    return "never"


def _keyword_only(*, ctx: Any) -> str:
    return "never"


def _optional(ctx: Any = None) -> str:
    return f"optional:{ctx is not None}"


SYNC_OK = [
    pytest.param(lambda: "zero", "zero", id="zero-arg lambda"),
    pytest.param(lambda ctx: f"one:{ctx['decision']['decision']}", "one:allow", id="one-arg lambda"),
    pytest.param(Refunder(), "method:allow", id="callable object"),
    pytest.param(_optional, "optional:True", id="optional argument"),
    pytest.param(lambda *args: len(args), 1, id="varargs"),
    pytest.param(functools.partial(_two, extra=1), "never", id="partial leaving one"),
]


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(("fn", "expected"), SYNC_OK)
async def test_zero_and_one_argument_functions_run(kind: str, fn: Any, expected: Any) -> None:
    gw = gateway()
    out = await call(new_client(kind, gw).guard(**ACTION, execute_fn=fn))
    assert (out["executed"], out["error"]) == (True, None)
    assert out["result"] == expected


@pytest.mark.parametrize(("fn", "expected"), [(_async_zero, "async-zero"), (_async_one, "async-one:allow")])
async def test_async_functions_run_on_the_async_client(fn: Any, expected: str) -> None:
    out = await new_client("async", gateway()).guard(**ACTION, execute_fn=fn)
    assert (out["executed"], out["result"]) == (True, expected)


BAD = [
    pytest.param(None, id="None"),
    pytest.param("refund", id="a string"),
    pytest.param(42, id="a number"),
    pytest.param(_two, id="two required arguments"),
    pytest.param(_keyword_only, id="keyword-only argument"),
    pytest.param(lambda a, b, c: None, id="three arguments"),
]


@pytest.mark.parametrize("mode", ["enforce", "monitor"])
@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("fn", BAD)
async def test_unusable_execute_fn_fails_closed_without_calling_the_gateway(
    kind: str, mode: str, fn: Any
) -> None:
    gw = gateway()
    out = await call(new_client(kind, gw).guard(**ACTION, mode=mode, execute_fn=fn))
    decision = out["decision"]
    assert (decision["decision"], decision["reason_code"], decision["source"]) == (
        "deny", "client.misconfigured", "client",
    )  # fmt: skip
    assert decision["cause"]["kind"] == "configuration"
    assert "execute_fn" in " ".join(decision["explain"]["next_steps"])
    assert out["executed"] is False
    assert gw.requests == []  # no approval, passport or idempotency record spent
