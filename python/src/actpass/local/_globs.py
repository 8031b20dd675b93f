"""Globs over names, shared by policies and passports; the same rules as the TypeScript gateway.

- The plain glob: ``*`` matches any run of characters (none included); every other character, ``?``,
  ``[`` and ``\\`` included, matches only itself; case-sensitive.
- A tool name is dot-separated segments of ``[A-Za-z0-9_-]+``. In a tool glob ``*`` stays within one
  segment and a whole ``**`` segment matches any number of segments (none included); a text that is not
  a tool name matches nothing, and an invalid pattern matches nothing (fail closed).
- In a resource glob ``*`` does not cross ``:`` or ``/`` and ``**`` crosses both; the pattern that is
  exactly ``*`` matches every resource.

Nothing here builds a regular expression from a pattern, so a hostile pattern is never a program: the
matchers keep the set of reachable text positions, O(pattern x text), no backtracking.
"""

from __future__ import annotations

import re
from typing import Callable

GlobMatcher = Callable[[str], bool]

_TOOL_NAME = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\Z")
_TOOL_GLOB_SEGMENT = re.compile(r"[A-Za-z0-9_*-]+\Z")
_ANY_SEGMENTS = "**"
_RESOURCE_SEPARATORS = frozenset(":/")


def is_tool_name(text: object) -> bool:
    return isinstance(text, str) and _TOOL_NAME.match(text) is not None


def compile_glob(pattern: str) -> GlobMatcher:
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return lambda text: text == pattern
    prefix, suffix = pieces[0], pieces[-1]
    middles = [piece for piece in pieces[1:-1] if piece]
    fixed = len(prefix) + len(suffix)

    def matches(text: str) -> bool:
        if len(text) < fixed or not text.startswith(prefix) or not text.endswith(suffix):
            return False
        end = len(text) - len(suffix)
        start = len(prefix)
        # Each middle piece at its leftmost place always leaves the most room for the rest.
        for piece in middles:
            at = text.find(piece, start)
            if at < 0 or at + len(piece) > end:
                return False
            start = at + len(piece)
        return True

    return matches


def glob_match(pattern: str, text: str) -> bool:
    return compile_glob(pattern)(text)


def tool_glob_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a tool glob, or None when it is."""
    for segment in pattern.split("."):
        if segment == _ANY_SEGMENTS:
            continue
        if _TOOL_GLOB_SEGMENT.match(segment) is None or _ANY_SEGMENTS in segment:
            return (
                f'"{pattern}" is not a tool glob: dot-separated segments of [A-Za-z0-9_-] and "*", '
                'or a whole "**" segment'
            )
    return None


def compile_tool_glob(pattern: str) -> GlobMatcher:
    if tool_glob_problem(pattern) is not None:
        return lambda _text: False
    segments = [None if s == _ANY_SEGMENTS else compile_glob(s) for s in pattern.split(".")]

    def matches(text: str) -> bool:
        if not is_tool_name(text):
            return False
        parts = text.split(".")
        # reachable[j]: the pattern segments so far can consume exactly the first j text segments.
        reachable = [False] * (len(parts) + 1)
        reachable[0] = True
        for segment in segments:
            following = [False] * (len(parts) + 1)
            seen = False
            for j in range(len(parts) + 1):
                if segment is None:
                    seen = seen or reachable[j]
                    following[j] = seen
                elif j > 0 and reachable[j - 1] and segment(parts[j - 1]):
                    following[j] = True
            reachable = following
        return reachable[len(parts)]

    return matches


def tool_glob_match(pattern: str, text: str) -> bool:
    return compile_tool_glob(pattern)(text)


# A resource glob token: a literal text, "*" (one run without separators) or "**" (any run).
_STAR = "*"
_ANY = "**"


def compile_resource_glob(pattern: str) -> GlobMatcher:
    if pattern == "*":
        return lambda _text: True
    tokens = _tokenize_resource_glob(pattern)

    def matches(text: str) -> bool:
        size = len(text)
        reachable = [False] * (size + 1)
        reachable[0] = True
        for kind, literal in tokens:
            following = [False] * (size + 1)
            for j in range(size + 1):
                if kind == "literal":
                    if reachable[j] and text.startswith(literal, j):
                        following[j + len(literal)] = True
                elif reachable[j]:
                    following[j] = True
                elif j > 0 and following[j - 1]:
                    following[j] = kind == _ANY or text[j - 1] not in _RESOURCE_SEPARATORS
            reachable = following
        return reachable[size]

    return matches


def resource_glob_match(pattern: str, text: str) -> bool:
    return compile_resource_glob(pattern)(text)


def _tokenize_resource_glob(pattern: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    literal = ""
    i = 0
    while i < len(pattern):
        if pattern[i] != "*":
            literal += pattern[i]
            i += 1
            continue
        if literal:
            tokens.append(("literal", literal))
        literal = ""
        doubled = pattern[i + 1 : i + 2] == "*"
        if doubled:
            i += 1
        i += 1
        # A run of stars is one token ("***" is "**"): a star right after a star only widens it.
        if tokens and tokens[-1][0] != "literal":
            if doubled:
                tokens[-1] = (_ANY, "")
            continue
        tokens.append((_ANY if doubled else _STAR, ""))
    if literal:
        tokens.append(("literal", literal))
    return tokens
