"""The TypeScript reference gateway and actpass.local, driven by the same seeded random streams, must
answer identically: every status, every decision body (decision, reason code, risk tier, mode,
explain, action hash, policy hash, approval views, passport claims, error codes) and every ledger event.

Ids and signatures are random in both gateways (event, approval, passport and request ids, passport
tokens), so answers are compared after each id is replaced by its ordinal of first appearance; time is
pinned (both gateways read the stream's clock), so timestamps compare as they are. Event hashes depend
on the ids, so they are checked two ways instead: each chain verifies on its own, and Python recomputes
the hash of every TypeScript event from its canonical form and must get the TypeScript bytes exactly.
For 4xx answers the status and error code are compared; messages are each gateway's own prose.

Needs Node and a built gateway (packages/gateway/dist); skips only when node is absent.
"""

from __future__ import annotations

import base64
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _paths import REPO_ROOT

sys.path.insert(0, str(Path(__file__).parent / "differential"))

from stream import Normaliser, make_stream, run_local

from actpass._verify_export import hash_event
from actpass.local import LocalGateway

NODE = shutil.which("node")
GATEWAY_ENTRY = REPO_ROOT / "packages" / "gateway" / "dist" / "index.js"
DRIVER = Path(__file__).parent / "differential" / "ts_driver.mjs"
START_MS = 1_800_000_000_000
VAULT_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
# Two seeds, 5,000 operations each: every run of the suite checks 10,000 operations.
STREAMS = [(11, 5000), (29, 5000)]

pytestmark = pytest.mark.skipif(
    NODE is None, reason="node is not on PATH: the differential test needs the TS gateway"
)


def start_typescript(
    ops: list[dict[str, Any]], evaluations: list[dict[str, Any]] | None = None
) -> subprocess.Popen[str]:
    """Start the TS run in the background; the Python run goes on meanwhile (they share no state)."""
    if not GATEWAY_ENTRY.exists():
        pytest.fail(
            f"{GATEWAY_ENTRY} is missing: build it (pnpm exec turbo run build --filter @actpass/gateway)"
        )
    payload = {
        "gateway": GATEWAY_ENTRY.as_uri(),
        "start_ms": START_MS,
        "vault_key": VAULT_KEY,
        "ops": ops,
        "evaluations": evaluations or [],
    }
    process = subprocess.Popen(
        [str(NODE), str(DRIVER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps(payload))
    process.stdin.close()
    return process


def finish_typescript(process: subprocess.Popen[str]) -> dict[str, Any]:
    assert process.stdout is not None and process.stderr is not None
    try:
        out = process.stdout.read()
        err = process.stderr.read()
        process.wait(timeout=240)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err[-4000:]
    return json.loads(out)  # type: ignore[no-any-return]


def run_python(ops: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], LocalGateway]:
    clock = [START_MS]
    gateway = LocalGateway("refunds", clock=lambda: clock[0], vault_key=base64.b64decode(VAULT_KEY))
    return run_local(gateway, ops, clock), gateway


@pytest.fixture(scope="module")
def both_runs() -> dict[int, tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]], LocalGateway]]:
    streams = {seed: make_stream(seed, count, START_MS) for seed, count in STREAMS}
    started = {seed: start_typescript(ops) for seed, ops in streams.items()}
    python = {seed: run_python(ops) for seed, ops in streams.items()}
    return {seed: (streams[seed], finish_typescript(started[seed]), *python[seed]) for seed in streams}


def _differences(left: Any, right: Any, at: str = "") -> list[str]:
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                found.append(
                    f"{at}.{key}: ts={left.get(key, '<absent>')!r} py={right.get(key, '<absent>')!r}"
                )
            else:
                found += _differences(left[key], right[key], f"{at}.{key}")
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [d for i, (a, b) in enumerate(zip(left, right)) for d in _differences(a, b, f"{at}[{i}]")]
    return [] if left == right else [f"{at}: ts={left!r} py={right!r}"]


def _report(divergences: list[dict[str, Any]]) -> str:
    lines = [f"{len(divergences)} divergences; the first ones:"]
    for found in divergences[:4]:
        lines.append(f"#{found['index']} {json.dumps(found['op'], ensure_ascii=False)[:400]}")
        lines += ["    " + d[:300] for d in _differences(found["typescript"], found["python"])[:6]]
    return "\n".join(lines)


