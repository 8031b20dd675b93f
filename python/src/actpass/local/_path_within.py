"""The ``path_within`` operator: does a file path, once normalised, stay inside a directory?

``starts_with "/srv/allowed/"`` is no containment test (``/srv/allowed/../etc/passwd`` starts with it).
Paths are compared segment by segment after lexical normalisation (``.`` dropped, ``..`` pops, repeated
and trailing ``/`` ignored), failing closed on what file servers read differently: a ``..`` climbing
above the start, a backslash, NUL or another control character, an absolute/relative mismatch, a
relative path starting with ``~`` or holding ``:`` in its first segment. An array matches only when it is
non-empty and every element matches. Lexical only: there is no filesystem, so symlinks are not followed.
"""

from __future__ import annotations

import re
from typing import Callable

_UNREADABLE = re.compile("[\\\\\x00-\x1f\x7f]")


def path_within_value_problem(value: str) -> str | None:
    """Why a directory value cannot be used, or None when it can. Checked when the policy loads."""
    if value == "":
        return 'operator "path_within" needs a non-empty directory'
    if _UNREADABLE.search(value):
        return 'operator "path_within" directory must not contain "\\", NUL or control characters'
    if ".." in value.split("/"):
        return 'operator "path_within" directory must not contain ".." segments'
    return None


def _normalise(path: str) -> tuple[bool, list[str]] | None:
    absolute = path.startswith("/")
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not segments:
                return None
            segments.pop()
            continue
        segments.append(segment)
    return absolute, segments


def bind_path_within(directory: str) -> Callable[[object], bool]:
    root = _normalise(directory)
    if root is None:
        return lambda _actual: False
    root_absolute, root_segments = root

    def within(candidate: object) -> bool:
        if not isinstance(candidate, str) or candidate == "" or _UNREADABLE.search(candidate):
            return False
        normalised = _normalise(candidate)
        if normalised is None or normalised[0] != root_absolute:
            return False
        absolute, segments = normalised
        if not absolute:
            first = next((s for s in candidate.split("/") if s not in ("", ".")), None)
            if first is not None and (first.startswith("~") or ":" in first):
                return False
        if len(segments) < len(root_segments):
            return False
        return all(segments[i] == segment for i, segment in enumerate(root_segments))

    def test(actual: object) -> bool:
        if isinstance(actual, list):
            return len(actual) > 0 and all(within(element) for element in actual)
        return within(actual)

    return test
