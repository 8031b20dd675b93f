/**
 * Crash and load: many preflights from many concurrent clients while the served gateway is killed
 * with SIGKILL and restarted on the same state, then a last crash before the audit. What must hold:
 *
 * - no decision lost: every decision a client received from the gateway (HTTP 200) is in the ledger
 *   after the crashes (an acknowledged event survives a crash);
 * - the chain verifies;
 * - no passport allowed twice: a passport used by several concurrent requests, across crashes, is
 *   allowed at most once (single use);
 * - no idempotency key decided twice (SDK retries across a crash reuse their key).
 */
import { ActPass } from '@actpass/sdk';
import { REFUND_TOOL } from './constants.js';
import { GatewayProcess } from './gateway-process.js';
import { actionOf, countBy, decisionEvents, duplicates, fetchLedger, verifyLedger } from './ledger-audit.js';

export interface CrashLoadOptions {
  preflights: number;
  clients: number;
  /** Crashes during the load; one more follows before the audit. */
  kills: number;
  /** Every this-many-th client uses passports, each in `passportUses` concurrent requests. */
  passportClientEvery?: number;
  passportUses?: number;
  dir: string;
  databaseUrl?: string;
  /** Progress lines (the long run prints them). */
  log?: (line: string) => void;
}

export interface CrashLoadReport {
  preflights: number;
  /** Decisions received from the gateway (HTTP 200). */
  answered: number;
  /** Decisions the SDK made itself because the gateway was down (fail closed). */
  failedClosed: number;
  kills: number;
  passportsUsed: number;
  /** Received evidence_event_ids missing from the ledger after the crashes. */
  lost: string[];
  /** Passport jtis with more than one `allow` in the ledger. */
  jtiAllowedTwice: string[];
  /** Idempotency keys (hashed) with more than one decision event. */
  keysDecidedTwice: string[];
  chainOk: boolean;
  ledgerDecisions: number;
}

const AMOUNTS = [500, 2_500, 9_000, 30_000, 700_000];
/** Retries ride over a restart, but only briefly: load, not patience, is under test. */
const RETRY_WAIT_CAP_MS = 150;
const ATTEMPT_TIMEOUT_MS = 15_000;

export async function runCrashLoad(options: CrashLoadOptions): Promise<CrashLoadReport> {
  const log = options.log ?? (() => {});
  const gateway = new GatewayProcess({
    dir: options.dir,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  const ready = await gateway.start();
  const received: string[] = [];
  let failedClosed = 0;
  let passportsUsed = 0;
  let next = 0;
  let done = 0;
  const killAt = Array.from({ length: options.kills }, (_, k) =>
    Math.floor(((k + 1) * options.preflights) / (options.kills + 1)),
  );
  let kills = 0;
  let crashing: Promise<void> | undefined;

  const crash = async () => {
    log(`kill -9 after ${done} preflights`);
    await gateway.kill9();
    kills++;
    await gateway.restart();
  };
  const settled = () => {
    done++;
    if (!crashing && killAt[kills] !== undefined && done >= (killAt[kills] as number)) {
      crashing = crash().finally(() => {
        crashing = undefined;
      });
    }
  };
  const record = (decision: Record<string, unknown>) => {
    if (decision.source === 'gateway' && typeof decision.evidence_event_id === 'string')
      received.push(decision.evidence_event_id);
    else failedClosed++;
    settled();
  };

  const worker = async (index: number) => {
    const client = new ActPass({
      apiKey: ready.keys.agent,
      tenantId: ready.tenant_id,
      agentId: `load-${index}`,
      baseUrl: ready.url,
      timeoutMs: ATTEMPT_TIMEOUT_MS,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, RETRY_WAIT_CAP_MS))),
      logger: {},
    });
    const usesPassports = index % (options.passportClientEvery ?? 8) === 0;
    const uses = options.passportUses ?? 4;
    while (next < options.preflights) {
      const first = next;
      const batch = usesPassports ? Math.min(uses, options.preflights - first) : 1;
      next += batch;
      // A passport binds its goal: the calls sharing one present the goal it was issued for.
      const batchGoal = `load-${first}`;
      const passport = usesPassports ? await issue(client, batchGoal) : undefined;
      if (passport) passportsUsed++;
      const decisions = await Promise.all(
        Array.from({ length: batch }, (_, offset) => {
          const n = first + offset;
          return client.preflight({
            goal: passport ? batchGoal : `load-${n}`,
            tool: REFUND_TOOL,
            resource: `stripe:charge:ch_${n}`,
            // Passport requests ask for a small refund: only single use can stop a second allow.
            args: { amount: passport ? 500 : (AMOUNTS[n % AMOUNTS.length] as number), currency: 'usd' },
            ...(passport ? { passport } : {}),
          });
        }),
      );
      for (const decision of decisions) record(decision as unknown as Record<string, unknown>);
    }
  };

  await Promise.all(Array.from({ length: options.clients }, (_, index) => worker(index)));
  while (crashing) await crashing;
  // A last crash with no load: whatever was acknowledged must have been durable already.
  await crash();

  const ledger = decisionEvents(await fetchLedger(ready.url, ready.keys.admin));
  const ids = new Set(ledger.map((event) => event.id));
  const allows = ledger.filter((event) => event.data.decision === 'allow');
  const verification = await verifyLedger(ready.url, ready.keys.admin);
  await gateway.stop();
  return {
    preflights: options.preflights,
    answered: received.length,
    failedClosed,
    kills,
    passportsUsed,
    lost: received.filter((id) => !ids.has(id)),
    jtiAllowedTwice: duplicates(countBy(allows, (event) => event.data.passport_jti)),
    keysDecidedTwice: duplicates(countBy(ledger, (event) => event.data.idempotency_key_sha256)),
    chainOk: verification.ok === true,
    ledgerDecisions: ledger.filter((event) => String(actionOf(event).goal).startsWith('load-')).length,
  };

  async function issue(client: ActPass, goal: string): Promise<string | undefined> {
    try {
      const issued = await client.issuePassport({
        audience: 'reliability',
        goal,
        allowedTools: [REFUND_TOOL],
        ttlSeconds: 3600,
      });
      return issued.token;
    } catch {
      return undefined; // the gateway is down right now: this batch goes without a passport
    }
  }
}
