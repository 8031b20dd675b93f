"""Runs the Python half of the example (``python fail_closed.py``) and checks what it printed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_python_client_fails_closed() -> None:
    done = subprocess.run(
        [sys.executable, str(HERE / "fail_closed.py")], capture_output=True, text=True, timeout=60, cwd=HERE
    )
    assert done.returncode == 0, done.stderr
    rows = re.findall(
        r"^  (.+?)\s{2,}(\w+)\s+-> (\w+) \((\S+)\) source=(\w+) enforced=(\w+) (EXECUTED|not executed)$",
        done.stdout,
        re.MULTILINE,
    )
    assert rows == [
        ("gateway up", "enforce", "allow", "refund.small_in_scope", "gateway", "True", "EXECUTED"),
        ("gateway down", "enforce", "deny", "client.unreachable", "client", "True", "not executed"),
        ("gateway down", "monitor", "deny", "client.unreachable", "client", "False", "EXECUTED"),
        ("gateway hangs", "enforce", "deny", "client.timeout", "client", "True", "not executed"),
    ]
    assert "gateway stopped" in done.stdout
