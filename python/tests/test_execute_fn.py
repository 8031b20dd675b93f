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


def _wrapped_zero() -> str:
    return "zero"


@functools.wraps(_wrapped_zero)
def _wraps_zero(*args: Any, **kwargs: Any) -> str:
    return _wrapped_zero()


def _positional_only(ctx: Any, /) -> None:
    return None


def _keyword_only_default(*, ctx: Any = None) -> None:
    return None


def _one_and_default(ctx: Any, extra: Any = 1) -> None:
    return None


def _two_with_varargs(a: Any, b: Any, *rest: Any) -> None:
    return None


def _reference_arity(fn: Any) -> int | None:
    """The arity as ``inspect.signature`` reads it: what guard() used for every callable before plain
    functions were read from their code objects."""
    import inspect

    parameters = inspect.signature(fn).parameters.values()
    kinds = inspect.Parameter
    positional = [p for p in parameters if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is kinds.empty]
    keyword_only = [p for p in parameters if p.kind == kinds.KEYWORD_ONLY and p.default is kinds.empty]
    if keyword_only or len(required) > 1:
        return None
    return 1 if required or positional or any(p.kind == kinds.VAR_POSITIONAL for p in parameters) else 0


@pytest.mark.parametrize(
    "fn",
    [
        lambda: 0,
        lambda ctx: 0,
        lambda ctx=None: 0,
        lambda *args: 0,
        lambda **kwargs: 0,
        lambda a, b: 0,
        lambda a, b=1: 0,
        lambda *, key: 0,
        lambda *, key=1: 0,
        _positional_only,
        _keyword_only_default,
        _one_and_default,
        _two_with_varargs,
        _two,
        _keyword_only,
        _optional,
        _async_zero,
        _async_one,
        _wraps_zero,
    ],
)
def test_plain_functions_read_from_their_code_have_the_arity_inspect_gives(fn: Any) -> None:
    from actpass._guard import _arity

    assert _arity(fn) == _reference_arity(fn)


async def test_a_wrapper_is_called_as_the_function_it_wraps() -> None:
    """``functools.wraps`` presents the wrapped signature (no argument), so guard() calls it with none."""
    out = await call(new_client("sync", gateway()).guard(**ACTION, execute_fn=_wraps_zero))
    assert (out["executed"], out["error"], out["result"]) == (True, None, "zero")
