"""Retry timing beyond the shared vectors (``vectors/test_retry.py`` runs those)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from actpass._retry import backoff_ms, is_retryable_status, retry_wait_ms, server_requested_wait_ms

NOW = datetime(2026, 11, 23, 18, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("retry_index", "random", "expected"),
    [(0, 0.0, 500), (1, 0.0, 1000), (2, 0.0, 2000), (4, 0.0, 8000), (5, 0.0, 8000), (1000, 0.0, 8000),
     (0, 1.0, 375), (4, 1.0, 6000), (1, 0.5, 875), (0, 0.999999, 375)],
)  # fmt: skip
def test_backoff_is_exponential_capped_with_at_most_25_percent_jitter(
    retry_index: int, random: float, expected: int
) -> None:
    assert backoff_ms(retry_index, random) == expected


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 599])
def test_retryable_statuses(status: int) -> None:
    assert is_retryable_status(status)


@pytest.mark.parametrize("status", [200, 201, 301, 400, 401, 403, 404, 422])
def test_not_retryable_statuses(status: int) -> None:
    assert not is_retryable_status(status)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3000),
        ({"RETRY-AFTER-MS": "7"}, 7),
        ({"retry-after": " 2 "}, 2000),
        ({"Retry-After": format_datetime(NOW + timedelta(seconds=7), usegmt=True)}, 7000),
        ({"Retry-After": "Monday, 23-Nov-26 18:00:09 GMT"}, 9000),  # RFC 850 form is legal too
        ({"retry-after-ms": "60000"}, 60000),
    ],
)
def test_server_requested_wait(headers: dict[str, str], expected: int) -> None:
    assert server_requested_wait_ms(headers, now=NOW) == expected
    assert retry_wait_ms(3, headers, random=0.9, now=NOW) == expected


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "1e3"},
        {"Retry-After": "1_0"},
        {"Retry-After": "inf"},
        {"Retry-After": "nan"},
        {"Retry-After": "+3"},
        {"retry-after-ms": "60001"},
        {"Retry-After": format_datetime(NOW + timedelta(seconds=61), usegmt=True)},
    ],
)
def test_what_python_would_parse_but_the_contract_does_not_falls_back_to_backoff(
    headers: dict[str, str],
) -> None:
    assert server_requested_wait_ms(headers, now=NOW) is None
    assert retry_wait_ms(1, headers, random=0.0, now=NOW) == 1000
