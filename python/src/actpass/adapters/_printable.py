"""Agent-supplied text (a tool's name, the model's own argument names) made safe to put in a message the
model or a person reads: control and format characters are shown as ``\\uXXXX`` escapes and the length is
bounded, so a hostile string stays on one short line. It cannot break the message into lines that read
as another verdict (``\\nBLOCKED …``), recolour a terminal (ANSI escapes), reorder what is shown (bidi
overrides), hide characters (zero-width) or flood the model's context.

The same rules as the TypeScript adapters, held to the shared vectors in
``packages/contract/vectors/printable``: lengths count UTF-16 code units, as there, so both cut alike."""

from __future__ import annotations

import math
import unicodedata

# Control (C0, C1: line breaks, ESC), format (bidi overrides, zero-width), lone surrogate halves, and the
# line and paragraph separators U+2028/U+2029, which some readers treat as line breaks.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_ELLIPSIS = "…"


def _piece(char: str) -> str:
    if unicodedata.category(char) not in _UNPRINTABLE:
        return char
    return "\\u" + format(ord(char), "04x")


def _units(piece: str) -> int:
    """The piece's length in UTF-16 code units (an escape is ASCII; a character beyond U+FFFF counts 2)."""
    return sum(2 if ord(char) > 0xFFFF else 1 for char in piece)


def printable(text: str, limit: float = math.inf) -> str:
    """``text`` with every unprintable character escaped, cut to at most ``limit`` UTF-16 units (ending in
    ``…`` when cut). The cut falls between characters, never inside an escape."""
    pieces: list[str] = []
    length = 0
    for char in text:
        piece = _piece(char)
        size = _units(piece)
        if length + size > limit:
            # Whole pieces are dropped until the ellipsis fits too.
            while pieces and length + 1 > limit:
                length -= _units(pieces.pop())
            return "".join(pieces) + _ELLIPSIS
        pieces.append(piece)
        length += size
    return "".join(pieces)
