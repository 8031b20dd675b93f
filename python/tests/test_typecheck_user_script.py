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


def _mypy(script: Path) -> subprocess.CompletedProcess[str]:
    command = [_tool("mypy"), "--strict", "--no-incremental", "--cache-dir", os.devnull, "--python-version", "3.10", str(script)]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=HERE)


def _pyright(script: Path) -> subprocess.CompletedProcess[str]:
    # The script's `# pyright: strict` comment turns on strict mode for it.
    command = [_tool("pyright"), "--pythonpath", sys.executable, str(script)]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=HERE)


@pytest.mark.parametrize("check", [_mypy, _pyright], ids=["mypy", "pyright"])
def test_a_script_handling_both_kinds_type_checks(check: object) -> None:
    run = check(HERE / "both_kinds.py")  # type: ignore[operator]
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("check", [_mypy, _pyright], ids=["mypy", "pyright"])
def test_reading_a_gateway_field_without_narrowing_is_rejected(check: object) -> None:
    run = check(HERE / "unnarrowed.py")  # type: ignore[operator]
    assert run.returncode != 0
    assert "evidence_event_id" in run.stdout, run.stdout + run.stderr
