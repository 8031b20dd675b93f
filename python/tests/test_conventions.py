"""The conventions a daily user meets, held to openai-python's: ``help()`` explains every public method,
``status_code`` on errors, per-call options on every method, ``with_options`` for every option,
``ACTPASS_LOG`` with one debug line per request, and mode typos named with the nearest valid mode."""

from __future__ import annotations

import inspect
import logging
import pydoc
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _helpers import API_KEY, FakeGateway, MakeClient, call, decision_body, error_response

import actpass
from actpass import _reports, _resources

PREFLIGHT = "/api/v1/actions/preflight"
WHOAMI = {"tenant_id": "acme", "key_id": "key_1", "roles": ["agent"]}


@pytest.fixture(autouse=True)
def _restore_actpass_logger() -> Iterator[None]:
    logger = logging.getLogger("actpass")
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers


def _public_methods() -> list[tuple[str, str, Any]]:
    modules = (_resources, _reports)
    classes = [actpass.ActPassClient, actpass.AsyncActPassClient] + [
        value
        for module in modules
        for name, value in vars(module).items()
        if inspect.isclass(value) and not name.startswith("_") and value.__module__ == module.__name__
    ]
    return [
        (cls.__name__, name, member)
        for cls in classes
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))
    ]


@pytest.mark.parametrize(("owner", "name", "member"), _public_methods(), ids=lambda v: str(v)[:40])
def test_every_public_method_has_a_docstring(owner: str, name: str, member: Any) -> None:
    assert inspect.getdoc(member), f"{owner}.{name} has no docstring"


@pytest.mark.parametrize("cls", [actpass.ActPassClient, actpass.AsyncActPassClient])
def test_help_on_preflight_and_guard_describes_every_argument(cls: type) -> None:
    fields = ["goal", "tool", "resource", "args", "mode", "agent_id", "user_id", "passport",
              "approval_request_id", "tool_definition", "tool_hash", "context"]  # fmt: skip
    for method in ("preflight", "guard"):
        text = pydoc.render_doc(getattr(cls, method), renderer=pydoc.plaintext)
        missing = [field for field in fields if f"``{field}``" not in text and f"{field}:" not in text]
        assert missing == [], f"{cls.__name__}.{method}: {missing}"
    guard_text = pydoc.render_doc(cls.guard, renderer=pydoc.plaintext)
    for extra in ("execute_fn:", "raise_on_error:", "wait_for_approval:"):
        assert extra in guard_text


