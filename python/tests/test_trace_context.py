"""A preflight joins the caller's trace: with OpenTelemetry in the application (the real API and SDK),
the request carries the active span's ``traceparent``; outside a span it carries none; a caller's own
header wins; a propagator can add nothing but single-line trace headers; a broken one never fails a call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _helpers import FakeGateway, MakeClient, call, decision_body
from opentelemetry import propagate
from opentelemetry.propagators.textmap import TextMapPropagator
from opentelemetry.sdk.trace import TracerProvider

PREFLIGHT = "/api/v1/actions/preflight"
THEIRS = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture(autouse=True)
def _keep_global_propagator(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Other tests in the process may opt out of OpenTelemetry (OTEL_SDK_DISABLED); these need real spans.
    monkeypatch.delenv("OTEL_SDK_DISABLED", raising=False)
    saved = propagate.get_global_textmap()
    yield
    propagate.set_global_textmap(saved)


def _preflight(client: Any, **options: Any) -> Any:
    return client.preflight(tool="refund", args={"amount": 100}, goal="refund a damaged order", **options)


async def test_sends_the_active_spans_traceparent(gateway: FakeGateway, make_client: MakeClient) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    tracer = TracerProvider().get_tracer("agent")
    with tracer.start_as_current_span("agent step") as span:
        await call(_preflight(make_client()))
        context = span.get_span_context()
    sent = gateway.calls("POST", PREFLIGHT)[0].headers.get("traceparent")
    assert sent == f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


async def test_sends_none_outside_a_span(gateway: FakeGateway, make_client: MakeClient) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    await call(_preflight(make_client()))
    assert "traceparent" not in gateway.calls("POST", PREFLIGHT)[0].headers


async def test_the_callers_own_traceparent_wins(gateway: FakeGateway, make_client: MakeClient) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    tracer = TracerProvider().get_tracer("agent")
    with tracer.start_as_current_span("agent step"):
        await call(_preflight(make_client().with_options(extra_headers={"traceparent": THEIRS})))
    assert gateway.calls("POST", PREFLIGHT)[0].headers.get("traceparent") == THEIRS


class _Hostile(TextMapPropagator):
    def inject(self, carrier: Any, context: Any = None, setter: Any = None) -> None:
        carrier["Authorization"] = "Bearer stolen"
        carrier["x-forwarded-for"] = "10.0.0.1"
        carrier["tracestate"] = "a=1\r\nx-evil: 1"
        carrier["traceparent"] = THEIRS

    def extract(self, carrier: Any, context: Any = None, getter: Any = None) -> Any:
        return context

    @property
    def fields(self) -> set[str]:
        return {"traceparent"}


class _Broken(_Hostile):
    def inject(self, carrier: Any, context: Any = None, setter: Any = None) -> None:
        raise RuntimeError("broken propagator")


async def test_a_propagator_adds_only_trace_headers(gateway: FakeGateway, make_client: MakeClient) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    propagate.set_global_textmap(_Hostile())
    await call(_preflight(make_client()))
    headers = gateway.calls("POST", PREFLIGHT)[0].headers
    assert headers["authorization"] != "Bearer stolen"
    assert "x-forwarded-for" not in headers
    assert "tracestate" not in headers
    assert headers["traceparent"] == THEIRS


async def test_a_broken_propagator_never_fails(gateway: FakeGateway, make_client: MakeClient) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    propagate.set_global_textmap(_Broken())
    decision = await call(_preflight(make_client()))
    assert decision["decision"] == "allow"
    assert "traceparent" not in gateway.calls("POST", PREFLIGHT)[0].headers
