"""Serve the embedded ActPass gateway on loopback for the length of a ``with`` block.

It runs ``actpass dev --json`` (the gateway's CLI, ``packages/gateway/dist/cli.js``) on a free port
with its state in a temporary directory, and yields the one JSON line the CLI prints once it listens:
``{"ready": true, "url": ..., "tenant_id": ..., "keys": {"agent", "approver", "admin"}, "jwks_url": ...}``.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "packages" / "gateway" / "dist" / "cli.js"
READY_TIMEOUT_S = 30.0


class DevGateway:
    def __init__(self, process: subprocess.Popen[str], ready: dict[str, Any]) -> None:
        self.process = process
        self.url: str = ready["url"]
        self.tenant_id: str = ready["tenant_id"]
        self.keys: dict[str, str] = ready["keys"]
        self.jwks_url: str = ready["jwks_url"]

    def stop(self) -> None:
        """Stop the gateway now (the fail-closed example does this mid-run)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def dev_gateway() -> Iterator[DevGateway]:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("the example needs Node.js >= 20 on PATH to serve the gateway")
    if not CLI.exists():
        raise RuntimeError(f"{CLI} is missing: run `pnpm --filter @actpass/gateway build` first")
    with tempfile.TemporaryDirectory(prefix="actpass-example-") as state:
        # The vault refuses secrets without a key-encryption key: give it a fresh one for this run.
        env = {**os.environ, "ACTPASS_VAULT_KEY": base64.b64encode(os.urandom(32)).decode()}
        process = subprocess.Popen(
            [node, str(CLI), "dev", "--host", "127.0.0.1", "--port", "0", "--dir", state, "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        gateway = None
        try:
            gateway = DevGateway(process, _ready_line(process))
            yield gateway
        finally:
            if gateway is not None:
                gateway.stop()
            else:
                process.kill()
                process.wait()


def _ready_line(process: subprocess.Popen[str]) -> dict[str, Any]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        # Keep draining stdout so the gateway never blocks on a full pipe.
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put("")  # the gateway exited

    threading.Thread(target=pump, daemon=True).start()
    try:
        line = lines.get(timeout=READY_TIMEOUT_S)
    except queue.Empty:
        line = ""
    if not line.strip():
        raise RuntimeError(f"the gateway did not start (exit code {process.poll()})")
    ready: dict[str, Any] = json.loads(line)
    return ready
