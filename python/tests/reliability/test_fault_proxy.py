"""The Python client through the TypeScript fault proxy, every fault in every mode, against the served
gateway. Judged by the same rules as the TypeScript suite: outside monitor nothing runs without a
ledger-backed allow (or warn, in warn mode); monitor always runs; no received decision is missing
from the ledger; retries reuse one Idempotency-Key; each logical call is decided at most once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from _served import LONG_RUN, FaultProxy, ServedGateway, audit, prepare_strict, refund, write_report

import actpass

FAULTS = ["refuse", "reset", "stall", "trickle", "truncate", "corrupt"]
#: Faults that hit after the gateway got the request, so a retry carries a request it already decided.
FORWARDING_FAULTS = {"reset", "stall", "trickle", "truncate"}
MODES = ["enforce", "strict", "warn", "monitor"]
CALLS_PER_CELL = 24 if LONG_RUN else 6
FAULT_RATE = 0.6
#: Per attempt: stalls and trickles end here.
TIMEOUT_S = 0.5


def _record(goal: str, mode: str, fault: str, outcome: Any) -> dict[str, Any]:
    decision = outcome["decision"]
    return {
        "goal": goal,
        "mode": mode,
        "fault": fault,
        "executed": outcome["executed"],
        "decision": decision["decision"],
        "source": decision.get("source"),
        "evidence_event_id": decision.get("evidence_event_id"),
    }


async def _run_async_cell(
    gateway: ServedGateway, proxy: FaultProxy, fault: str, mode: str, passports: list[str] | None
) -> list[dict[str, Any]]:
    client = actpass.AsyncActPassClient(
        gateway.keys["agent"],
        tenant_id=gateway.tenant_id,
        agent_id="reliability-agent",
        base_url=proxy.url,
        mode=mode,
        timeout=TIMEOUT_S,
        sleep=lambda _seconds: None,  # retries at once: the faults, not the backoff, are under test
    )

    async def one(index: int) -> dict[str, Any]:
        goal = f"py-async-{fault}-{mode}-{index}"
        extra = {"passport": passports[index]} if passports else {}
        outcome = await client.guard(
            execute_fn=lambda _context: "done", record_outcome=False, **refund(goal, index % 2 == 0), **extra
        )
        return _record(goal, mode, fault, outcome)

    async with client:
        return list(await asyncio.gather(*(one(i) for i in range(CALLS_PER_CELL))))


def _run_sync_cell(
    gateway: ServedGateway, proxy: FaultProxy, fault: str, mode: str, passports: list[str] | None
) -> list[dict[str, Any]]:
    records = []
    with actpass.ActPassClient(
        gateway.keys["agent"],
        tenant_id=gateway.tenant_id,
        agent_id="reliability-agent",
        base_url=proxy.url,
        mode=mode,
        timeout=TIMEOUT_S,
        sleep=lambda _seconds: None,
    ) as client:
        for index in range(2):
            goal = f"py-sync-{fault}-{mode}-{index}"
            extra = {"passport": passports[index]} if passports else {}
            outcome = client.guard(
                execute_fn=lambda _context: "done", record_outcome=False, **refund(goal, index == 0), **extra
            )
            records.append(_record(goal, mode, fault, outcome))
    return records


async def _run_cell(
    gateway: ServedGateway, proxy: FaultProxy, fault: str, mode: str, passports: list[str] | None
) -> list[dict[str, Any]]:
    """Both clients at once: the sync one on a thread beside the async one's concurrent calls."""
    sync_passports = passports[CALLS_PER_CELL:] if passports else None
    async_records, sync_records = await asyncio.gather(
        _run_async_cell(gateway, proxy, fault, mode, passports),
        asyncio.to_thread(_run_sync_cell, gateway, proxy, fault, mode, sync_passports),
    )
    return async_records + sync_records


@pytest.mark.parametrize("fault", FAULTS)
def test_python_client_through_fault(
    served_gateway: ServedGateway, fault_proxy: FaultProxy, fault: str
) -> None:
    faults_before = len(fault_proxy.faults)
    calls: list[dict[str, Any]] = []
    for seed, mode in enumerate(MODES, start=1):
        goals = [f"py-async-{fault}-{mode}-{i}" for i in range(CALLS_PER_CELL)]
        goals += [f"py-sync-{fault}-{mode}-{i}" for i in range(2)]
        passports = prepare_strict(served_gateway, goals) if mode == "strict" else None
        fault_proxy.configure(fault, FAULT_RATE, seed)
        calls += asyncio.run(_run_async_cell(served_gateway, fault_proxy, fault, mode, passports))
        calls += _run_sync_cell(
            served_gateway, fault_proxy, fault, mode, passports[CALLS_PER_CELL:] if passports else None
        )
    fault_proxy.configure("pass")  # also a barrier: the proxy's log is complete up to here
    result = audit(served_gateway, calls, fault_proxy, len(fault_proxy.faults) - faults_before)
    write_report(
        f"python-fault-{fault}",
        {
            "cases": result.cases,
            "faults": result.faults_injected,
            "wrongly_run": len(result.wrongly_run) + len(result.monitor_not_run),
            "lost": len(result.lost),
            "chain_ok": result.chain_ok,
            "duplicates": len(result.duplicate_decisions)
            + len(result.duplicate_keys)
            + len(result.key_changes),
        },
    )

    assert result.faults_injected > 0
    assert result.wrongly_run == []
    assert result.monitor_not_run == []
    assert result.lost == []
    assert result.duplicate_decisions == []
    assert result.duplicate_keys == []
    assert result.key_changes == []
    assert result.chain_ok
    if fault != "corrupt":
        assert result.altered_in_transit == 0
    if fault in FORWARDING_FAULTS:
        assert result.retries > 0
    assert any(call["source"] == "gateway" for call in calls)
    assert any(call["source"] != "gateway" for call in calls)


def test_every_attempt_broken_runs_only_monitor(
    served_gateway: ServedGateway, fault_proxy: FaultProxy
) -> None:
    fault_proxy.configure("reset", 1.0)
    try:
        for mode in MODES:
            with actpass.ActPassClient(
                served_gateway.keys["agent"],
                tenant_id=served_gateway.tenant_id,
                base_url=fault_proxy.url,
                mode=mode,
                timeout=TIMEOUT_S,
                sleep=lambda _seconds: None,
            ) as client:
                outcome = client.guard(
                    execute_fn=lambda _context: "done",
                    record_outcome=False,
                    **refund(f"py-broken-{mode}", True),
                )
            assert outcome["decision"]["source"] == "client"
            assert outcome["decision"]["decision"] == "deny"
            assert outcome["executed"] is (mode == "monitor")
    finally:
        fault_proxy.configure("pass")
