"""Shared ledger vectors (``packages/contract/vectors/ledger/``): event hashes, chain breaks and
signed exports, all through the offline verifier."""

from __future__ import annotations

from typing import Any

import pytest
from _load import load_vectors  # pytest puts this folder on sys.path (no __init__.py)

import actpass
from actpass._canonical import canonicalize
from actpass._verify_export import _verify_chain, hash_event

FILES = dict(load_vectors("ledger"))


def _cases(file: str) -> list[Any]:
    data = FILES.get(file, {"cases": []})
    return [pytest.param(case, id=f"{file}::{case['name']}") for case in data["cases"]]


def test_vectors_exist() -> None:
    assert {"chains.json", "tampered.json", "exports.json"} <= set(FILES)


def _chain_cases() -> list[Any]:
    """Every ``chains*.json``: intact chains, including the ones recording their writer."""
    return [case for file in sorted(FILES) if file.startswith("chains") for case in _cases(file)]


@pytest.mark.parametrize("case", _chain_cases())
def test_intact_chain(case: dict[str, Any]) -> None:
    for event, canonical in zip(case["events"], case["canonical_without_hash"]):
        assert canonicalize({k: v for k, v in event.items() if k != "hash"}) == canonical
        assert hash_event(event) == event["hash"]
    assert len(case["events"]) == len(case["canonical_without_hash"])
    result = _verify_chain(case["events"], tenant_id=case["tenant_id"])
    assert result["ok"] is True
    assert result["head"] == case["head"]


@pytest.mark.parametrize("case", _cases("tampered.json"))
def test_tampered_chain(case: dict[str, Any]) -> None:
    result = _verify_chain(
        case["events"], tenant_id=case["tenant_id"], expected_head=case.get("expected_head")
    )
    expected = case["expected"]
    assert result["ok"] is expected["ok"]
    if expected["ok"]:
        assert result["head"] == expected["head"]
    else:
        assert (result["first_broken_seq"], result["reason"]) == (
            expected["first_broken_seq"],
            expected["reason"],
        )


@pytest.mark.parametrize("case", _cases("exports.json"))
def test_signed_export(case: dict[str, Any]) -> None:
    jwks = FILES["exports.json"]["jwks"]
    result = actpass.verify_export(case["export"], jwks, known_head=case.get("known_head"))
    expected = case["expected"]
    assert result["ok"] is expected["ok"], result["message"]
    assert result["reason"] == expected.get("reason")
    assert result["first_broken_seq"] == expected.get("first_broken_seq")
    if expected["ok"]:
        assert result["head"] == expected["head"]
