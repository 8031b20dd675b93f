"""Ids, times and hashes in the gateway's exact formats (so ledger events hash the same in both languages)."""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import datetime, timezone
from typing import Callable

from .._canonical import canonical_bytes

IdSource = Callable[[str], str]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes | None:
    """Canonical base64url only (no padding, no stray bits); None for anything else."""
    if not isinstance(text, str) or len(text) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None
    return data if b64url(data) == text else None


def random_id(prefix: str) -> str:
    """``prefix`` + 128 random bits, base64url: the gateway's event, approval, passport and request ids."""
    return prefix + b64url(os.urandom(16))


def sha256_hex(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def canonical_sha256(value: object) -> str:
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def iso_ms(now_ms: int) -> str:
    """JavaScript's ``new Date(ms).toISOString()``: UTC, milliseconds, ``Z``."""
    moment = datetime.fromtimestamp(now_ms // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{now_ms % 1000:03d}Z"


def parse_iso_ms(text: str) -> int:
    """Milliseconds since the epoch of an ISO 8601 UTC timestamp as ``iso_ms`` writes it."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return round(moment.timestamp() * 1000)
