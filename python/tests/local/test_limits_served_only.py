"""Rate limits and budgets are a served-gateway feature: the in-process gateway refuses a policy that
uses them, naming the rule's field and what to do, rather than loading it and never counting."""

from __future__ import annotations

import pytest

from actpass.local import PolicyError, load_policy

LIMITED = {
    "id": "limited",
    "version": 1,
    "rules": [
        {
            "id": "mail-rate",
            "when": [{"path": "tool", "operator": "==", "value": "mail.send"}],
            "limit": {"rate": {"max": 7, "window_seconds": 3600}},
            "decision": "deny",
            "reason": "limit.rate",
        },
        {"id": "allow", "decision": "allow", "reason": "tool.known"},
    ],
}


def test_a_policy_with_a_limit_is_refused_naming_the_field_and_the_fix() -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(LIMITED)
    problems = caught.value.problems
    assert [problem.path for problem in problems] == ["rules[0].limit"]
    assert problems[0].rule_id == "mail-rate"
    assert "served gateway" in problems[0].message


def test_the_same_policy_without_the_limit_loads() -> None:
    rules = [dict(rule) for rule in LIMITED["rules"]]
    del rules[0]["limit"]
    assert load_policy({**LIMITED, "rules": rules}).id == "limited"
