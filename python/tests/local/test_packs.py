"""The packs load by name from the gateway's own files, and each behaves as its description says."""

from __future__ import annotations

import pytest
from _paths import GATEWAY_PACKS

from actpass.local import PACK_NAMES, PolicyError, load_pack, load_policy
from actpass.local._packs import pack_path, pack_source
from actpass.local._policy import evaluate


def test_every_gateway_pack_is_loadable_by_name() -> None:
    assert sorted(f"{n}.json" for n in PACK_NAMES) == sorted(p.name for p in GATEWAY_PACKS.glob("*.json"))


@pytest.mark.parametrize("name", PACK_NAMES)
def test_pack_loads_from_the_gateway_file(name: str) -> None:
    assert pack_path(name).read_bytes() == (GATEWAY_PACKS / f"{name}.json").read_bytes()
    policy = load_pack(name)
    assert policy.id and len(policy.hash) == 64


def test_refunds_pack_ladder() -> None:
    refunds = load_pack("refunds")

    def decide(amount: object) -> tuple[str, str]:
        action = {"amount": amount, "currency": "usd"}
        outcome = evaluate(
            refunds,
            {"tool": "stripe.refund.create", "goal": "g", "mode": "enforce", "args": action, "context": {}},
        )
        return outcome["decision"], outcome["reason_code"]

    assert decide(4900)[0] == "allow"
    assert decide(10001)[0] == "require_approval"
    assert decide(50001)[0] == "deny"
    assert decide(49.5) == ("deny", "refund.amount_invalid")
    assert decide("4900")[0] == "deny"


@pytest.mark.parametrize("name", ["../../etc/passwd", "refunds.json", "", "REFUNDS"])
def test_unknown_pack_names_the_known_ones(name: str) -> None:
    with pytest.raises(ValueError, match="known: refunds"):
        pack_source(name)


def test_bad_policy_lists_every_problem() -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy({"id": "", "version": 0, "rules": [{"id": "a", "decision": "maybe", "reason": "x"}]})
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["invalid_decision", "invalid_reason", "invalid_type", "invalid_value"]
