# ruff: noqa: RUF001 - lookalike letters are what this table is about
"""The character work behind tool inspection: what is hidden, how it is shown, how text reads to a model.

The TypeScript gateway measures and slices strings in UTF-16 code units (tag characters are astral, two
units each), and its excerpts, clipping and offsets depend on that. So that both gateways record the
same findings, text is handled here in the same units: ``to_u16`` writes astral characters as surrogate
pairs, every offset and length below counts those units, and ``from_u16`` joins them again for output.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

# Letters of other scripts that look like Latin ones, paired with the letter they imitate (NFKC already
# folds fullwidth and mathematical forms before this runs).
_LOOKALIKE_PAIRS: Final = (
    "аaвbсcԁdеeёeһhіiїiјjкkӏlмmнhоoрpԛqѕsтtцuѵvԝwхxуyɡgոnАAВBСCЕE"
    "НHІIЈJКKМMОOРPЅSТTХXУYԜWԀDԚQҮYүyҺHԍGαaβbγyεeιiκkνvοoρpτtυuχx"
    "ωwΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧXօoսuցgıiȷjʟLɑaɩiꓲIᎪAᏟCᎬEᎻHᎳWᴅD"
)
LOOKALIKES: Final = {_LOOKALIKE_PAIRS[i]: _LOOKALIKE_PAIRS[i + 1] for i in range(0, len(_LOOKALIKE_PAIRS), 2)}

_BIDI_CONTROL: Final = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_BIDI_MARK: Final = frozenset([0x200E, 0x200F, 0x061C])
_ZERO_WIDTH: Final = frozenset(
    [
        *range(0x200B, 0x200E),
        *range(0x2060, 0x2065),
        0xFEFF,
        0x180E,
        0x00AD,
        0x034F,
        0x115F,
        0x1160,
        0x3164,
        0xFFA0,
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    ]
)
# Emoji a zero-width joiner or a variation selector may follow (Unicode's Extended_Pictographic blocks).
_PICTOGRAPH_RANGES: Final = (
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2194, 0x21AA),
    (0x231A, 0x23FF),
    (0x24C2, 0x24C2),
    (0x25AA, 0x25FE),
    (0x2600, 0x27BF),
    (0x2934, 0x2935),
    (0x2B05, 0x2B55),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
    (0x1F000, 0x1FAFF),
    (0x1FC00, 0x1FFFD),
)
# What JavaScript's \s matches (besides what is hidden and dropped before this is asked).
JS_SPACE: Final = frozenset(
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def to_u16(text: str) -> str:
    """``text`` with each astral character written as its surrogate pair (one str item per code unit)."""
    if all(ord(c) <= 0xFFFF for c in text):
        return text
    out = []
    for c in text:
        code = ord(c)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(chr(0xD800 + (code >> 10)))
            out.append(chr(0xDC00 + (code & 0x3FF)))
        else:
            out.append(c)
    return "".join(out)


def from_u16(text: str) -> str:
    """Surrogate pairs joined back into characters (a lone surrogate stays as it is)."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def code_points(text: str) -> Iterator[tuple[int, str, int]]:
    """(offset in code units, the character as code units, its code point), as JavaScript's ``for…of``."""
    i, n = 0, len(text)
    while i < n:
        high = ord(text[i])
        if 0xD800 <= high <= 0xDBFF and i + 1 < n and 0xDC00 <= ord(text[i + 1]) <= 0xDFFF:
            code = 0x10000 + ((high - 0xD800) << 10) + (ord(text[i + 1]) - 0xDC00)
            yield i, text[i : i + 2], code
            i += 2
        else:
            yield i, text[i], high
            i += 1


def hidden_kind(code: int) -> str | None:
    if 0xE0000 <= code <= 0xE007F:
        return "tag"
    if code in _BIDI_CONTROL:
        return "bidi_control"
    if code in _BIDI_MARK:
        return "bidi_mark"
    if code in _ZERO_WIDTH:
        return "zero_width"
    return None


def _is_pictograph(code: int) -> bool:
    return any(low <= code <= high for low, high in _PICTOGRAPH_RANGES)