async def test_errors_carry_status_code_like_status(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/api/v1/whoami", error_response(403, "auth.forbidden"))
    with pytest.raises(actpass.PermissionDeniedError) as raised:
        await call(make_client().whoami())
    assert raised.value.status_code == raised.value.status == 403
    gateway.on(
        "GET", "/api/v1/whoami", httpx.Response(200, text="<html>", headers={"content-type": "text/html"})
    )
    with pytest.raises(actpass.InvalidResponseError) as invalid:
        await call(make_client().whoami())
    assert invalid.value.status_code == 200


async def test_every_method_takes_per_call_options(make_client: MakeClient, gateway: FakeGateway) -> None:
    client = make_client()
    gateway.on("GET", "/api/v1/whoami", WHOAMI)
    gateway.on("GET", "/api/v1/approvals", {"items": []})
    gateway.on("GET", "/api/v1/tools", {"items": []})
    gateway.on("GET", "/.well-known/jwks.json", {"keys": []})
    calls = [
        lambda **o: client.whoami(**o),
        lambda **o: client.approvals.list(status="pending", **o),
        lambda **o: client.tools.list(**o),
        lambda **o: client.jwks(**o),
    ]
    for i, make_call in enumerate(calls):
        await call(make_call(extra_headers={"x-trace-id": f"trace-{i}"}, timeout=3))
        assert gateway.requests[-1].headers["x-trace-id"] == f"trace-{i}"
    # The client itself is untouched by a call's options.
    await call(client.whoami())
    assert "x-trace-id" not in gateway.requests[-1].headers


async def test_per_call_max_retries(make_client: MakeClient, gateway: FakeGateway) -> None:
    gateway.on("GET", "/api/v1/whoami", error_response(503, "server.unavailable"))
    with pytest.raises(actpass.InternalServerError):
        await call(make_client().whoami(max_retries=0))
    assert len(gateway.calls("GET", "/api/v1/whoami")) == 1


async def test_with_options_replaces_key_url_and_logger(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    custom = logging.getLogger("actpass.test.custom")
    copy = make_client().with_options(
        api_key="ak_other_key_123456", base_url="http://other.test/api/v1", logger=custom
    )
    gateway.on("GET", "/api/v1/whoami", WHOAMI)
    await call(copy.whoami())
    sent = gateway.requests[-1]
    assert str(sent.url) == "http://other.test/api/v1/whoami"
    assert sent.headers["authorization"] == "Bearer ak_other_key_123456"
    assert copy.base_url == "http://other.test"
    with pytest.raises(TypeError, match="did you mean 'api_key'"):
        make_client().with_options(apikey="x")  # type: ignore[call-arg]
    bad = make_client().with_options(base_url="ftp://nope")
    out = await call(bad.preflight(goal="g", tool="stripe.refund.create"))
    assert out["reason_code"] == "client.misconfigured"


@pytest.mark.parametrize("cls", [actpass.ActPassClient, actpass.AsyncActPassClient])
def test_a_mode_typo_names_the_value_and_the_nearest_mode(cls: Any) -> None:
    with pytest.raises(ValueError, match=r"unknown mode 'enforse': did you mean 'enforce'\?"):
        cls(api_key=API_KEY, mode="enforse")
    with pytest.raises(ValueError, match=r"unknown mode 'Monitoring': did you mean 'monitor'\?"):
        cls(api_key=API_KEY).with_options(mode="Monitoring")
    # A hostile value is escaped: it cannot put a line break into a log or a traceback line.
    with pytest.raises(ValueError, match=r"unknown mode 'x\\\\x0aallow'") as raised:
        cls(api_key=API_KEY, mode="x\nallow")
    assert "\n" not in str(raised.value)


async def test_a_per_call_mode_typo_fails_closed_naming_the_nearest(
    make_client: MakeClient, gateway: FakeGateway
) -> None:
    out = await call(make_client().preflight(goal="g", tool="stripe.refund.create", mode="stirct"))  # type: ignore[arg-type]
    assert out["source"] == "client" and out["reason_code"] == "client.misconfigured"
    assert "unknown mode 'stirct': did you mean 'strict'?" in out["explain"]["summary"]
    assert gateway.requests == []


async def test_actpass_log_debug_logs_one_line_per_attempt(
    make_client: MakeClient,
    gateway: FakeGateway,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("ACTPASS_LOG", "debug")
    gateway.on("POST", PREFLIGHT, error_response(503, "server.unavailable"), decision_body())
    client = make_client()
    assert logging.getLogger("actpass").level == logging.DEBUG
    with caplog.at_level(logging.DEBUG, logger="actpass"):
        await call(client.preflight(goal="g", tool="stripe.refund.create"))
    lines = [
        r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG and "attempt=" in r.getMessage()
    ]
    assert len(lines) == 2
    assert lines[0].startswith("actpass: req_err_503 POST /api/v1/actions/preflight 503 ")
    assert lines[0].endswith("ms attempt=1")
    assert lines[1].startswith("actpass: req_2 POST /api/v1/actions/preflight 200 ")
    assert lines[1].endswith("ms attempt=2")
    assert API_KEY not in caplog.text


async def test_debug_lines_never_show_a_query_and_keep_hostile_ids_on_one_line(
    make_client: MakeClient, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.on("GET", "/api/v1/approvals/apr_1%0Aactpass: allowed", error_response(404, "request.not_found"))
    with caplog.at_level(logging.DEBUG, logger="actpass"), pytest.raises(actpass.NotFoundError):
        await call(make_client().approvals.get("apr_1\nactpass: allowed"))
    (line,) = [r.getMessage() for r in caplog.records if "attempt=" in r.getMessage()]
    assert "\n" not in line and "/api/v1/approvals/apr_1%0Aactpass%3A%20allowed" in line


def test_actpass_log_in_a_real_process_prints_debug_lines_to_stderr() -> None:
    script = (
        "from actpass import ActPassClient\n"
        "c = ActPassClient(api_key='ak_secret_never_shown_1234', base_url='http://127.0.0.1:9',"
        " max_retries=1, sleep=lambda s: None)\n"
        "print(c.preflight(goal='g', tool='stripe.refund.create')['reason_code'])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"ACTPASS_LOG": "debug", "PATH": "/usr/bin:/bin"},
    )
    assert run.stdout.strip() == "client.unreachable"
    attempts = [line for line in run.stderr.splitlines() if "attempt=" in line]
    assert len(attempts) == 2, run.stderr
    assert " - POST /api/v1/actions/preflight no-response " in attempts[0]
    assert "ak_secret_never_shown_1234" not in run.stderr


def test_an_unknown_actpass_log_warns_with_a_suggestion(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("ACTPASS_LOG", "debgu")
    with caplog.at_level(logging.WARNING, logger="actpass"):
        actpass.ActPassClient(api_key=API_KEY)
    assert "ACTPASS_LOG=debgu is not a level" in caplog.text
    assert "did you mean 'debug'?" in caplog.text
