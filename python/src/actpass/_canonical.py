"""RFC 8785 (JCS) canonical JSON, byte-for-byte identical to ``@actpass/sdk/canonical``.

Python's ``json.dumps(sort_keys=True)`` is not JCS: it sorts by code point instead of UTF-16 code unit,
prints floats with ``repr`` instead of ECMAScript's Number::toString, and escapes differently. Every
hash and signature in ActPass covers this form, so both SDKs must agree exactly.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Union

__all__ = ["CanonicalJsonError", "canonical_bytes", "canonicalize", "parse_json_strict"]

MAX_SAFE_INTEGER = 2**53 - 1
_MAX_SAFE_DIGITS = len(str(MAX_SAFE_INTEGER))

_PathSegment = Union[str, int]
_Path = list[_PathSegment]

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')
# A Python str holds code points, so any surrogate in it is unpaired: a valid pair would have been
# decoded into one astral code point. UTF-8 cannot encode it, and JS rejects the same input.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


class CanonicalJsonError(ValueError):
    """A value or JSON text that has no faithful canonical form.

    ``code`` is stable across both SDKs (``invalid_json``, ``duplicate_key``, ``unsafe_integer``,
    ``non_finite_number``, ``lone_surrogate``, ``unsupported_type``, ``cycle``); ``path`` locates the
    offending value, e.g. ``$.args.amount``.
    """

    def __init__(self, code: str, detail: str, path: _Path) -> None:
        self.code = code
        self.path = _render_path(path)
        super().__init__(f"{detail} at {self.path}")


def _render_path(path: _Path) -> str:
    out = "$"
    for segment in path:
        if isinstance(segment, int):
            out += f"[{segment}]"
        elif _IDENTIFIER.match(segment):
            out += f".{segment}"
        else:
            out += f"[{_quote_for_message(segment)}]"
    return out


def _quote_for_message(text: str) -> str:
    # Same rendering as JS JSON.stringify, which escapes lone surrogates instead of failing on them.
    escaped = _NEEDS_ESCAPE.sub(_escape_char, text)
    return '"' + _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def canonicalize(value: object) -> str:
    """Return the RFC 8785 canonical JSON text of ``value``.

    Accepts ``None``, ``bool``, ``int`` within ±(2^53-1), finite ``float``, ``str``, ``list``/``tuple``
    and ``dict`` with ``str`` keys. Anything else raises :class:`CanonicalJsonError`: coercing it would
    sign something other than what the caller meant, or something the TypeScript SDK cannot reproduce.
    """
    if _encodes_canonically(value, 0):
        try:
            text = _encode(value)
        except (ValueError, RecursionError):
            pass  # e.g. a cycle: the careful walk below names it
        else:
            if not _SURROGATE.search(text):
                return text
    parts: list[str] = []
    try:
        _write(value, [], parts, set())
    except RecursionError:
        raise CanonicalJsonError("unsupported_type", "value is nested too deeply", []) from None
    return "".join(parts)


# The C encoder writes exactly the JCS text for values that hold only strings, safe integers, booleans,
# None, lists/tuples and dicts with ASCII keys: the same escapes (lower-case ``\u00xx`` for other
# control characters, nothing else escaped) and, for ASCII keys, the same member order. Floats (repr is
# not Number::toString), non-ASCII keys (code point order is not UTF-16 order) and anything else go
# through the careful walk, which also names every error.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode
_FAST_MAX_DEPTH = 128


def _encodes_canonically(value: object, depth: int) -> bool:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER  # type: ignore[operator]
    if depth >= _FAST_MAX_DEPTH:
        return False
    if kind is dict:
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str or not key.isascii():
                return False
            if not _encodes_canonically(item, depth + 1):
                return False
        return True
    if kind is list or kind is tuple:
        return all(_encodes_canonically(item, depth + 1) for item in value)  # type: ignore[attr-defined]
    return False


def canonical_bytes(value: object) -> bytes:
    """UTF-8 bytes of :func:`canonicalize`; this is what hashes and signatures cover."""
    return canonicalize(value).encode("utf-8")


def _write(value: object, path: _Path, parts: list[str], ancestors: set[int]) -> None:
    # bool is a subclass of int, so it must be tested first.
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(_format_int(value, path))
    elif isinstance(value, float):
        parts.append(_format_float(value, path))
    elif isinstance(value, str):
        parts.append(_quote(value, path))
    elif isinstance(value, (dict, list, tuple)):
        if id(value) in ancestors:
            raise CanonicalJsonError("cycle", "value refers to one of its own ancestors", path)
        ancestors.add(id(value))
        if isinstance(value, dict):
            _write_object(value, path, parts, ancestors)
        else:
            _write_array(value, path, parts, ancestors)
        ancestors.discard(id(value))
    else:
        raise CanonicalJsonError("unsupported_type", f"{type(value).__name__} is not a JSON value", path)


def _write_array(
    value: list[object] | tuple[object, ...], path: _Path, parts: list[str], ancestors: set[int]
) -> None:
    parts.append("[")
    for index, item in enumerate(value):
        if index:
            parts.append(",")
        path.append(index)
        _write(item, path, parts, ancestors)
        path.pop()
    parts.append("]")


def _write_object(value: dict[Any, object], path: _Path, parts: list[str], ancestors: set[int]) -> None:
    for key in value:
        if not isinstance(key, str):
            raise CanonicalJsonError(
                "unsupported_type", f"object key {key!r} is {type(key).__name__}, not str", path
            )
        if _SURROGATE.search(key):
            raise CanonicalJsonError("lone_surrogate", "key contains an unpaired surrogate", [*path, key])
    parts.append("{")
    # Big-endian UTF-16 bytes compare exactly like the UTF-16 code units JCS sorts by; plain str order
    # is by code point, which puts astral characters after U+E000..U+FFFF instead of before.
    for index, key in enumerate(sorted(value, key=lambda k: k.encode("utf-16-be"))):
        if index:
            parts.append(",")
        path.append(key)
        parts.append(_quote(key, path))
        parts.append(":")
        _write(value[key], path, parts, ancestors)
        path.pop()
    parts.append("}")


def _format_int(value: int, path: _Path) -> str:
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        # int() strips subclasses such as IntEnum, whose str() is not the number on older Pythons.
        return str(int(value))
    raise CanonicalJsonError(
        "unsafe_integer", f"integer {value} is beyond ±(2^53-1) and cannot be represented exactly", path
    )


def _format_float(value: float, path: _Path) -> str:
    """ECMAScript Number::toString(value), which JCS mandates for every number."""
    if not math.isfinite(value):
        raise CanonicalJsonError("non_finite_number", f"{value} has no JSON form", path)
    if value == 0:
        return "0"  # also -0.0
    if value < 0:
        return "-" + _format_float(-value, path)
    digits, point = _shortest_digits(value)
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exponent = point - 1
    mantissa = digits if count == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if exponent > 0 else '-'}{abs(exponent)}"


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits ``s`` and point position ``n`` with value = 0.s * 10**n.

    ``repr`` already picks the shortest digit string that round-trips, nearest to the exact value, as
    ECMAScript requires; only its layout ("1e+16", "0.001", "1.5e-07") differs.
    """
    mantissa, _, exponent_text = repr(value).partition("e")
    integer_part, _, fraction_part = mantissa.partition(".")
    digits = integer_part + fraction_part
    point = len(integer_part) + (int(exponent_text) if exponent_text else 0)
    significant = digits.lstrip("0")
    point -= len(digits) - len(significant)
    return significant.rstrip("0"), point


