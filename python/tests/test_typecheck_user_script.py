"""``mypy --strict`` and ``pyright`` (strict) accept a user script that handles both decision kinds
(``user_scripts/both_kinds.py``) and reject one that reads a gateway-only field without narrowing
(``user_scripts/unnarrowed.py``). Skipped only when a checker is not installed (``pip install -e '.[dev]'``
brings both)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "user_scripts"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (pip install -e 'python[dev]')")
    return str(found)


SCRIPTS = [HERE / "both_kinds.py", HERE / "unnarrowed.py"]


def _mypy() -> subprocess.CompletedProcess[str]:
    command = [_tool("mypy"), "--strict", "--no-incremental", "--cache-dir", os.devnull,
               "--python-version", "3.10", *map(str, SCRIPTS)]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=HERE)


def _pyright() -> subprocess.CompletedProcess[str]:
    # Each script's `# pyright: strict` comment turns on strict mode for it.
    command = [_tool("pyright"), "--pythonpath", sys.executable, *map(str, SCRIPTS)]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=HERE)


@pytest.fixture(scope="module", params=[_mypy, _pyright], ids=["mypy", "pyright"])
def report(request: pytest.FixtureRequest) -> str:
    """One run of the checker over both scripts (each run costs seconds); its error lines."""
    run = request.param()
    output = run.stdout + run.stderr
    assert run.returncode != 0, output  # unnarrowed.py must fail, so the run as a whole fails
    return output


def _errors_in(output: str, script: str) -> list[str]:
    return [line for line in output.splitlines() if script in line and "error" in line]


def test_a_script_handling_both_kinds_type_checks(report: str) -> None:
    assert _errors_in(report, "both_kinds.py") == []


def test_reading_a_gateway_field_without_narrowing_is_rejected(report: str) -> None:
    assert _errors_in(report, "unnarrowed.py"), report
    # The error names the key a client decision does not have (both checkers say so, pyright on the
    # line after the error's own).
    assert "evidence_event_id" in report, report
