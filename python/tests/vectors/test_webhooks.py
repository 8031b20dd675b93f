"""Shared webhook signature vectors (``packages/contract/vectors/webhooks/``), through the module
function and both clients' ``webhooks.verify``."""

from __future__ import annotations

from typing import Any

import pytest
from _load import load_vectors  # pytest puts this folder on sys.path (no __init__.py)

from actpass import ActPassClient, AsyncActPassClient, WebhookVerificationError, webhooks

FILES = load_vectors("webhooks")
CASES = [pytest.param(case, id=f"{file}::{case['name']}") for file, data in FILES for case in data["cases"]]
SIGNING = [
    pytest.param(case, id=f"{file}::{case['name']}") for file, data in FILES for case in data["signing"]
]


def test_vectors_exist() -> None:
    assert [file for file, _ in FILES] == ["signatures.json"] or "signatures.json" in [f for f, _ in FILES]
    assert len(CASES) >= 30


def _verifiers() -> list[Any]:
    sync = ActPassClient(api_key="ak_unused", base_url="http://127.0.0.1:9")
    asynchronous = AsyncActPassClient(api_key="ak_unused", base_url="http://127.0.0.1:9")
    return [webhooks.verify, sync.webhooks.verify, asynchronous.webhooks.verify]


@pytest.mark.parametrize("case", CASES)
def test_verify_vector(case: dict[str, Any]) -> None:
    options: dict[str, Any] = {"now": case["now"]}
    if "tolerance_seconds" in case:
        options["tolerance_seconds"] = case["tolerance_seconds"]
    for verify in _verifiers():
        for payload in (case["payload"], case["payload"].encode("utf-8")):
            if "expect" in case:
                event = verify(payload, case["headers"], case["secret"], **options)
                assert (event["type"], event["id"]) == (case["expect"]["type"], case["expect"]["id"])
            else:
                with pytest.raises(WebhookVerificationError) as caught:
                    verify(payload, case["headers"], case["secret"], **options)
                assert caught.value.code == case["error"]
                secret_body = case["secret"][len("whsec_") :]
                if secret_body:
                    assert secret_body not in str(caught.value)


@pytest.mark.parametrize("case", SIGNING)
def test_signing_vector_verifies(case: dict[str, Any]) -> None:
    headers = {
        "webhook-id": case["id"],
        "webhook-timestamp": str(case["timestamp"]),
        "webhook-signature": case["signature"],
    }
    if case["payload"].startswith('{"id"'):
        assert (
            webhooks.verify(case["payload"], headers, case["secret"], now=case["timestamp"])["id"]
            == case["id"]
        )
    else:
        # Not an ActPass event: the signature holds, the payload is what is refused.
        with pytest.raises(WebhookVerificationError) as caught:
            webhooks.verify(case["payload"], headers, case["secret"], now=case["timestamp"])
        assert caught.value.code == "invalid_payload"
