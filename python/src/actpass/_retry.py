"""When to retry and how long to wait: pure functions shared by both clients.

Waits are whole milliseconds so the Python and TypeScript clients agree exactly on the shared vectors
(``packages/contract/vectors/retry/``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from ._constants import (
    BACKOFF_BASE_MS,
    BACKOFF_CAP_MS,
    BACKOFF_JITTER,
    RETRY_AFTER_CAP_MS,
    RETRYABLE_STATUS_FLOOR,
    RETRYABLE_STATUSES,
)

__all__ = ["backoff_ms", "is_retryable_status", "retry_wait_ms", "server_requested_wait_ms"]

_DECIMAL = re.compile(r"\d+(?:\.\d+)?\Z")


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES or status >= RETRYABLE_STATUS_FLOOR


def backoff_ms(retry_index: int, random: float) -> int:
    """Exponential backoff before retry ``retry_index`` (0 = first retry), minus up to 25 % jitter."""
    # The exponent is clamped only to keep the integer small; the cap is reached long before.
    base = min(BACKOFF_BASE_MS << min(retry_index, 32), BACKOFF_CAP_MS)
    return math.floor(base * (1 - BACKOFF_JITTER * random))


def retry_wait_ms(
    retry_index: int, headers: Mapping[str, str] | None, *, random: float, now: datetime | None = None
) -> int:
    """The wait before retry ``retry_index``: what the server asked for when sane, else backoff."""
    requested = server_requested_wait_ms(headers, now=now)
    return requested if requested is not None else backoff_ms(retry_index, random)


def server_requested_wait_ms(headers: Mapping[str, str] | None, *, now: datetime | None = None) -> int | None:
    """``retry-after-ms`` if valid and within [0, 60 s], else ``Retry-After`` (decimal seconds or an
    HTTP-date) within the same bounds, else None. No jitter: the server chose the time."""
    if not headers:
        return None
    lowered = {key.lower(): value.strip() for key, value in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms is not None and _DECIMAL.match(raw_ms):
        wait = _bounded(float(raw_ms))
        if wait is not None:
            return wait
    raw = lowered.get("retry-after")
    if not raw:
        return None
    if _DECIMAL.match(raw):
        return _bounded(float(raw) * 1000)
    return _bounded(_ms_until(raw, now))


def _bounded(ms: float | None) -> int | None:
    if ms is None or not math.isfinite(ms) or not 0 <= ms <= RETRY_AFTER_CAP_MS:
        return None
    return math.floor(ms)


def _ms_until(http_date: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (when - (now or datetime.now(timezone.utc))).total_seconds() * 1000
