/** The ledger in memory: sequential append and `verifyChain`, with its two costs measured alone. */
import { canonicalize } from '@actpass/sdk/canonical';
import { sha256Hex } from '../../src/crypto/index.js';
import { canonicalEventText } from '../../src/ledger/event.js';
import { type LedgerEvent, MemoryLedgerStore, verifyChain } from '../../src/ledger/index.js';
import { cpuSeconds } from './stats.js';

export const LEDGER_EVENTS = 20_000;

export interface LedgerResult {
  events: number;
  /** bytes of one event's canonical text */
  bytes: number;
  /** events per CPU-second, one sample per round */
  append: number[];
  verify: number[];
  verifyGeneral: number[];
  canonicalOnly: number[];
  hashOnly: number[];
}

/** A representative decision event's data (also used by the Python canonicalizer comparison). */
export const eventData = (i: number) => ({
  request_id: `req_${i}`,
  decision: 'allow',
  reason_code: 'refund.small_in_scope',
  risk_tier: 'low',
  mode: 'enforce',
  enforced: true,
  action_hash: 'a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef',
  action: {
    tenant_id: 'tenant_bench',
    agent_id: 'bench_agent',
    user_id: null,
    goal: 'resolve_refund_request',
    tool: 'stripe.refund.create',
    resource: 'stripe:charge:ch_1',
    args: { amount: i % 10_000, currency: 'usd' },
  },
  policy: { id: 'refunds', version: 3, hash: 'b'.repeat(64) },
  matched_rules: ['small_refund'],
  passport_jti: null,
  approval_request_id: null,
  credential_name: null,
  key_id: 'key_1',
  idempotency_key_sha256: null,
});

/** Verification the way it was before the specialised canonicalizer: the general one, per event. */
function verifyWithGeneralCanonicalizer(events: LedgerEvent[]): void {
  let previous = '0'.repeat(64);
  for (const event of events) {
    const { hash, ...unsealed } = event;
    if (event.prev_hash !== previous || sha256Hex(canonicalize(unsealed)) !== hash) throw new Error('broken');
    previous = hash;
  }
}

export async function measureLedger(rounds: number): Promise<LedgerResult> {
  const result: LedgerResult = {
    events: LEDGER_EVENTS,
    bytes: 0,
    append: [],
    verify: [],
    verifyGeneral: [],
    canonicalOnly: [],
    hashOnly: [],
  };
  for (let round = 0; round < rounds; round++) {
    const store = new MemoryLedgerStore();
    const cpu = process.cpuUsage();
    for (let i = 0; i < LEDGER_EVENTS; i++) {
      await store.append('tenant_bench', { type: 'decision', data: eventData(i) });
    }
    const used = process.cpuUsage(cpu);
    result.append.push(LEDGER_EVENTS / ((used.user + used.system) / 1e6));
    const events: LedgerEvent[] = [];
    for await (const event of store.events('tenant_bench')) events.push(event);
    const texts = events.map((event) => canonicalEventText(event));
    result.bytes = Buffer.byteLength(texts[0] as string);
    const checks: Array<[number[], () => void]> = [
      [
        result.verify,
        () => {
          if (!verifyChain(events).ok) throw new Error('chain did not verify');
        },
      ],
      [result.verifyGeneral, () => verifyWithGeneralCanonicalizer(events)],
      [
        result.canonicalOnly,
        () => {
          for (const event of events) canonicalEventText(event);
        },
      ],
      [
        result.hashOnly,
        () => {
          for (const text of texts) sha256Hex(text);
        },
      ],
    ];
    for (let k = 0; k < checks.length; k++) {
      const [into, work] = checks[(round + k) % checks.length]!;
      into.push(LEDGER_EVENTS / cpuSeconds(work));
    }
  }
  return result;
}
