from __future__ import annotations

import json
from typing import Any

import pytest
from _load import load_vectors  # pytest puts this folder on sys.path (no __init__.py)

from actpass._canonical import CanonicalJsonError, canonical_bytes, canonicalize, parse_json_strict

CASES = [
    pytest.param(case, id=f"{file}::{case['name']}")
    for file, data in load_vectors("jcs")
    for case in data["cases"]
]


def test_vectors_exist() -> None:
    assert CASES


@pytest.mark.parametrize("case", CASES)
def test_jcs_vector(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(CanonicalJsonError) as caught:
            canonicalize(parse_json_strict(case["input_json"]))
        assert caught.value.code == case["error"]
        return
    expected = case["canonical"]
    value = parse_json_strict(case["input_json"])
    assert canonicalize(value) == expected
    assert canonical_bytes(value) == expected.encode("utf-8")
    # Fixed point check. Integers are read as floats because that is what the JSON number is to the
    # TypeScript SDK: canonical text of a double >= 2^53 ("100000000000000000000") is an integer literal
    # the strict parser refuses by design.
    assert canonicalize(json.loads(expected, parse_int=float)) == expected
