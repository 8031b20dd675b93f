"""Benchmarks for the Python client (not a test): ``python bench/bench_client.py [--calls N] [--no-write]``.

1. ``import actpass`` time: median of 15 fresh interpreters, from ``-X importtime`` (cumulative µs of
   the ``actpass`` module), beside ``import httpx`` alone for scale.
2. Client overhead: the same preflight POST sent N times to a loopback ``ThreadingHTTPServer`` that
   answers a canned decision, once with raw httpx and once through the client (sync and async). The
   difference is what the client adds: body building, idempotency key, strict JSON parse, validation.

Appends a "## Python client" section to ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

import actpass

ROOT = Path(__file__).resolve().parents[2]
IMPORT_RUNS = 15
DECISION = json.dumps(
    {
        "decision": "allow", "reason_code": "refund.small_in_scope", "risk_tier": "low", "mode": "enforce",
        "enforced": True, "source": "gateway",
        "explain": {"summary": "Small refunds are allowed.", "matched_rules": ["r1"], "next_steps": []},
        "evidence_event_id": "ev_bench", "action_hash": "a" * 64,
        "policy": {"id": "refunds", "version": 1, "hash": "b" * 64},
        "request_id": "req_bench", "decided_at": "2026-11-23T18:00:00.000Z",
    }
).encode()  # fmt: skip
ACTION = {
    "goal": "resolve_refund_request",
    "tool": "stripe.refund.create",
    "args": {"amount": 4900, "currency": "usd"},
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real gateway
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus delayed ACK adds ~40 ms.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(DECISION)))
        self.send_header("x-request-id", "req_bench")
        self.end_headers()
        self.wfile.write(DECISION)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def import_time_ms() -> tuple[float, float]:
    """Median cumulative ms of ``import actpass``, and of the ``httpx`` it pulls in (same processes)."""
    totals, httpx_parts = [], []
    for _ in range(IMPORT_RUNS):
        command = [sys.executable, "-X", "importtime", "-c", "import actpass"]
        lines = subprocess.run(command, capture_output=True, text=True, check=True).stderr.splitlines()
        cumulative = {}
        for line in lines:
            if line.count("|") == 2 and not line.rstrip().endswith("package"):
                _, total, name = line.split("|")
                if total.strip().isdigit():
                    cumulative[name.strip()] = int(total) / 1000
        totals.append(cumulative["actpass"])
        httpx_parts.append(cumulative.get("httpx", 0.0))
    return statistics.median(totals), statistics.median(httpx_parts)


def bench_sync(url: str, calls: int) -> tuple[float, float]:
    with httpx.Client() as http:
        headers = {"authorization": "Bearer k", "content-type": "application/json"}
        body = json.dumps({**ACTION, "mode": "enforce"}).encode()
        for _ in range(50):
            http.post(f"{url}/api/v1/actions/preflight", content=body, headers=headers).json()
        start = time.perf_counter()
        for _ in range(calls):
            http.post(f"{url}/api/v1/actions/preflight", content=body, headers=headers).json()
        raw = (time.perf_counter() - start) / calls
    with actpass.ActPassClient("k", base_url=url) as client:
        for _ in range(50):
            client.preflight(**ACTION)
        start = time.perf_counter()
        for _ in range(calls):
            d = client.preflight(**ACTION)
        ours = (time.perf_counter() - start) / calls
        assert d["decision"] == "allow" and d["source"] == "gateway"
    return raw, ours


async def bench_async(url: str, calls: int) -> tuple[float, float]:
    async with httpx.AsyncClient() as http:
        headers = {"authorization": "Bearer k", "content-type": "application/json"}
        body = json.dumps({**ACTION, "mode": "enforce"}).encode()
        for _ in range(50):
            (await http.post(f"{url}/api/v1/actions/preflight", content=body, headers=headers)).json()
        start = time.perf_counter()
        for _ in range(calls):
            (await http.post(f"{url}/api/v1/actions/preflight", content=body, headers=headers)).json()
        raw = (time.perf_counter() - start) / calls
    async with actpass.AsyncActPassClient("k", base_url=url) as client:
        for _ in range(50):
            await client.preflight(**ACTION)
        start = time.perf_counter()
        for _ in range(calls):
            d = await client.preflight(**ACTION)
        ours = (time.perf_counter() - start) / calls
        assert d["decision"] == "allow"
    return raw, ours


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument(
        "--no-write", action="store_true", help="print only; do not append to docs/benchmarks.md"
    )
    args = parser.parse_args()

    actpass_ms, httpx_ms = import_time_ms()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        sync_raw, sync_ours = bench_sync(url, args.calls)
        async_raw, async_ours = asyncio.run(bench_async(url, args.calls))
    finally:
        server.shutdown()

    def row(name: str, raw: float, ours: float) -> str:
        added = f"{(ours - raw) * 1e6:+.0f} ({(ours / raw - 1) * 100:+.0f} %)"
        return f"| {name} | {raw * 1e6:.0f} | {ours * 1e6:.0f} | {added} |"

    table = "\n".join(
        [
            f"`import actpass`: **{actpass_ms:.1f} ms** median of {IMPORT_RUNS} fresh interpreters "
            f"(`-X importtime`, cumulative; target ≤ 150 ms), of which {httpx_ms:.1f} ms is httpx. "
            "`cryptography` is imported only by `verify_export`.",
            "",
            f"Client overhead, {args.calls} sequential preflight calls to a loopback `ThreadingHTTPServer` "
            "answering a canned decision (µs per call, mean):",
            "",
            "| client | raw httpx | actpass | actpass adds |",
            "|---|---:|---:|---:|",
            row("sync (`ActPassClient`)", sync_raw, sync_ours),
            row("async (`AsyncActPassClient`)", async_raw, async_ours),
        ]
    )
    print(table)
    if not args.no_write:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
        machine = f"Python {platform.python_version()}, {platform.system()} {platform.machine()}{load}"
        section = (
            f"\n## Python client\n\nMeasured {stamp} on {machine} with "
            f"`cd python && .venv/bin/python bench/bench_client.py`.\n\n{table}\n"
        )
        docs = ROOT / "docs" / "benchmarks.md"
        if not docs.exists():
            docs.parent.mkdir(parents=True, exist_ok=True)
            docs.write_text("# Benchmarks\n", encoding="utf-8")
        with docs.open("a", encoding="utf-8") as handle:
            handle.write(section)
        print(f"\nappended to {docs.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