@dataclass
class HiddenRun:
    kind: str
    start: int
    end: int
    chars: list[int] = field(default_factory=list)


def hidden_runs(text: str) -> list[HiddenRun]:
    """Runs of hidden characters per kind; emoji glue (a joiner or selector after a pictograph) is not one."""
    runs: list[HiddenRun] = []
    previous = -1
    for offset, unit, code in code_points(text):
        kind = hidden_kind(code)
        glue = kind == "zero_width" and code in (0x200D, 0xFE0F) and _is_pictograph(previous)
        if kind and not glue:
            last = runs[-1] if runs else None
            if last and last.kind == kind and last.end == offset:
                last.end = offset + len(unit)
                last.chars.append(code)
            else:
                runs.append(HiddenRun(kind, offset, offset + len(unit), [code]))
        if not glue:
            previous = code
    return runs


def decode_tags(chars: list[int]) -> str:
    return "".join(chr(c - 0xE0000) for c in chars if 0xE0020 <= c <= 0xE007E)


def decode_variation_selectors(chars: list[int]) -> str | None:
    data = bytearray()
    for c in chars:
        if 0xFE00 <= c <= 0xFE0F:
            data.append(c - 0xFE00)
        elif 0xE0100 <= c <= 0xE01EF:
            data.append(c - 0xE0100 + 16)
        else:
            return None
    if len(data) < 2:
        return None
    return visible(to_u16(data.decode("utf-8", "replace")))


def _is_control(code: int) -> bool:
    return code <= 0x1F or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029)


def visible(text: str) -> str:
    """Every control, invisible, tag and bidi character written as a visible ``\\uXXXX`` / ``\\u{X}``."""
    out = []
    for _, unit, code in code_points(text):
        if _is_control(code) or hidden_kind(code) is not None:
            out.append(f"\\u{{{code:X}}}" if code > 0xFFFF else f"\\u{code:04X}")
        else:
            out.append(unit)
    return "".join(out)


def code_point_list(chars: list[int]) -> str:
    counts: dict[str, int] = {}
    for c in chars:
        name = f"U+{c:04X}"
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in counts.items())


def fold_lookalike(text: str) -> str:
    return "".join(LOOKALIKES.get(c, c) for c in text)


def nfkc(unit: str) -> str:
    return to_u16(unicodedata.normalize("NFKC", from_u16(unit)))


def is_letter(code: int) -> bool:
    return unicodedata.category(chr(code)).startswith("L")


def is_word_char(c: str) -> bool:
    """JavaScript's ``[\\p{L}\\p{N}]`` for one character given as code units (a lone surrogate is neither)."""
    return unicodedata.category(c if len(c) == 1 else from_u16(c)[0])[0] in "LN"


_SCRIPT_PREFIXES: Final = (
    ("LATIN", "Latin"),
    ("CYRILLIC", "Cyrillic"),
    ("GREEK", "Greek"),
    ("COPTIC", "Greek"),
    ("ARMENIAN", "Armenian"),
    ("CHEROKEE", "Cherokee"),
    ("CJK", "Han"),
)


def scripts_of(text: str) -> list[str]:
    """The scripts a text's letters come from, in order of first appearance (by Unicode name)."""
    found: list[str] = []
    for _, _, code in code_points(text):
        if not is_letter(code):
            continue
        name = unicodedata.name(chr(code), "").removeprefix("FULLWIDTH ").removeprefix("HALFWIDTH ")
        script = next((s for prefix, s in _SCRIPT_PREFIXES if name.startswith(prefix)), "Other")
        if script not in found:
            found.append(script)
    return found


@dataclass
class View:
    """Text as a model reads it, for matching, with the source offset of every character pushed."""

    text: str
    source: list[int]


_INLINE_TAGS: Final = frozenset(
    [
        "b",
        "i",
        "u",
        "s",
        "em",
        "strong",
        "span",
        "code",
        "mark",
        "font",
        "small",
        "sub",
        "sup",
        "tt",
        "del",
        "ins",
    ]
)
_VANISHING: Final = frozenset("*`~\\")


