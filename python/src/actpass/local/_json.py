"""JSON values as the TypeScript gateway sees them, in Python.

Python's types blur what JSON keeps apart: ``True == 1`` and ``1 == 1.0`` hold in Python, and ``str``
compares by code point where JavaScript compares by UTF-16 code unit. Every comparison the gateway's
decisions depend on goes through these helpers, so a Python decision is the TypeScript one.
"""

from __future__ import annotations

import math
from typing import Any, Final

MAX_SAFE_INTEGER: Final = 2**53 - 1


class _Missing:
    """Marks a path that does not resolve (distinct from a present ``null``)."""

    _instance: _Missing | None = None

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


def is_number(value: object) -> bool:
    """A JSON number: an int or a float, never a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_finite_number(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and math.isfinite(value)
    )


def is_safe_integer(value: object) -> bool:
    """JavaScript's ``Number.isSafeInteger``: ``5.0`` is one (JSON cannot tell it from ``5``)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer() and abs(value) <= MAX_SAFE_INTEGER
    return False


def utf16_key(text: str) -> bytes:
    """Sort key giving JavaScript's string order (UTF-16 code units), not Python's (code points)."""
    return text.encode("utf-16-be", "surrogatepass")


def is_array_index(key: str) -> bool:
    """A canonical array index: ``0`` or digits without a leading zero (not ``01``, not ``length``)."""
    if key == "0":
        return True
    if not key or len(key) > 15 or not ("1" <= key[0] <= "9"):
        return False
    return all("0" <= c <= "9" for c in key[1:])


def own_value(container: object, key: str) -> Any:
    """A member of an object or an element of an array; MISSING otherwise (strings have no members)."""
    if isinstance(container, dict):
        return container.get(key, MISSING)
    if isinstance(container, list):
        if not is_array_index(key):
            return MISSING
        index = int(key)
        return container[index] if index < len(container) else MISSING
    return MISSING


def resolve_path(root: object, segments: tuple[str, ...]) -> Any:
    current: Any = root
    for segment in segments:
        current = own_value(current, segment)
        if current is MISSING:
            return MISSING
    return current


def json_equals(expected: object, actual: object) -> bool:
    """Structural JSON equality without coercion: ``1`` != ``"1"`` != ``true``; member order ignored."""
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual is expected
    if isinstance(expected, (int, float)):
        return is_number(actual) and actual == expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return False
        return all(json_equals(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or len(actual) != len(expected):
            return False
        for key, member in expected.items():
            if key not in actual or not json_equals(member, actual[key]):
                return False
        return True
    return False
