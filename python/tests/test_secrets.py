"""API keys, passport tokens and credential values never reach log lines, error messages or reprs."""

from __future__ import annotations

import logging

import pytest
from _helpers import API_KEY, FakeGateway, MakeClient, call, decision_body, error_response

TOKEN = "eyJhbGciOiJFZERTQSJ9.SECRET_PASSPORT_CLAIMS.SECRET_SIG"
LEASE = {"name": "stripe_key", "value": "rk_live_SECRET_VALUE", "expires_at": "2026-11-23T18:01:00.000Z"}
SECRETS = (API_KEY, TOKEN, LEASE["value"])


async def test_no_secret_in_logs_errors_or_reprs(
    make_client: MakeClient, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.on("POST", "/api/v1/actions/preflight", "reset", decision_body(credential=LEASE))
    gateway.on("POST", "/api/v1/evidence", error_response(503, "server.unavailable"))
    gateway.on("PUT", "/api/v1/credentials/stripe_key", error_response(400, "request.invalid"))
    gateway.on("POST", "/api/v1/passports/verify", "timeout")
    client = make_client()
    texts = [repr(client)]
    with caplog.at_level(logging.DEBUG):
        out = await call(
            client.guard(
                goal="g", tool="t", passport=TOKEN, execute_fn=lambda ctx: ctx["credential"]["value"]
            )
        )
        texts += [repr(out["decision"]), str(out["decision"])]
        try:
            await call(client.credentials.put("stripe_key", value=LEASE["value"], bound_tools=["t"]))
        except Exception as error:
            texts += [str(error), repr(error)]
        verification = await call(client.verify_passport(token=TOKEN))
        texts.append(repr(verification))
    texts += [record.getMessage() for record in caplog.records]
    assert out["result"] == LEASE["value"]  # the lease did reach execute
    assert any("retrying" in record.getMessage() for record in caplog.records)
    for secret in SECRETS:
        for text in texts:
            assert secret not in text