def _inline_tag_length(text: str, at: int) -> int:
    """Length of an inline formatting tag at ``at`` (``<b>``, ``</span class=x>``), or 0."""
    window = text[at : at + 80]
    i = 1
    if i < len(window) and window[i] == "/":
        i += 1
    j = i
    while j < len(window) and window[j].isascii() and window[j].isalpha():
        j += 1
    if window[i:j].lower() not in _INLINE_TAGS:
        return 0
    if j < len(window) and window[j] == ">":
        return j + 1
    if j < len(window) and window[j] in " \t\n\v\f\r":
        close = window.find(">", j + 1)
        if 0 < close - j <= 61 and close != -1:
            return close + 1
    return 0


_ASCII_WORD: Final = re.compile(r"[A-Za-z0-9]+")
_ASCII_SPACES: Final = re.compile(r"[\t\n\v\f\r ]+")
# ASCII text without these reads the same through the fast paths below as through the full walk.
_SLOW_IN_WORDS: Final = frozenset("<*`~\\")


def make_view(text: str, words_only: bool) -> View:
    """The words view (``words_only``) or the marks view of ``text`` (given as code units)."""
    if text.isascii():
        if words_only and _SLOW_IN_WORDS.isdisjoint(text):
            return _ascii_words(text)
        if not words_only:
            return _ascii_marks(text)
    return _walk(text, words_only)


def _ascii_words(text: str) -> View:
    out: list[str] = []
    source: list[int] = []
    end = -1
    for match in _ASCII_WORD.finditer(text):
        if end >= 0:
            out.append(" ")
            source.append(end)
        out.append(match.group(0).lower())
        source.extend(range(match.start(), match.end()))
        end = match.end()
    if 0 <= end < len(text):
        out.append(" ")
        source.append(end)
    return View("".join(out), source)


def _ascii_marks(text: str) -> View:
    out: list[str] = []
    source: list[int] = []
    at = 0
    for match in _ASCII_SPACES.finditer(text):
        out.append(text[at : match.start()].lower())
        source.extend(range(at, match.start()))
        if match.start() > 0 and source:
            out.append(" ")
            source.append(match.start())
        at = match.end()
    out.append(text[at:].lower())
    source.extend(range(at, len(text)))
    return View("".join(out), source)


@functools.lru_cache(maxsize=8192)
def _read_as(unit: str) -> tuple[tuple[str, bool, bool], ...]:
    """One character as a model reads it (compatibility-folded, lookalikes folded, lower case), each
    resulting character with whether it is a letter or digit and whether JavaScript's \\s matches it."""
    char = unit if len(unit) == 1 else from_u16(unit)
    folded = to_u16(fold_lookalike(unicodedata.normalize("NFKC", char)).lower())
    return tuple((c, is_word_char(c), c in JS_SPACE) for _, c, _ in code_points(folded))


def _walk(text: str, words_only: bool) -> View:
    out: list[str] = []
    source: list[int] = []
    spaced = True
    offset = 0
    n = len(text)
    while offset < n:
        high = ord(text[offset])
        if 0xD800 <= high <= 0xDBFF and offset + 1 < n and 0xDC00 <= ord(text[offset + 1]) <= 0xDFFF:
            unit = text[offset : offset + 2]
            code = 0x10000 + ((high - 0xD800) << 10) + (ord(text[offset + 1]) - 0xDC00)
        else:
            unit, code = text[offset], high
        at = offset
        offset += len(unit)
        if hidden_kind(code) is not None:
            continue
        if words_only and unit == "<":
            length = _inline_tag_length(text, at)
            if length:
                offset = at + length
                continue
        if words_only and unit in _VANISHING:
            continue
        for c, is_word, is_space in _read_as(unit):
            if (words_only and not is_word) or (not words_only and is_space):
                if not spaced:
                    out.append(" ")
                    source.append(at)
                spaced = True
            else:
                out.append(c)
                source.append(at)
                spaced = False
    return View("".join(out), source)
