"""The pytest plugin, as a user meets it: a test file that only asks for ``local_actpass``."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = '''
import pytest


def guarded_refund(client, amount):
    """The user's code under test: refunds only what ActPass allows."""
    result = client.guard(goal="refund order 1042", tool="stripe.refund.create",
                          args={"amount": amount, "currency": "usd"}, execute_fn=lambda ctx: "refunded")
    return result


def test_small_refund_runs(local_actpass):
    result = guarded_refund(local_actpass.client, 4900)
    assert result["executed"] is True
    assert local_actpass.last_decision()["reason_code"] == "refund.small_in_scope"


def test_medium_refund_waits_for_a_person_then_runs_once(local_actpass):
    held = local_actpass.client.preflight(goal="g", tool="stripe.refund.create", args={"amount": 20000})
    assert [p["id"] for p in local_actpass.pending()] == [held["approval_request_id"]]
    local_actpass.approve(held, note="customer called")
    rerun = dict(goal="g", tool="stripe.refund.create", args={"amount": 20000},
                 approval_request_id=held["approval_request_id"])
    assert local_actpass.client.preflight(**rerun)["reason_code"] == "approval.granted"
    assert local_actpass.client.preflight(**rerun)["reason_code"] == "approval.expired"
    kinds = [e["type"] for e in local_actpass.events("approval.*")]
    assert kinds == ["approval.requested", "approval.approved"]
    assert local_actpass.verify()


def test_denied_and_expired(local_actpass):
    held = local_actpass.client.preflight(goal="g", tool="stripe.refund.create", args={"amount": 20000})
    local_actpass.deny(held)
    with pytest.raises(ValueError, match="not held"):
        local_actpass.approve({"decision": "allow"})
    issued = local_actpass.client.issue_passport(audience="actpass-gateway", goal="g",
                                                 allowed_tools=["stripe.refund.*"], ttl_seconds=60)
    local_actpass.advance(120)
    late = local_actpass.client.preflight(goal="g", tool="stripe.refund.create", args={"amount": 1},
                                          passport=issued["token"])
    assert late["reason_code"] == "passport.expired"
    issued = local_actpass.client.issue_passport(audience="actpass-gateway", goal="g", allowed_tools=["**"])
    local_actpass.revoke(issued)
    revoked = local_actpass.client.preflight(goal="g", tool="stripe.refund.create", args={"amount": 1},
                                             passport=issued["token"])
    assert revoked["reason_code"] == "passport.revoked"


@pytest.mark.actpass_policy({"id": "deny-all", "version": 1, "rules": []})
def test_policy_from_the_marker(local_actpass):
    decision = local_actpass.client.preflight(goal="g", tool="stripe.refund.create", args={"amount": 1})
    assert (decision["decision"], decision["reason_code"]) == ("deny", "policy.no_match")
    local_actpass.use_policy("refunds")
    assert local_actpass.client.preflight(goal="g", tool="stripe.refund.create",
                                          args={"amount": 1})["decision"] == "allow"


def test_each_test_starts_fresh(local_actpass):
    assert [e["type"] for e in local_actpass.events()] == ["policy.updated"]
'''


WRONG_EXPECTATION = """

def test_wrong(local_actpass):
    assert local_actpass.client.preflight(goal="g", tool="stripe.refund.create",
                                          args={"amount": 60000})["decision"] == "allow"
"""


def test_a_users_test_file_gets_the_fixture_from_the_installed_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS + WRONG_EXPECTATION)
    # No -p flag and no conftest: the fixture comes from the package's pytest11 entry point. The one
    # wrong expectation must fail: the fixture is a real gateway, not a stub that agrees with anything.
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, failed=1)
