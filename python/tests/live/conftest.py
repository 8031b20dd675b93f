"""Starts the REAL gateway (``node packages/gateway/dist/cli.js dev``) on loopback once per session.

No skip: when the gateway is not built these tests fail and say how to build it. Deselect them with
``-m "not live"`` when working without Node.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
CLI = ROOT / "packages" / "gateway" / "dist" / "cli.js"
READY_TIMEOUT_S = 30.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/live/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.live)


@pytest.fixture(scope="session")
def live_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("live tests need Node.js >= 20 on PATH (or deselect them with -m 'not live')")
    if not CLI.exists():
        pytest.fail(
            f"the gateway CLI {CLI.relative_to(ROOT)} is missing: build it with "
            "`pnpm install && pnpm --filter @actpass/gateway build` (or deselect with -m 'not live')"
        )
    state = tmp_path_factory.mktemp("gateway")
    env = {**os.environ, "ACTPASS_VAULT_KEY": base64.b64encode(os.urandom(32)).decode()}
    stderr = (state / "stderr.log").open("w")
    process = subprocess.Popen(
        [node, str(CLI), "dev", "--host", "127.0.0.1", "--port", "0", "--dir", str(state / "data"), "--json"],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=env,
        text=True,
    )
    try:
        ready = _read_ready_line(process)
        if not ready.get("ready") or not str(ready.get("url", "")).startswith("http://127.0.0.1:"):
            pytest.fail(f"the gateway printed an unexpected ready line: {ready}")
        yield ready
    except BaseException:
        process.terminate()
        stderr.flush()
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        stderr.close()


def _read_ready_line(process: subprocess.Popen[str]) -> dict[str, Any]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        # Keep draining stdout so a chatty gateway never blocks on a full pipe.
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        line = lines.get(timeout=READY_TIMEOUT_S)
    except queue.Empty:
        pytest.fail(
            f"the gateway printed no ready line within {READY_TIMEOUT_S:.0f} s (exit code {process.poll()})"
        )
    try:
        ready = json.loads(line)
    except json.JSONDecodeError:
        pytest.fail(f"the gateway's first stdout line is not JSON: {line[:200]!r}")
    if not isinstance(ready, dict):
        pytest.fail(f"the gateway's ready line is not an object: {line[:200]!r}")
    return ready