def comparable(result: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    body = result["body"]
    if result["status"] >= 400 and isinstance(body, dict) and "error" in body:
        return {"status": result["status"], "code": body["error"]["code"]}
    return result


@pytest.mark.parametrize(("seed", "count"), STREAMS, ids=[f"seed-{s}" for s, _ in STREAMS])
def test_same_stream_same_answers(seed: int, count: int, both_runs: dict[int, Any]) -> None:
    ops, ts, py_results, gateway = both_runs[seed]
    assert len(ts["results"]) == len(py_results) == len(ops) > count

    ts_norm, py_norm = Normaliser({}), Normaliser({})
    divergences = []
    for index, (op, ts_result, py_result) in enumerate(zip(ops, ts["results"], py_results)):
        left, right = ts_norm(comparable(ts_result, op)), py_norm(comparable(py_result, op))
        if left != right:
            divergences.append({"index": index, "op": op, "typescript": left, "python": right})
    assert not divergences, _report(divergences)

    py_events = gateway.ledger.events("acme")
    assert len(ts["events"]) == len(py_events)
    for ts_event, py_event in zip(ts["events"], py_events):
        assert ts_norm(ts_event) == py_norm(py_event), (
            ts_event,
            py_event,
        )
        assert hash_event(ts_event) == ts_event["hash"], "Python must hash a TS event to the TS bytes"
    assert gateway.ledger.verify("acme")["ok"] is True

    kinds = {op["kind"] for op in ops}
    decisions = {
        r["body"]["reason_code"] for r in py_results if r["status"] == 200 and "reason_code" in r["body"]
    }
    # The stream must reach the interesting paths, or agreement would prove little.
    assert {"preflight", "issue", "approve", "deny", "revoke", "tool", "policy", "evidence", "bad"} <= kinds
    for needed in (
        "approval.granted",
        "approval.pending",
        "passport.replayed",
        "tool.drifted",
        "passport.missing",
        "tool.suspicious",
    ):
        assert needed in decisions, f"the stream never reached {needed}"
    # Approvals over findings, refusals for unacknowledged ones, and findings sealed in the ledger.
    tool_statuses = {r["status"] for op, r in zip(ops, py_results) if op["kind"] == "tool"}
    assert {200, 409} <= tool_statuses
    assert any(e["type"] == "tool.approved" and e["data"].get("findings") for e in py_events)
    assert any(e["type"] == "tool.approved" and e["data"].get("findings_acknowledged") for e in py_events)


def _evaluation_inputs(rng: random.Random, count: int) -> list[dict[str, Any]]:
    from stream import COMMANDS, GOALS, PATHS, TOOLS

    inputs = []
    for _ in range(count):
        tool = rng.choice([*TOOLS, "claude.code.bash", "a", "x.y.z.w"])
        data: dict[str, Any] = {
            "tool": tool,
            "goal": rng.choice(GOALS),
            "mode": rng.choice(["enforce", "monitor", "warn", "strict"]),
            "args": {
                "amount": rng.choice([1, 10000, 10001, 50000, 50001, -1, 2.5, "7", True, None]),
                "currency": rng.choice(["usd", "eur", 5]),
                "command": rng.choice(COMMANDS),
                "path": rng.choice(PATHS),
                "to": rng.choice(["a@example.com", ["a@b.c"], None]),
                "environment": rng.choice(["production", "staging", "dev", 1]),
            },
            "context": rng.choice(
                [{}, {"source": "untrusted"}, {"session": {"labels": ["private_data", "untrusted_content"]}}]
            ),
        }
        if rng.random() < 0.5:
            data["resource"] = rng.choice(["stripe:charge:ch_1", "repo:main", "a/b:c"])
        if rng.random() < 0.3:
            data["passport"] = {"goal": data["goal"], "allowed_tools": ["**"], "user_id": None}
        inputs.append(data)
    return inputs


def test_same_policy_inputs_same_outcomes_and_traces() -> None:
    """Every pack and every policy of the shared vectors, on random inputs: outcome and trace alike."""
    from actpass.local import compile_policy, evaluate
    from actpass.local._packs import PACK_NAMES, pack_source

    rng = random.Random(7)
    policies = [pack_source(name) for name in PACK_NAMES]
    for path in sorted((REPO_ROOT / "packages" / "contract" / "vectors" / "policy").glob("*.json")):
        policies += [case["policy"] for case in json.loads(path.read_text(encoding="utf-8"))["cases"]]
    checks = [{"policy": policy, "inputs": _evaluation_inputs(rng, 12)} for policy in policies]
    if not GATEWAY_ENTRY.exists():
        pytest.fail(
            f"{GATEWAY_ENTRY} is missing: build it (pnpm exec turbo run build --filter @actpass/gateway)"
        )
    payload = {"gateway": GATEWAY_ENTRY.as_uri(), "start_ms": START_MS, "vault_key": VAULT_KEY, "ops": []}
    payload["evaluations"] = checks
    done = subprocess.run(
        [str(NODE), str(DRIVER)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    ts = json.loads(done.stdout)["evaluations"]
    compared = 0
    for check, answer in zip(checks, ts):
        policy, problems = compile_policy(check["policy"])
        if policy is None:
            got = sorted((p.rule_id or "", p.path, p.code) for p in problems)
            assert got == sorted((p["rule_id"] or "", p["path"], p["code"]) for p in answer["problems"])
            continue
        for data, expected in zip(check["inputs"], answer["outcomes"]):
            assert evaluate(policy, data, trace=True) == expected, (check["policy"].get("id"), data)
            compared += 1
    assert compared > 2000
