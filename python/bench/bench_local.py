"""Benchmarks for actpass.local (not a test): ``python bench/bench_local.py [--calls N]``.

1. One local decision (refunds pack, $49 refund, allow): p50/p95 of ``evaluate`` alone, of
   ``LocalGateway.handle`` (validation, pipeline, ledger append with its hash), and of
   ``client.preflight`` through the in-process transport (what an agent's unit test pays).
2. The TypeScript gateway's own in-process ``fetch`` on the same request, for scale (needs Node and a
   built packages/gateway/dist; skipped otherwise).
3. Differential throughput: one 5,000-operation stream of the differential test, run by each side.

Prints the numbers; docs/benchmarks.md keeps a copy by hand (one run on a shared, loaded machine).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python" / "tests" / "local" / "differential"))

from actpass.local import LocalGateway, load_pack  # noqa: E402
from actpass.local._policy import evaluate  # noqa: E402

ACTION = {"goal": "refund", "tool": "stripe.refund.create", "args": {"amount": 4900, "currency": "usd"}}
TS_TIMER = """
const { createDevGateway } = await import(process.argv[1]);
const dev = createDevGateway({ tenants: ['acme'], policy: 'refunds' });
const body = JSON.stringify(%s);
const times = [];
for (let i = 0; i < %d; i++) {
  const start = process.hrtime.bigint();
  const r = await dev.gateway.fetch(new Request('http://x/api/v1/actions/preflight', { method: 'POST',
    headers: { authorization: `Bearer ${dev.keys.agent}`, 'content-type': 'application/json' }, body }));
  await r.text();
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.floor(times.length * q)];
console.log(JSON.stringify({ p50: at(0.5), p95: at(0.95) }));
"""


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95)]


def timed(call: Any, calls: int) -> tuple[float, float]:
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def show(label: str, p50_p95: tuple[float, float]) -> None:
    print(f"{label:<17} p50 {p50_p95[0]:.4f} ms  p95 {p50_p95[1]:.4f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000)
    calls = parser.parse_args().calls

    policy = load_pack("refunds")
    data = {**ACTION, "mode": "enforce", "context": {}}
    show("evaluate", timed(lambda: evaluate(policy, data), calls))

    gateway = LocalGateway("refunds")
    headers = {"authorization": f"Bearer {gateway.key('agent')}"}
    raw = json.dumps(ACTION).encode()
    handle = lambda: gateway.handle("POST", "/api/v1/actions/preflight", {}, headers, raw)  # noqa: E731
    show("gateway.handle", timed(handle, calls))

    client = LocalGateway("refunds").client("agent")
    show("client.preflight", timed(lambda: client.preflight(**ACTION), calls))
    client.close()

    node = shutil.which("node")
    entry = ROOT / "packages" / "gateway" / "dist" / "index.js"
    if node and entry.exists():
        script = TS_TIMER % (json.dumps(ACTION), calls)
        done = subprocess.run([node, "--input-type=module", "-e", script, entry.as_uri()],
                              capture_output=True, text=True, check=True)  # fmt: skip
        ts = json.loads(done.stdout)
        print(f"TS gateway.fetch  p50 {ts['p50']:.4f} ms  p95 {ts['p95']:.4f} ms")

    from stream import make_stream, run_local

    ops = make_stream(11, 5000, 1_800_000_000_000)
    clock = [0]
    local = LocalGateway("refunds", clock=lambda: clock[0])
    start = time.perf_counter()
    run_local(local, ops, clock)
    seconds = time.perf_counter() - start
    print(f"differential, Python side: {len(ops)} ops in {seconds:.2f} s = {len(ops) / seconds:.0f} ops/s")
    if node and entry.exists():
        sys.path.insert(0, str(ROOT / "python" / "tests" / "local"))
        import test_differential as differential

        start = time.perf_counter()
        differential.finish_typescript(differential.start_typescript(ops))
        seconds = time.perf_counter() - start
        print(f"differential, TS side (process included): {len(ops)} ops in {seconds:.2f} s "
              f"= {len(ops) / seconds:.0f} ops/s")  # fmt: skip


if __name__ == "__main__":
    main()
