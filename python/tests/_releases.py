"""Which release of a framework an adapter's tests must find installed. The OpenAI Agents SDK, Google
ADK and MCP client adapters are tested twice: at the dev pins in python/.venv and at the current releases
in python/.venv-next (scripts/test_frameworks_next.sh), so each run asserts it holds the release it is
meant to test."""

from __future__ import annotations

import os
import re
from importlib.metadata import version
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def expected_release(distribution: str) -> str:
    """The release series wanted: from ``ACTPASS_EXPECT_RELEASES`` (``"name=series …"``, which
    test_frameworks_next.sh sets), else the exact pin in pyproject.toml's dev list."""
    wanted = os.environ.get("ACTPASS_EXPECT_RELEASES")
    if wanted:
        series = dict(item.split("=", 1) for item in wanted.split())
        assert distribution in series, f"ACTPASS_EXPECT_RELEASES names no release of {distribution}"
        return series[distribution]
    pin = re.search(rf'"{re.escape(distribution)}==([^";]+)', PYPROJECT.read_text(encoding="utf-8"))
    assert pin is not None, f"pyproject.toml's dev list pins no {distribution}"
    return pin.group(1)


def assert_release(distribution: str) -> str:
    installed = version(distribution)
    series = expected_release(distribution)
    assert installed == series or installed.startswith(f"{series}."), (
        f"{distribution} {installed} is installed, but this run tests {series}"
    )
    return installed