def _quote(value: str, path: _Path) -> str:
    if _SURROGATE.search(value):
        raise CanonicalJsonError("lone_surrogate", "string contains an unpaired surrogate", path)
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, value) + '"'


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


class _DuplicateKeys:
    """Stands in for an object with repeated keys until the first problem is located."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


class _UnsafeInteger:
    def __init__(self, literal: str) -> None:
        self.literal = literal


def parse_json_strict(text: str | bytes) -> Any:
    """Parse RFC 8259 JSON text, rejecting what a signature cannot survive.

    Duplicate keys (parsers disagree on which one wins) and integer literals beyond ±(2^53-1) (the
    TypeScript SDK would round them) raise :class:`CanonicalJsonError`, as do ``NaN``/``Infinity``
    and any syntax error. ``bytes`` must be UTF-8.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CanonicalJsonError("invalid_json", f"text is not UTF-8: {exc.reason}", []) from None
    problem_found = False

    def object_pairs_hook(pairs: list[tuple[str, Any]]) -> Any:
        nonlocal problem_found
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        problem_found = True
        return _DuplicateKeys(pairs)

    def parse_int(literal: str) -> Any:
        nonlocal problem_found
        # Compare digit counts before int(): huge literals would hit Python's int-from-str limit.
        digits = literal.lstrip("-")
        if len(digits) < _MAX_SAFE_DIGITS or (
            len(digits) == _MAX_SAFE_DIGITS and int(digits) <= MAX_SAFE_INTEGER
        ):
            return int(literal)
        problem_found = True
        return _UnsafeInteger(literal)

    def parse_constant(name: str) -> Any:
        raise CanonicalJsonError("invalid_json", f"{name} is not JSON", [])

    try:
        value = json.loads(
            text, object_pairs_hook=object_pairs_hook, parse_int=parse_int, parse_constant=parse_constant
        )
    except json.JSONDecodeError as exc:
        raise CanonicalJsonError("invalid_json", f"{exc.msg} (offset {exc.pos})", []) from None
    except RecursionError:
        raise CanonicalJsonError("invalid_json", "JSON text is nested too deeply", []) from None
    if problem_found:
        # The C scanner is fast but reports nothing about where it was; walk the result in document
        # order so the error names the same path the TypeScript parser would.
        _raise_first_problem(value, [])
    return value


def _raise_first_problem(value: Any, path: _Path) -> None:
    if isinstance(value, _UnsafeInteger):
        raise CanonicalJsonError(
            "unsafe_integer",
            f"integer {value.literal} is beyond ±(2^53-1) and cannot be represented exactly",
            path,
        )
    if isinstance(value, _DuplicateKeys):
        seen: set[str] = set()
        for key, item in value.pairs:
            path.append(key)
            if key in seen:
                raise CanonicalJsonError("duplicate_key", f"duplicate key {_quote_for_message(key)}", path)
            seen.add(key)
            _raise_first_problem(item, path)
            path.pop()
    elif isinstance(value, dict):
        for key, item in value.items():
            path.append(key)
            _raise_first_problem(item, path)
            path.pop()
    elif isinstance(value, list):
        for index, item in enumerate(value):
            path.append(index)
            _raise_first_problem(item, path)
            path.pop()
