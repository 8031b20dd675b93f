"""Retries, idempotency keys, request ids and the error tree, for both clients."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from _helpers import API_KEY, FakeGateway, MakeClient, Sleeps, call, decision_body, error_response, event_body

import actpass

PREFLIGHT = "/api/v1/actions/preflight"
EVIDENCE = "/api/v1/evidence"
ARGS = {"goal": "g", "tool": "stripe.refund.create", "args": {"amount": 100}}


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503])
async def test_retryable_status_is_retried_twice_with_one_idempotency_key(
    make_client: MakeClient, gateway: FakeGateway, sleeps: Sleeps, status: int
) -> None:
    gateway.on("POST", EVIDENCE, error_response(status, "server.unavailable"))
    client = make_client(random=lambda: 1.0)
    with pytest.raises(actpass.APIError) as caught:
        await call(client.record_evidence(type="custom.note", data={"a": 1}))
    assert caught.value.status == status
    assert caught.value.request_id == f"req_err_{status}"
    calls = gateway.calls("POST", EVIDENCE)
    assert len(calls) == 3
    keys = {c.headers["Idempotency-Key"] for c in calls}
    assert len(keys) == 1 and next(iter(keys))
    assert sleeps == pytest.approx([0.375, 0.75])  # 0.5 and 1.0 s, both minus the full 25 % jitter


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_not_retried(
    make_client: MakeClient, gateway: FakeGateway, sleeps: Sleeps, status: int
) -> None:
    gateway.on("POST", EVIDENCE, error_response(status, "request.invalid"))
    with pytest.raises(actpass.APIError):
        await call(make_client().record_evidence(type="custom.note", data={}))
    assert len(gateway.calls("POST", EVIDENCE)) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, actpass.BadRequestError),
        (401, actpass.AuthenticationError),
        (403, actpass.PermissionDeniedError),
        (404, actpass.NotFoundError),
        (409, actpass.ConflictError),
        (422, actpass.UnprocessableEntityError),
        (429, actpass.RateLimitError),
        (500, actpass.InternalServerError),
        (503, actpass.InternalServerError),
        (418, actpass.APIError),
    ],
)
async def test_status_maps_to_error_class(
    make_client: MakeClient, gateway: FakeGateway, status: int, cls: type[actpass.APIError]
) -> None:
    gateway.on("GET", "/api/v1/tools", error_response(status, "auth.forbidden"))
    with pytest.raises(cls) as caught:
        await call(make_client(max_retries=0).tools.list())
    error = caught.value
    assert type(error) is cls
    assert (error.status, error.code, error.request_id) == (status, "auth.forbidden", f"req_err_{status}")
    assert error.body["error"]["code"] == "auth.forbidden"
    assert isinstance(error.response, httpx.Response)


async def test_retry_after_header_sets_the_wait(
    make_client: MakeClient, gateway: FakeGateway, sleeps: Sleeps
) -> None:
    gateway.on(
        "POST",
        EVIDENCE,
        error_response(429, "server.unavailable", headers={"Retry-After": "7"}),
        error_response(503, "server.unavailable", headers={"retry-after-ms": "1500"}),
        event_body(),
    )
    event = await call(make_client().record_evidence(type="custom.note", data={}))
    assert event["seq"] == 2
    assert sleeps == [7.0, 1.5]


async def test_retry_after_beyond_60s_is_ignored(
    make_client: MakeClient, gateway: FakeGateway, sleeps: Sleeps
) -> None:
    gateway.on("POST", EVIDENCE, error_response(503, "x.y", headers={"Retry-After": "3600"}), event_body())
    await call(make_client().record_evidence(type="custom.note", data={}))
    assert sleeps == [0.5]


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        ("connection_refused", actpass.APIConnectionError),
        ("reset", actpass.APIConnectionError),
        ("dns", actpass.APIConnectionError),
        ("timeout", actpass.APITimeoutError),
        ("connect_timeout", actpass.APITimeoutError),
    ],
)
async def test_transport_faults_are_retried_then_raised(
    make_client: MakeClient, gateway: FakeGateway, sleeps: Sleeps, fault: str, cls: type[Exception]
) -> None:
    gateway.on("GET", "/api/v1/tools", fault)
    with pytest.raises(cls) as caught:
        await call(make_client().tools.list())
    assert type(caught.value) is cls
    assert len(gateway.calls("GET", "/api/v1/tools")) == 3
    assert sleeps == [0.5, 1.0]


async def test_recovers_after_a_fault(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("POST", EVIDENCE, "reset", event_body())
    event = await call(make_client().record_evidence(type="custom.note", data={}))
    assert event["seq"] == 2
    keys = [c.headers["Idempotency-Key"] for c in gateway.calls("POST", EVIDENCE)]
    assert len(keys) == 2 and keys[0] == keys[1]


async def test_max_retries_zero_sends_once(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/api/v1/tools", "reset")
    with pytest.raises(actpass.APIConnectionError):
        await call(make_client(max_retries=0).tools.list())
    assert len(gateway.calls("GET", "/api/v1/tools")) == 1


async def test_each_logical_call_gets_a_new_idempotency_key_and_gets_none(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("POST", EVIDENCE, event_body())
    gateway.on("GET", "/api/v1/tools", {"items": []})
    client = make_client()
    await call(client.record_evidence(type="custom.note", data={}))
    await call(client.record_evidence(type="custom.note", data={}))
    await call(client.tools.list())
    first, second = (c.headers["Idempotency-Key"] for c in gateway.calls("POST", EVIDENCE))
    assert first != second
    assert "Idempotency-Key" not in gateway.calls("GET", "/api/v1/tools")[0].headers


async def test_request_headers(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("POST", PREFLIGHT, decision_body())
    await call(make_client().preflight(**ARGS))
    request = gateway.calls("POST", PREFLIGHT)[0]
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["x-actpass-tenant"] == "acme"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == f"actpass-python/{actpass.__version__}"
    assert str(request.url) == "http://127.0.0.1:8787/api/v1/actions/preflight"


async def test_results_are_dicts_carrying_request_id_and_response(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("GET", "/api/v1/tools", {"items": [], "added_later": True})
    tools = await call(make_client().tools.list())
    assert tools == {"items": [], "added_later": True}
    assert isinstance(tools, dict)
    assert tools.request_id == "req_1"
    assert actpass.request_id_of(tools) == "req_1"
    assert tools.http_response.status_code == 200


async def test_invalid_2xx_body_raises_invalid_response(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("GET", "/api/v1/tools", {"items": [{"name": "t"}]})
    with pytest.raises(actpass.InvalidResponseError) as caught:
        await call(make_client().tools.list())
    assert "$.items[0].hash" in str(caught.value)
    assert caught.value.request_id == "req_1"


async def test_non_json_2xx_body_raises_invalid_response(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    gateway.on("GET", "/api/v1/tools", httpx.Response(200, text="<html>proxy</html>"))
    with pytest.raises(actpass.InvalidResponseError):
        await call(make_client().tools.list())
    assert len(gateway.requests) == 1  # a bad body is not retried


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"api_key": ""}, "no API key"),
        ({"api_key": "sk bad\n"}, "whitespace"),
        ({"base_url": "ftp://example.com"}, "base URL"),
        ({"base_url": "not a url"}, "base URL"),
    ],
)
async def test_misconfiguration_raises_before_sending(
    make_client: MakeClient, gateway: FakeGateway, options: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(actpass.MisconfiguredError, match=fragment):
        await call(make_client(**options).tools.list())
    assert gateway.requests == []


def test_api_key_and_base_url_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, gateway: FakeGateway
) -> None:
    monkeypatch.setenv("ACTPASS_API_KEY", "sk_from_env")
    monkeypatch.setenv("ACTPASS_BASE_URL", "https://gw.example.com/base/")
    gateway.on("GET", "/base/api/v1/tools", {"items": []})
    client = actpass.ActPassClient(transport=httpx.MockTransport(gateway.handler))
    client.tools.list()
    assert gateway.requests[0].headers["Authorization"] == "Bearer sk_from_env"
    assert str(gateway.requests[0].url) == "https://gw.example.com/base/api/v1/tools"


def test_constructor_rejects_bad_literal_arguments() -> None:
    with pytest.raises(ValueError, match="mode"):
        actpass.ActPassClient("k", mode="ENFORCE")
    with pytest.raises(ValueError, match="timeout"):
        actpass.ActPassClient("k", timeout=0)
    with pytest.raises(ValueError, match="max_retries"):
        actpass.ActPassClient("k", max_retries=-1)


def test_timeout_is_applied_per_attempt(gateway: FakeGateway) -> None:
    gateway.on("GET", "/api/v1/tools", {"items": []})
    client = actpass.ActPassClient("k", timeout=2.5, transport=httpx.MockTransport(gateway.handler))
    client.tools.list()
    assert gateway.requests[0].extensions["timeout"] == {
        "connect": 2.5,
        "read": 2.5,
        "write": 2.5,
        "pool": 2.5,
    }


def test_sync_client_closes_its_pool(gateway: FakeGateway) -> None:
    with actpass.ActPassClient("k", transport=httpx.MockTransport(gateway.handler)) as client:
        pass
    assert client._http.is_closed


async def test_async_client_closes_its_pool(gateway: FakeGateway) -> None:
    async with actpass.AsyncActPassClient("k", transport=httpx.MockTransport(gateway.handler)) as client:
        pass
    assert client._http.is_closed


def test_a_caller_supplied_http_client_is_left_open(gateway: FakeGateway) -> None:
    http = httpx.Client(transport=httpx.MockTransport(gateway.handler))
    with actpass.ActPassClient("k", http_client=http):
        pass
    assert not http.is_closed
    http.close()
