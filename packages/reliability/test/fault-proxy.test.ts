/**
 * The TypeScript SDK through every proxy fault in every mode, against the served gateway. Whatever the
 * network does: outside monitor nothing runs without a ledger-backed allow (or warn, in warn mode),
 * monitor always runs, every decision a client received is in the ledger, retries reuse one
 * Idempotency-Key, and the gateway decides each key (and each logical call) at most once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFaultRun, type CallRecord, runCell } from '../src/fault-matrix.js';
import { FAULT_MODES, type FaultMode, FaultProxy } from '../src/fault-proxy.js';
import { cellGoal, prepareStrict, SDK_MODES } from '../src/scenario.js';
import { type ServedGateway, servedGatewayUnavailable, serveGateway } from './helpers.js';

const CALLS_PER_CELL = 8;
/** Some attempts break and their retries get through: the interesting case for idempotency. */
const FAULT_RATE = 0.6;
/** Per attempt; stalls and trickles end here. Small, so the suite stays fast. */
const TIMEOUT_MS = 1_000;
const FAULTS = FAULT_MODES.filter((mode) => mode !== 'pass');
/** Faults that hit after the gateway got the request: the retry carries a request it already decided. */
const FORWARDING_FAULTS: FaultMode[] = ['reset', 'stall', 'trickle', 'truncate'];

const unavailable = servedGatewayUnavailable();
if (unavailable) console.warn(`fault-proxy suite skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('SDK through the fault proxy', () => {
  let served: ServedGateway;
  let proxy: FaultProxy;
  let gateway: { url: string; tenantId: string; keys: { agent: string; admin: string } };

  beforeAll(async () => {
    served = await serveGateway();
    const ready = served.gateway.ready!;
    gateway = { url: ready.url, tenantId: ready.tenant_id, keys: ready.keys };
    proxy = await FaultProxy.start({ target: ready.url, mode: 'pass' });
  });

  afterAll(async () => {
    await proxy?.close();
    await served?.dispose();
  });

  it.each(FAULTS)('%s: fails closed, loses nothing, decides each call once', async (fault: FaultMode) => {
    const runId = `ts-${fault}`;
    const faultsBefore = proxy.faults.length;
    // Passports are issued straight at the gateway: the delegation is not what is under test here.
    const goals = Array.from({ length: CALLS_PER_CELL }, (_, i) => cellGoal(runId, fault, 'strict', i));
    const passports = await prepareStrict(gateway.url, gateway.keys, goals);
    proxy.configure({ mode: fault, faultRate: FAULT_RATE, seed: FAULT_MODES.indexOf(fault) });
    // The four modes at once, through the same faulty proxy: the run takes one cell's time.
    const cells = SDK_MODES.map((mode) =>
      runCell({
        proxy,
        gateway,
        fault,
        mode,
        calls: CALLS_PER_CELL,
        runId,
        timeoutMs: TIMEOUT_MS,
        ...(mode === 'strict' ? { passports } : {}),
      }),
    );
    const calls: CallRecord[] = (await Promise.all(cells)).flat();
    proxy.configure({ mode: 'pass' });
    const audit = await auditFaultRun(gateway, calls, proxy.requests, proxy.faults.length - faultsBefore);

    expect(audit.faultsInjected).toBeGreaterThan(0);
    expect(audit.wronglyRun).toEqual([]);
    expect(audit.monitorNotRun).toEqual([]);
    expect(audit.lost).toEqual([]);
    expect(audit.duplicateDecisions).toEqual([]);
    expect(audit.duplicateKeys).toEqual([]);
    expect(audit.keyChanges).toEqual([]);
    expect(audit.chainOk).toBe(true);
    if (fault !== 'corrupt') expect(audit.alteredInTransit).toBe(0);
    // Faults after forwarding must have made the SDK retry a request the gateway already had, under the
    // same key (checked above); and some retries got through, so the run exercised both outcomes.
    if (FORWARDING_FAULTS.includes(fault)) expect(audit.retries).toBeGreaterThan(0);
    expect(calls.some((call) => call.source === 'gateway')).toBe(true);
    expect(calls.some((call) => call.source === 'client')).toBe(true);
  });

  it("every attempt broken: nothing runs outside monitor, and monitor says the decision is the client's", async () => {
    proxy.configure({ mode: 'reset', faultRate: 1 });
    const calls: CallRecord[] = [];
    for (const mode of SDK_MODES) {
      calls.push(
        ...(await runCell({
          proxy,
          gateway,
          fault: 'reset',
          mode,
          calls: 4,
          runId: 'ts-all-broken',
          timeoutMs: TIMEOUT_MS,
        })),
      );
    }
    proxy.configure({ mode: 'pass' });
    for (const call of calls) {
      expect(call.source).toBe('client');
      expect(call.decision).toBe('deny');
      expect(call.executed).toBe(call.mode === 'monitor');
    }
  });
});
