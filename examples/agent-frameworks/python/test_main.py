"""Runs the Python half of the example as a user would (``python main.py``) and checks its transcript."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_every_framework_blocks_and_tells_the_model() -> None:
    done = subprocess.run(
        [sys.executable, str(HERE / "main.py")], capture_output=True, text=True, timeout=300, cwd=HERE
    )
    assert done.returncode == 0, done.stderr
    sections = done.stdout.split("\n  ran in ")
    assert len(sections) == 5  # four frameworks
    assert done.stdout.count("model reads: refunded 4900 on ch_small") == 4
    assert done.stdout.count("model reads: BLOCKED refund.medium_needs_approval: ") == 4
    assert done.stdout.count("model reads: BLOCKED refund.large_denied: ") == 4
    assert done.stdout.count("ran in enforce: 4900; in monitor: 4900, 25000, 60000") == 4
