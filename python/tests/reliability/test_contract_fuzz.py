"""Contract fuzzing with schemathesis against the served gateway: every operation of
``packages/contract/openapi.yaml``, authenticated with the dev key of the role it needs, with schema-valid
(positive) and schema-violating (negative) inputs. Every response must be no 5xx, a documented status,
the documented content type and body schema; negative inputs must be refused; and for every operation with
a JSON body, the same valid body plus one unknown member must be a ``400 request.invalid``.

The run gets its own gateway (fuzzed admin calls replace the policy and vault, which would disturb the
other suites)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from _served import LONG_RUN, ServedGateway, start_gateway, unavailable, write_report
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CONTRACT = Path(__file__).resolve().parents[3] / "packages" / "contract" / "openapi.yaml"
MAX_EXAMPLES = int(os.environ.get("ACTPASS_FUZZ_EXAMPLES", 150 if LONG_RUN else 15))
UNKNOWN_FIELD = "zz_reliability_unknown_field"
TENANT_HINT = "x-actpass-tenant"

#: The role each operation needs (the contract says so in each description's table).
ROLES = {
    "preflight": "agent",
    "issuePassport": "agent",
    "verifyPassport": "agent",
    "revokePassport": "agent",
    "getApproval": "agent",
    "recordEvidence": "agent",
    "listApprovals": "approver",
    "approveApproval": "approver",
    "denyApproval": "approver",
    "listEvidence": "admin",
    "verifyEvidence": "admin",
    "exportEvidence": "admin",
    "listTools": "admin",
    "approveTool": "admin",
    "listCredentials": "admin",
    "putCredential": "admin",
    "deleteCredential": "admin",
    "getPolicy": "admin",
    "putPolicy": "admin",
    "whoami": "agent",
    "rolloutReport": "approver",
    "simulatePolicy": "admin",
    "createSuspension": "admin",
    "listSuspensions": "approver",
    "getSuspension": "approver",
    "resumeSuspension": "admin",
    "listWebhooks": "admin",
    "putWebhook": "admin",
    "getWebhook": "admin",
    "deleteWebhook": "admin",
    "listWebhookDeliveries": "admin",
    "retryWebhookDelivery": "admin",
    "getJwks": None,
    "health": None,
    "readiness": None,
    # People's sign-in: public browser routes (not configured on the fuzzed gateway: 404) and sign-out,
    # which an API key is refused (400).
    "listSignInProviders": None,
    "startOidcSignIn": None,
    "finishOidcSignIn": None,
    "claimSession": None,
    "signOut": "approver",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_path(CONTRACT)
# Unknown query parameters and headers are ignored by design (the gateway rejects unknown *body* members);
# unknown body members are probed by hand below, on every operation with a body, with a sharper oracle.
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], allow_extra_parameters=False
)

# A request line or headers far over Node's limits are refused by the HTTP server before the gateway reads
# them (431, documented where a query can grow that long): that is a refusal too.
_rejection = schema.config.checks.negative_data_rejection
schema.config.checks.negative_data_rejection = type(_rejection)(
    expected_statuses=[*_rejection.expected_statuses, "431"]
)

STATS: dict[str, Any] = {"operations": set(), "examples": 0, "unknown_field_probes": 0, "failures": 0}


@pytest.fixture(scope="module")
def fuzz_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedGateway]:
    reason = unavailable()
    if reason:
        pytest.skip(f"contract fuzzing skipped: {reason}")
    gateway = start_gateway(tmp_path_factory.mktemp("actpass-fuzz"))
    yield gateway
    gateway.stop()


def test_every_operation_has_a_role() -> None:
    operation_ids = {result.ok().definition.raw["operationId"] for result in schema.get_all_operations()}
    assert operation_ids == set(ROLES)


def _auth(gateway: ServedGateway, operation_id: str) -> dict[str, str]:
    role = ROLES[operation_id]
    return {"Authorization": f"Bearer {gateway.keys[role]}"} if role else {}


def _probe_unknown_field(gateway: ServedGateway, case: Any, headers: dict[str, str], accepted: bool) -> None:
    """The same body plus one member the contract does not know must be a 400; where the body alone was
    accepted, the 400 must name that member (otherwise the body had another problem to report first)."""
    body = {**case.body, UNKNOWN_FIELD: 1}
    url = gateway.url + case.formatted_path
    response = httpx.request(case.method, url, json=body, headers=headers, params=dict(case.query or {}))
    STATS["unknown_field_probes"] += 1
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code == 400, (
        f"{where} with {UNKNOWN_FIELD}: HTTP {response.status_code} {response.text}"
    )
    error = response.json()["error"]
    assert error["code"] == "request.invalid"
    if accepted:
        assert UNKNOWN_FIELD in f"{error['message']} {error.get('details')}", f"{where}: {error}"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_contract(case: Any, fuzz_gateway: ServedGateway) -> None:
    operation_id = case.operation.definition.raw["operationId"]
    STATS["operations"].add(operation_id)
    STATS["examples"] += 1
    headers = _auth(fuzz_gateway, operation_id)
    positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
    if positive:
        # Any string fits the tenant hints' schema, but only the key's own tenant is a valid hint.
        if case.headers and TENANT_HINT in case.headers:
            headers[TENANT_HINT] = fuzz_gateway.tenant_id
        if isinstance(case.body, dict) and "tenant_id" in case.body:
            case.body["tenant_id"] = fuzz_gateway.tenant_id
    try:
        response = case.call_and_validate(base_url=fuzz_gateway.url, headers=headers, checks=CHECKS)
        if positive and isinstance(case.body, dict) and response.status_code not in (401, 403):
            _probe_unknown_field(fuzz_gateway, case, headers, accepted=response.status_code < 300)
    except Exception:
        STATS["failures"] += 1
        raise


def test_every_operation_was_fuzzed(fuzz_gateway: ServedGateway) -> None:
    """Runs last in this file: every operation got examples, the unknown-member probe ran, and the counts
    go to the reliability script's table."""
    assert STATS["operations"] == set(ROLES)
    assert STATS["unknown_field_probes"] > 0
    write_report(
        "contract-fuzz",
        {
            "operations": len(STATS["operations"]),
            "examples": STATS["examples"],
            "unknown_field_probes": STATS["unknown_field_probes"],
            "failures": STATS["failures"],
        },
    )
