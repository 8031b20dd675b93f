"""The Python client against a server in ANOTHER process, in interleaved rounds (not a test).

``cd python && .venv/bin/python bench/bench_out_of_process.py [--rounds 7] [--calls 300] [--json]``

``--json`` prints one JSON line of per-round medians last (the gateway's ``bench/report.ts`` reads it).

Per round, the same sequential preflight POST through raw httpx and through the client (sync and
async), and ``guard()`` beside ``preflight()`` + execute; each shape's median latency per round, then
the median and spread of the per-round ratios. The server (``bench_client._Handler`` also answering
evidence POSTs) runs in a child interpreter, so the client's work and the server's do not share a GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

import httpx

import actpass

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_client import ACTION, DECISION

EVENT = json.dumps(
    {
        "v": 1, "seq": 2, "id": "ev_bench2", "tenant_id": "acme", "type": "action.outcome",
        "at": "2026-11-23T18:00:00.000Z", "data": {}, "prev_hash": "0" * 64, "hash": "c" * 64,
    }
).encode()  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        evidence = self.path.endswith("/evidence")
        body = EVENT if evidence else DECISION
        self.send_response(201 if evidence else 200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def median_latency(call: Callable[[], Any], calls: int, before: Callable[[], Any] | None = None) -> float:
    samples = []
    for _ in range(calls):
        if before is not None:
            before()  # untimed
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def amedian_latency(
    call: Callable[[], Awaitable[Any]], calls: int, before: Callable[[], Awaitable[Any]] | None = None
) -> float:
    samples = []
    for _ in range(calls):
        if before is not None:
            await before()  # untimed
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def execute(_context: Any = None) -> dict[str, str]:
    return {"refund": "re_1"}


def sync_round(url: str, http: httpx.Client, client: actpass.ActPassClient, calls: int) -> dict[str, float]:
    headers = {"authorization": "Bearer k", "content-type": "application/json"}
    body = json.dumps({**ACTION, "mode": "enforce"}).encode()

    def preflight_execute() -> None:
        if client.preflight(**ACTION)["decision"] == "allow":
            execute()

    shapes: dict[str, Callable[[], Any]] = {
        "raw": lambda: http.post(f"{url}/api/v1/actions/preflight", content=body, headers=headers).json(),
        "preflight": lambda: client.preflight(**ACTION),
        "preflight_execute": preflight_execute,
        "guard": lambda: client.guard(**ACTION, execute_fn=execute),
        # The previous call's outcome record sent first (untimed), as it is when anything happens
        # between tool calls.
        "guard_settled": lambda: client.guard(**ACTION, execute_fn=execute),
    }
    before = {"guard_settled": client.flush}
    row = {}
    for name, call in shapes.items():
        row[name] = median_latency(call, calls, before.get(name))
        client.flush()
    return row


async def async_round(
    url: str, http: httpx.AsyncClient, client: actpass.AsyncActPassClient, calls: int
) -> dict[str, float]:
    headers = {"authorization": "Bearer k", "content-type": "application/json"}
    body = json.dumps({**ACTION, "mode": "enforce"}).encode()

    async def raw() -> None:
        (await http.post(f"{url}/api/v1/actions/preflight", content=body, headers=headers)).json()

    async def preflight() -> None:
        await client.preflight(**ACTION)

    async def preflight_execute() -> None:
        if (await client.preflight(**ACTION))["decision"] == "allow":
            execute()

    async def guard() -> None:
        await client.guard(**ACTION, execute_fn=execute)

    shapes = {
        "raw": raw,
        "preflight": preflight,
        "preflight_execute": preflight_execute,
        "guard": guard,
        "guard_settled": guard,
    }
    before = {"guard_settled": client.flush}
    row = {}
    for name, call in shapes.items():
        row[name] = await amedian_latency(call, calls, before.get(name))
        await client.flush()
    return row


def summarise(label: str, rows: list[dict[str, float]]) -> list[str]:
    def ratio(a: str, b: str) -> str:
        values = [row[a] / row[b] for row in rows]
        return f"{statistics.median(values):.3f} ({min(values):.2f} to {max(values):.2f})"

    raw_us = statistics.median(row["raw"] for row in rows) * 1e6
    return [
        f"| {label} | {raw_us:.0f} | {ratio('preflight', 'raw')} "
        f"| {ratio('guard_settled', 'preflight_execute')} | {ratio('guard', 'preflight_execute')} |",
    ]


def main() -> int:
    if "--serve" in sys.argv:
        serve()
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        sync_rows, async_rows = [], []
        with httpx.Client() as http, actpass.ActPassClient("k", base_url=url) as client:
            sync_round(url, http, client, 50)  # warm-up

            async def run_async() -> None:
                async with (
                    httpx.AsyncClient() as ahttp,
                    actpass.AsyncActPassClient("k", base_url=url) as aclient,
                ):
                    await async_round(url, ahttp, aclient, 50)
                    for _ in range(args.rounds):
                        sync_rows.append(sync_round(url, http, client, args.calls))
                        async_rows.append(await async_round(url, ahttp, aclient, args.calls))

            asyncio.run(run_async())
    finally:
        server.terminate()
        server.wait(timeout=10)
    if args.json:
        python = sys.version.split()[0]
        print(json.dumps({"python": python, "calls": args.calls, "sync": sync_rows, "async": async_rows}))
        return 0
    lines = [
        f"Python {sys.version.split()[0]}; server in a child interpreter; {args.rounds} interleaved rounds "
        f"of {args.calls} sequential calls per shape; per-round medians, ratios as median (spread).",
        "",
        "| client | raw httpx median µs | client / raw httpx (target ≤ 1.2) "
        "| guard, previous record sent / (preflight + execute) (target ≤ 1.1) "
        "| guard back to back / (preflight + execute) |",
        "|---|---:|---:|---:|---:|",
        *summarise("sync (`ActPassClient`)", sync_rows),
        *summarise("async (`AsyncActPassClient`)", async_rows),
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
