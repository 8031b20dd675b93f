"""Property: whatever a server sends back (any status 100-599; random JSON, a decision with one field
mutated, random bytes), ``guard`` in enforce, strict or warn runs ``execute`` only when the body is a
valid decision that permits it (``allow``; also ``warn`` in warn mode) in a 2xx response. The oracle is
the contract's ``Decision`` schema, checked here with jsonschema, independently of the client's own
validation. In monitor, ``execute`` always runs, exactly once."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from _served import LONG_RUN, write_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actpass

CONTRACT = Path(__file__).resolve().parents[3] / "packages" / "contract" / "openapi.yaml"
PREFLIGHT = "/api/v1/actions/preflight"
EXAMPLES = 5_000 if LONG_RUN else 500


def _decision_validator() -> jsonschema.protocols.Validator:
    document = yaml.safe_load(CONTRACT.read_text())
    # The whole document as the root, so the Decision's internal $refs resolve.
    schema = {**document, "$ref": "#/components/schemas/Decision"}
    cls = jsonschema.validators.validator_for({"$schema": "https://json-schema.org/draft/2020-12/schema"})
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


VALIDATOR = _decision_validator()
#: The oracle is the contract's whole Decision schema, string patterns included: a body that breaks
#: only a pattern (a malformed evidence id or hash) must fail closed too.
ORACLE = VALIDATOR

VALID_ALLOW: dict[str, Any] = {
    "decision": "allow",
    "reason_code": "refund.small_in_scope",
    "risk_tier": "low",
    "mode": "enforce",
    "enforced": True,
    "source": "gateway",
    "explain": {"summary": "ok", "matched_rules": ["refund-small"], "next_steps": []},
    "evidence_event_id": "ev_01TEST",
    "action_hash": "a" * 64,
    "policy": {"id": "refunds", "version": 1, "hash": "b" * 64},
    "request_id": "req_decision",
    "decided_at": "2026-11-23T18:00:00.000Z",
}
assert VALIDATOR.is_valid(VALID_ALLOW)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def near_valid_decisions(draw: st.DrawFn) -> Any:
    """A valid decision (any decision value) with one member deleted, replaced or retyped, or added."""
    body = copy.deepcopy(VALID_ALLOW)
    body["decision"] = draw(
        st.sampled_from(["allow", "deny", "warn", "require_approval", "require_tool_reapproval"])
    )
    target: dict[str, Any] = draw(st.sampled_from([body, body["explain"], body["policy"]]))
    key = draw(st.sampled_from(sorted(target)))
    how = draw(st.sampled_from(["delete", "replace", "retype", "add", "keep"]))
    if how == "delete":
        del target[key]
    elif how == "replace":
        target[key] = draw(json_values)
    elif how == "retype":
        target[key] = json.dumps(target[key]) if not isinstance(target[key], str) else [target[key]]
    elif how == "add":
        target[draw(st.text(min_size=1, max_size=8))] = draw(json_values)
    return body


bodies = st.one_of(
    json_values.map(lambda value: json.dumps(value).encode()),
    near_valid_decisions().map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
    st.just(json.dumps(VALID_ALLOW).encode()),
)
statuses = st.one_of(st.integers(min_value=100, max_value=599), st.just(200))
content_types = st.sampled_from(["application/json", "text/plain", None])


def _permitted(status: int, body: bytes, mode: str) -> bool:
    """The oracle: a 2xx whose body is a schema-valid decision that the mode lets run."""
    if not 200 <= status < 300:
        return False
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    if not ORACLE.is_valid(parsed):
        return False
    return parsed["decision"] == "allow" or (mode == "warn" and parsed["decision"] == "warn")


def _transport(status: int, body: bytes, content_type: str | None) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == PREFLIGHT  # record_outcome=False: nothing else is sent
        headers = {"content-type": content_type} if content_type else {}
        return httpx.Response(status, content=body, headers={**headers, "x-request-id": "req_prop"})

    return httpx.MockTransport(handler)


def _client_options(mode: str) -> dict[str, Any]:
    return {"tenant_id": "acme", "agent_id": "agent", "base_url": "http://gateway.test", "mode": mode}


GUARD_INPUT = {"goal": "g", "tool": "stripe.refund.create", "args": {"amount": 500}, "record_outcome": False}
STATS = {"cases": 0, "executed": 0, "wrongly_run": 0}


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _check(mode: str, status: int, body: bytes, runs: list[object], outcome: Any) -> None:
    STATS["cases"] += 1
    STATS["executed"] += bool(runs)
    assert len(runs) <= 1, "execute ran more than once"
    assert outcome["executed"] is bool(runs)
    if mode == "monitor":
        assert runs, "monitor must run execute"
        return
    if runs and not _permitted(status, body, mode):
        STATS["wrongly_run"] += 1
    assert not runs or _permitted(status, body, mode), f"ran on HTTP {status}: {body[:200]!r}"


property_settings = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@property_settings
@given(
    mode=st.sampled_from(["enforce", "strict", "warn", "monitor"]),
    status=statuses,
    body=bodies,
    content_type=content_types,
)
def test_sync_guard_runs_only_on_a_valid_permitting_decision(
    mode: str, status: int, body: bytes, content_type: str | None
) -> None:
    runs: list[object] = []
    with actpass.ActPassClient(
        "ak_test",
        transport=_transport(status, body, content_type),
        sleep=lambda _s: None,
        **_client_options(mode),
    ) as client:
        outcome = client.guard(execute_fn=runs.append, **GUARD_INPUT)  # type: ignore[arg-type]
    _check(mode, status, body, runs, outcome)


@property_settings
@given(
    mode=st.sampled_from(["enforce", "strict", "warn", "monitor"]),
    status=statuses,
    body=bodies,
    content_type=content_types,
)
def test_async_guard_runs_only_on_a_valid_permitting_decision(
    mode: str, status: int, body: bytes, content_type: str | None
) -> None:
    runs: list[object] = []

    async def run() -> Any:
        async with actpass.AsyncActPassClient(
            "ak_test",
            transport=_transport(status, body, content_type),
            sleep=lambda _s: None,
            **_client_options(mode),
        ) as client:
            return await client.guard(execute_fn=runs.append, **GUARD_INPUT)  # type: ignore[arg-type]

    _check(mode, status, body, runs, asyncio.run(run()))


def test_a_valid_allow_runs_so_the_properties_are_not_vacuous() -> None:
    runs: list[object] = []
    body = json.dumps(VALID_ALLOW).encode()
    with actpass.ActPassClient(
        "ak_test", transport=_transport(200, body, "application/json"), **_client_options("enforce")
    ) as client:
        outcome = client.guard(execute_fn=runs.append, **GUARD_INPUT)  # type: ignore[arg-type]
    assert outcome["executed"] and len(runs) == 1
    write_report(
        "python-guard-properties",
        {"cases": STATS["cases"], "wrongly_run": STATS["wrongly_run"]},
    )


@pytest.mark.parametrize(
    "member", ["evidence_event_id", "action_hash", "approval_request_id", "policy.hash", "reason_code"]
)
def test_a_decision_breaking_a_pattern_fails_closed(member: str) -> None:
    body = copy.deepcopy(VALID_ALLOW)
    if member == "policy.hash":
        body["policy"]["hash"] = "not-hex"
    else:
        body[member] = "not-the-pattern"
    assert not VALIDATOR.is_valid(body)
    runs: list[object] = []
    with actpass.ActPassClient(
        "ak_test",
        transport=_transport(200, json.dumps(body).encode(), "application/json"),
        **_client_options("enforce"),
    ) as client:
        outcome = client.guard(execute_fn=runs.append, **GUARD_INPUT)  # type: ignore[arg-type]
    assert not runs
    assert outcome["decision"]["reason_code"] == "client.invalid_response"
