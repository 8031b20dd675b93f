"""The served gateway and the fault proxy as child processes, plus the ledger audit the suites share.

Both processes are the TypeScript ones (``packages/gateway/dist/cli.js dev --json`` and
``packages/reliability/src/fault-proxy-cli.ts``): one proxy implementation drives both SDKs.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[3]
RELIABILITY_PACKAGE = REPO / "packages" / "reliability"
DEFAULT_CLI = REPO / "packages" / "gateway" / "dist" / "cli.js"
PROXY_CLI = RELIABILITY_PACKAGE / "src" / "fault-proxy-cli.ts"
READY_TIMEOUT_S = 60.0
EVIDENCE_PAGE_LIMIT = 1000
REFUND_TOOL = "stripe.refund.create"
ALLOWED_AMOUNT = 500
DENIED_AMOUNT = 900_000
TRICKLE_INTERVAL_MS = 50

#: ``ACTPASS_RELIABILITY_SCALE=long`` (set by the reliability script) multiplies case counts.
LONG_RUN = os.environ.get("ACTPASS_RELIABILITY_SCALE") == "long"


def gateway_cli() -> Path:
    override = os.environ.get("ACTPASS_GATEWAY_CLI")
    return Path(override) if override else DEFAULT_CLI


def unavailable() -> str | None:
    """Why the served suites cannot run here; in CI (which builds first) that is a failure, not a skip."""
    reason = None
    if shutil.which("node") is None:
        reason = "node is not on PATH"
    elif not gateway_cli().exists():
        reason = f"the gateway CLI is not built ({gateway_cli()}); run `pnpm --filter @actpass/gateway build`"
    elif not (RELIABILITY_PACKAGE / "node_modules" / "tsx").exists():
        reason = "packages/reliability has no node_modules; run `pnpm install`"
    if reason and os.environ.get("CI") == "true":
        raise RuntimeError(reason)
    return reason


def _node_command(entry: Path) -> list[str]:
    # `.ts` entries run through tsx's loader in the same process (cwd: the reliability package, which
    # depends on tsx), so a signal reaches the program itself and not a wrapper.
    return ["node", "--import", "tsx", str(entry)] if entry.suffix == ".ts" else ["node", str(entry)]


class _LineReader:
    """Reads a child's stdout on a thread: JSON lines into a queue, so reads can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(process,), daemon=True)
        self._thread.start()

    def _pump(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                parsed = json.loads(line)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                self.lines.put(parsed)

    def next(self, timeout_s: float) -> dict[str, Any]:
        return self.lines.get(timeout=timeout_s)


@dataclass
class ServedGateway:
    process: subprocess.Popen[str]
    url: str
    tenant_id: str
    keys: dict[str, str]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_gateway(state_dir: Path) -> ServedGateway:
    args = ["dev", "--host", "127.0.0.1", "--port", "0", "--dir", str(state_dir), "--json"]
    process = subprocess.Popen(
        _node_command(gateway_cli()) + args,
        cwd=RELIABILITY_PACKAGE,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    reader = _LineReader(process)
    try:
        ready = reader.next(READY_TIMEOUT_S)
    except queue.Empty:
        process.kill()
        raise RuntimeError("the gateway printed no ready line") from None
    return ServedGateway(process, ready["url"], ready["tenant_id"], ready["keys"])


@dataclass
class FaultProxy:
    """Drives ``fault-proxy-cli.ts``: reconfigure over stdin, collect its request and fault log."""

    process: subprocess.Popen[str]
    url: str
    _reader: _LineReader
    requests: list[dict[str, Any]] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def start(cls, target: str) -> FaultProxy:
        process = subprocess.Popen(
            [*_node_command(PROXY_CLI), "--target", target, "--json"],
            cwd=RELIABILITY_PACKAGE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        reader = _LineReader(process)
        ready = reader.next(READY_TIMEOUT_S)
        return cls(process, ready["url"], reader)

    def configure(
        self,
        mode: str,
        fault_rate: float = 1.0,
        seed: int = 1,
        trickle_interval_ms: int = TRICKLE_INTERVAL_MS,
    ) -> None:
        """Applies a fault mode. Also a barrier: every log line printed before it has been collected."""
        assert self.process.stdin is not None
        config = {
            "mode": mode,
            "faultRate": fault_rate,
            "seed": seed,
            "trickleIntervalMs": trickle_interval_ms,
        }
        line = json.dumps(config)
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        while self._take(READY_TIMEOUT_S).get("event") != "configured":
            pass

    def _take(self, timeout_s: float) -> dict[str, Any]:
        line = self._reader.next(timeout_s)
        if line.get("event") == "request":
            self.requests.append(line)
        elif line.get("event") == "fault":
            self.faults.append(line)
        return line

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()  # the CLI exits when its stdin ends
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def refund(goal: str, allowed: bool) -> dict[str, Any]:
    return {
        "goal": goal,
        "tool": REFUND_TOOL,
        "resource": f"stripe:charge:ch_{goal}",
        "args": {"amount": ALLOWED_AMOUNT if allowed else DENIED_AMOUNT, "currency": "usd"},
    }


def runnable(mode: str) -> set[str]:
    """Decision values under which ``execute`` may run; monitor runs always."""
    return {"allow", "warn"} if mode == "warn" else {"allow"}


def admin_get(gateway: ServedGateway, path: str) -> Any:
    response = httpx.get(gateway.url + path, headers={"authorization": f"Bearer {gateway.keys['admin']}"})
    response.raise_for_status()
    return response.json()


def fetch_ledger(gateway: ServedGateway) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = admin_get(gateway, f"/api/v1/evidence?after_seq={after}&limit={EVIDENCE_PAGE_LIMIT}")
        events.extend(page["events"])
        if page.get("next_after_seq") is None or not page["events"]:
            return events
        after = page["next_after_seq"]


def prepare_strict(gateway: ServedGateway, goals: list[str]) -> list[str]:
    """Approves the refund tool and issues single-use passports, straight at the gateway."""
    definition = {
        "name": REFUND_TOOL,
        "description": "Refund a charge (reliability suite).",
        "input_schema": {"type": "object", "properties": {"amount": {"type": "integer"}}},
    }
    admin = {"authorization": f"Bearer {gateway.keys['admin']}"}
    agent = {"authorization": f"Bearer {gateway.keys['agent']}"}
    httpx.put(f"{gateway.url}/api/v1/tools/{REFUND_TOOL}", json=definition, headers=admin).raise_for_status()
    tokens = []
    for goal in goals:  # a passport binds its goal: one per call that presents it
        body = {
            "audience": "reliability",
            "goal": goal,
            "allowed_tools": [REFUND_TOOL],
            "ttl_seconds": 3600,
        }
        response = httpx.post(f"{gateway.url}/api/v1/passports", json=body, headers=agent)
        response.raise_for_status()
        tokens.append(response.json()["token"])
    return tokens


@dataclass
class Audit:
    cases: int = 0
    faults_injected: int = 0
    wrongly_run: list[str] = field(default_factory=list)
    monitor_not_run: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    altered_in_transit: int = 0
    duplicate_decisions: list[str] = field(default_factory=list)
    duplicate_keys: list[str] = field(default_factory=list)
    key_changes: list[str] = field(default_factory=list)
    retries: int = 0
    chain_ok: bool = False


def audit(gateway: ServedGateway, calls: list[dict[str, Any]], proxy: FaultProxy, faults: int) -> Audit:
    """The same rules as ``auditFaultRun`` in packages/reliability/src/fault-matrix.ts."""
    decisions = [event for event in fetch_ledger(gateway) if event["type"] == "decision"]
    by_goal: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in decisions:
        by_goal[event["data"]["action"]["goal"]].append(event)
    result = Audit(cases=len(calls), faults_injected=faults)
    goals = {call["goal"] for call in calls}
    for call in calls:
        recorded = by_goal.get(call["goal"], [])
        if call["mode"] == "monitor":
            if not call["executed"]:
                result.monitor_not_run.append(call["goal"])
        elif call["executed"]:
            permits = runnable(call["mode"])
            backed = (
                call["source"] == "gateway"
                and call["decision"] in permits
                and len(recorded) == 1
                and recorded[0]["data"]["decision"] in permits
            )
            if not backed:
                result.wrongly_run.append(f"{call['goal']}: {call['decision']}/{call['source']} {recorded}")
        if call["source"] == "gateway":
            ids = {event["id"] for event in recorded}
            if not recorded:
                result.lost.append(f"{call['goal']}: received {call['evidence_event_id']}, ledger has none")
            elif call["evidence_event_id"] not in ids:
                if call["fault"] == "corrupt":
                    result.altered_in_transit += 1
                else:
                    result.lost.append(f"{call['goal']}: received {call['evidence_event_id']}, ledger {ids}")
    for goal, events in by_goal.items():
        if goal in goals and len(events) > 1:
            result.duplicate_decisions.append(goal)
    key_counts: dict[str, int] = defaultdict(int)
    for event in decisions:
        key = event["data"].get("idempotency_key_sha256")
        if key and event["data"]["action"]["goal"] in goals:
            key_counts[key] += 1
    result.duplicate_keys = [key for key, count in key_counts.items() if count > 1]
    keys_by_body: dict[str, set[str | None]] = defaultdict(set)
    preflights = 0
    for request in proxy.requests:
        if request["method"] == "POST" and request["path"].endswith("/actions/preflight"):
            preflights += 1
            keys_by_body[request["bodySha256"]].add(request["idempotencyKey"])
    result.key_changes = [body for body, keys in keys_by_body.items() if len(keys) != 1 or None in keys]
    result.retries = preflights - len(keys_by_body)
    result.chain_ok = admin_get(gateway, "/api/v1/evidence/verify").get("ok") is True
    return result


def write_report(name: str, row: dict[str, Any]) -> None:
    """For the reliability script's table: one JSON file per suite in ACTPASS_RELIABILITY_REPORT."""
    directory = os.environ.get("ACTPASS_RELIABILITY_REPORT")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    (Path(directory) / f"{name}.json").write_text(json.dumps(row))
