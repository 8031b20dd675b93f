"""Shared vectors for agent-supplied text shown to the model (``packages/contract/vectors/printable/``)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from _load import load_vectors  # pytest puts this folder on sys.path (no __init__.py)

from actpass.adapters._printable import printable

FILES = load_vectors("printable")
CASES = [pytest.param(case, id=f"{file}::{case['name']}") for file, data in FILES for case in data["cases"]]


def test_vectors_exist() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_printable(case: dict[str, Any]) -> None:
    limit = math.inf if case["max"] is None else case["max"]
    shown = printable(case["text"], limit)
    assert shown == case["shown"]
    if case["max"] is not None:
        assert sum(2 if ord(char) > 0xFFFF else 1 for char in shown) <= case["max"]
