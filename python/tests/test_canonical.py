from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actpass._canonical import CanonicalJsonError, canonical_bytes, canonicalize, parse_json_strict


def error_of(value: object) -> CanonicalJsonError:
    with pytest.raises(CanonicalJsonError) as caught:
        canonicalize(value)
    return caught.value


class Colour(enum.IntEnum):
    RED = 1


def test_sorts_keys_by_utf16_code_units_not_code_points() -> None:
    value = {"\uffff": 1, "\U0001f600": 2, "é": 3, "e": 4, "E": 5}
    # sorted(value) would put U+1F600 last; UTF-16 puts its surrogates (0xD83D) before 0xFFFF.
    assert canonicalize(value) == '{"E":5,"e":4,"é":3,"\U0001f600":2,"\uffff":1}'


def test_formats_numbers_like_ecmascript() -> None:
    value = [-0.0, 1e21, 1e20, 1e-7, 1e-6, 0.1 + 0.2, 5e-324, 2.0**60, 1.0, 123.456, -1.5e-7]
    expected = (
        "[0,1e+21,100000000000000000000,1e-7,0.000001,0.30000000000000004,5e-324,"
        "1152921504606847000,1,123.456,-1.5e-7]"
    )
    assert canonicalize(value) == expected


def test_ints_bools_and_int_subclasses() -> None:
    value = [True, False, 0, -0, 2**53 - 1, -(2**53 - 1), Colour.RED]
    assert canonicalize(value) == "[true,false,0,0,9007199254740991,-9007199254740991,1]"


def test_escapes_only_quote_backslash_and_controls() -> None:
    text = '"\\/\x00\x1f\b\t\n\f\r\x7f\u2028é\U0001f600'
    expected = '"\\"\\\\/\\u0000\\u001f\\b\\t\\n\\f\\r\x7f\u2028é\U0001f600"'
    assert canonicalize(text) == expected


def test_tuples_are_arrays_and_bytes_are_utf8() -> None:
    assert canonicalize({"t": (1, "x")}) == '{"t":[1,"x"]}'
    assert canonical_bytes({"k": "é"}) == b'{"k":"\xc3\xa9"}'


def test_shared_references_are_not_cycles() -> None:
    shared = {"x": 1}
    assert canonicalize({"a": shared, "b": [shared]}) == '{"a":{"x":1},"b":[{"x":1}]}'


@pytest.mark.parametrize(
    ("value", "code", "path"),
    [
        ({"args": {"amount": math.nan}}, "non_finite_number", "$.args.amount"),
        ([1, [2, math.inf]], "non_finite_number", "$[1][1]"),
        ({"n": 2**53}, "unsafe_integer", "$.n"),
        ({"n": -(2**64)}, "unsafe_integer", "$.n"),
        ({"b": b"bytes"}, "unsupported_type", "$.b"),
        ({"s": {1, 2}}, "unsupported_type", "$.s"),
        ({"odd key": object()}, "unsupported_type", '$["odd key"]'),
        ({1: "int key"}, "unsupported_type", "$"),
        ({"s": "\ud800"}, "lone_surrogate", "$.s"),
        ({"\udc00": 1}, "lone_surrogate", '$["\\udc00"]'),
    ],
)
def test_rejections_name_the_path(value: object, code: str, path: str) -> None:
    error = error_of(value)
    assert (error.code, error.path) == (code, path)
    assert str(error).endswith(f" at {path}")
    assert isinstance(error, ValueError)


def test_rejects_cycles() -> None:
    node: dict[str, Any] = {"a": []}
    node["a"].append(node)
    error = error_of(node)
    assert (error.code, error.path) == ("cycle", "$.a[0]")


def test_parse_matches_json_loads_on_valid_input() -> None:
    text = ' {"a": [1, -0.5e3, true, false, null, "x\\u00e9\\n"], "b": {}} '
    assert parse_json_strict(text) == json.loads(text)
    assert parse_json_strict(text.encode()) == json.loads(text)


@pytest.mark.parametrize(
    ("text", "code", "path"),
    [
        ('{"a":1,"a":2}', "duplicate_key", "$.a"),
        ('{"args":{"x":[{"k":1,"\\u006b":2}]}}', "duplicate_key", "$.args.x[0].k"),
        ('{"args":{"amount":9007199254740992}}', "unsafe_integer", "$.args.amount"),
        ("[0, -" + "9" * 5000 + "]", "unsafe_integer", "$[1]"),
        ('{"a":[9007199254740993],"a":1}', "unsafe_integer", "$.a[0]"),
        ('{"a":1,"a":[9007199254740993]}', "duplicate_key", "$.a"),
        ("[NaN]", "invalid_json", "$"),
        ("[1,]", "invalid_json", "$"),
        (b"\xff", "invalid_json", "$"),
    ],
)
def test_parse_rejections(text: str | bytes, code: str, path: str) -> None:
    with pytest.raises(CanonicalJsonError) as caught:
        parse_json_strict(text)
    assert (caught.value.code, caught.value.path) == (code, path)


# Values both SDKs represent faithfully: safe ints, finite floats, str that UTF-8 can encode (no lone
# surrogates).
json_text = st.text(st.characters(codec="utf-8"))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | json_text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(json_text, children, max_size=5),
    max_leaves=20,
)


@given(json_values)
def test_canonical_form_is_a_fixed_point(value: object) -> None:
    canonical = canonicalize(value)
    # parse_int=float: to JSON (and the TypeScript SDK) every number is a double, and integral doubles
    # >= 2^53 print as long integer literals.
    assert canonicalize(json.loads(canonical, parse_int=float)) == canonical


@given(st.dictionaries(json_text, json_values, max_size=8))
def test_key_insertion_order_does_not_matter(value: dict[str, object]) -> None:
    reversed_value = dict(reversed(list(value.items())))
    assert canonicalize(reversed_value) == canonicalize(value)


def test_hostile_nesting_is_invalid_json() -> None:
    with pytest.raises(CanonicalJsonError) as caught:
        parse_json_strict("[" * 1_000_000)
    assert caught.value.code == "invalid_json"


_awkward_text = st.text() | st.sampled_from(
    ["\ud800", "a\udfff", "\\ud800", "\u2028", "\x00\x1f\x7f", '"\\', "\U0001f600", "\uffff"]
)
_awkward_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _awkward_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(_awkward_text, children, max_size=4)
    ),
    max_leaves=20,
)


def _careful(value: object) -> str:
    from actpass._canonical import _write

    parts: list[str] = []
    try:
        _write(value, [], parts, set())
    except CanonicalJsonError as error:
        return f"{error.code} {error.path}"
    return "".join(parts)


@given(_awkward_values)
def test_the_encoder_fast_path_writes_what_the_careful_walk_writes(value: object) -> None:
    try:
        got = canonicalize(value)
    except CanonicalJsonError as error:
        got = f"{error.code} {error.path}"
    assert got == _careful(value)
