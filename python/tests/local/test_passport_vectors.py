"""The shared passport vectors against the local gateway's passports: exact token bytes, every reason code."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _paths import VECTORS_ROOT

from actpass.local._passports import JtiStore, Keyset, issue, jwks_resolver, verify


def _load(name: str) -> dict[str, Any]:
    return json.loads((VECTORS_ROOT / "passports" / name).read_text(encoding="utf-8"))


SIGNING = _load("signing.json")
VERIFYING = [(name, _load(name)) for name in ("verification.json", "verification-globs.json")]


@pytest.mark.parametrize("case", SIGNING["cases"], ids=lambda c: f"signing.json::{c['name']}")
def test_issues_the_exact_token(case: dict[str, Any]) -> None:
    keyset = Keyset.from_seed(bytes.fromhex(SIGNING["keys"][case["key"]]["seed_hex"]))
    token, claims = issue(keyset, dict(case["input"]), case["now"])
    assert claims == case["claims"]
    assert token == case["token"]


def _verification_cases() -> list[Any]:
    return [
        pytest.param(data, case, id=f"{name}::{case['name']}")
        for name, data in VERIFYING
        for case in data["cases"]
    ]


@pytest.mark.parametrize(("data", "case"), _verification_cases())
def test_verifies_with_the_first_failure_named(data: dict[str, Any], case: dict[str, Any]) -> None:
    context = case["context"]
    store = JtiStore()
    for jti in case.get("state", {}).get("revoked", []):
        store.revoke(context["tenant_id"], jti, "vector")
    for jti in case.get("state", {}).get("claimed", []):
        store.claim(context["tenant_id"], jti)
    result = verify(
        case["token"],
        key_for=jwks_resolver(data["jwks"]),
        store=store,
        now_s=context["now"],
        issuer=context["issuer"],
        audience=context["audience"],
        tenant_id=context["tenant_id"],
        leeway_s=context.get("leeway_seconds", 5),
        action=case.get("action"),
    )
    if case["expected"]["ok"]:
        assert isinstance(result, dict), result
    else:
        assert isinstance(result, tuple) and result[0] == case["expected"]["reason_code"], result
