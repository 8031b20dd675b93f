"""Runs the example as a user would (``python main.py``) and checks what it printed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_example() -> str:
    done = subprocess.run(
        [sys.executable, str(HERE / "main.py")], capture_output=True, text=True, timeout=60, cwd=HERE
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def outcomes(section: str) -> list[tuple[str, str, bool]]:
    """(label, "decision (reason)", refund sent) for every guarded call printed in a section."""
    found = re.findall(r"^  (\$\S+ .+?)\s+-> (\S+ \([^)]+\))(, refund sent)?$", section, re.MULTILINE)
    return [(label.strip(), outcome, bool(sent)) for label, outcome, sent in found]


def test_sync_and_async_refund_flows() -> None:
    out = run_example()
    assert out.startswith("gateway: http://127.0.0.1:")
    sync, async_ = out.split("sync: ActPassClient\n")[1].split("async: AsyncActPassClient\n")

    assert outcomes(sync) == [
        ("$49.00 on ch_2001", "allow (refund.small_in_scope)", True),
        ("$250.00 on ch_2002", "require_approval (refund.medium_needs_approval)", False),
        ("$250.00 re-run with the approval", "allow (approval.granted)", True),
        ("$250.00 re-run again", "deny (approval.expired)", False),
        ("$900.00 on ch_2003", "deny (refund.large_denied)", False),
        ("$49.00 on ch_2001, spent passport", "deny (passport.replayed)", False),
    ]
    assert re.search(r"approver: apr_\S+ -> approved", sync)
    assert "Stripe received 2 refund(s)" in sync

    assert outcomes(async_) == [
        ("$49.00 on ch_3001", "allow (refund.small_in_scope)", True),
        ("$250.00 on ch_3002", "require_approval (refund.medium_needs_approval)", False),
        ("$900.00 on ch_3003", "deny (refund.large_denied)", False),
        ("$250.00 re-run with the approval", "allow (approval.granted)", True),
    ]
    assert "Stripe received 2 refund(s)" in async_
    # The vaulted secret reaches execute_fn but is never printed.
    assert "sk_test_example_not_a_real_key" not in out
