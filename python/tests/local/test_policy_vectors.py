"""Every shared policy vector, run by the Python evaluator (indexed and linear) as TypeScript runs them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _paths import VECTORS_ROOT

from actpass.local import compile_policy
from actpass.local._policy import evaluate, evaluate_linear


def _cases() -> list[Any]:
    params = []
    names: set[str] = set()
    files = sorted((VECTORS_ROOT / "policy").glob("*.json"))
    for path in files:
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            names.add(f"{path.name} \u203a {case['name']}")
    for path in files:
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            params.append(pytest.param(case, names, id=f"{path.name}::{case['name']}"))
    return params


@pytest.mark.parametrize(("case", "all_names"), _cases())
def test_policy_vector(case: dict[str, Any], all_names: set[str]) -> None:
    if "superseded_by" in case:
        assert case["superseded_by"] in all_names, "a superseded case names its replacement"
        return
    policy, problems = compile_policy(case["policy"])
    if "expect_problems" in case:
        assert policy is None
        got = sorted((p.rule_id or "", p.path, p.code) for p in problems)
        want = sorted((p["rule_id"] or "", p["path"], p["code"]) for p in case["expect_problems"])
        assert got == want
        return
    assert policy is not None, [p.as_dict() for p in problems]
    for run in (evaluate, evaluate_linear):
        outcome = run(policy, case["input"])
        matched = [] if outcome["matched_rule"] is None else [outcome["matched_rule"]]
        assert {
            "decision": outcome["decision"],
            "reason_code": outcome["reason_code"],
            "risk_tier": outcome["risk_tier"],
            "matched_rules": matched,
        } == case["expect"]
