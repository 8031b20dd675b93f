"""Naming the likely value behind a typo: ``mode="enforse"`` → ``did you mean "enforce"?``."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["nearest"]


def _distance(a: str, b: str) -> int:
    """Edit distance, case-insensitive."""
    x, y = a.lower(), b.lower()
    previous = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        current = [i]
        for j, cy in enumerate(y, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cx != cy)))
        previous = current
    return previous[-1]


def nearest(value: object, choices: Sequence[str]) -> str:
    """The choice closest to ``value`` (the first on a tie; the first when ``value`` is not a string)."""
    if not isinstance(value, str):
        return choices[0]
    return min(choices, key=lambda choice: _distance(value, choice))
