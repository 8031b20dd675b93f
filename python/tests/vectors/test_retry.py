"""Shared retry-timing vectors (``packages/contract/vectors/retry/``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from _load import load_vectors  # pytest puts this folder on sys.path (no __init__.py)

from actpass._retry import retry_wait_ms

CASES = [
    pytest.param(case, id=f"{file}::{case['name']}")
    for file, data in load_vectors("retry")
    for case in data["cases"]
]


def test_vectors_exist() -> None:
    assert CASES


@pytest.mark.parametrize("case", CASES)
def test_retry_vector(case: dict[str, Any]) -> None:
    now = datetime.fromisoformat(case["now"].replace("Z", "+00:00")) if "now" in case else None
    wait = retry_wait_ms(case["attempt"], case["headers"], random=case["random"], now=now)
    assert wait == case["expect_wait_ms"]
