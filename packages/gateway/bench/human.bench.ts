/**
 * Rollout report and policy what-if over 100,000 recorded decisions in the file ledger (informational,
 * not a CI gate). Reports, as the median of interleaved rounds:
 *   open      reading and verifying the tenant's ledger file (once per process; every later read is memory)
 *   rollout   the rollout report over every decision (hour buckets over the window)
 *   simulate  the what-if of the refunds pack over every decision (summary + first page of changes)
 *   bare      `evaluate()` of the same candidate over the same 100,000 policy inputs, prebuilt
 * Target: simulate <= 3x bare evaluation.
 *
 * Run: npx tsx bench/human.bench.ts [--json]   (from packages/gateway)
 * Env: ACTPASS_BENCH_DECISIONS (default 100000), ACTPASS_BENCH_ROUNDS (default 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LedgerEvent } from '../src/ledger/index.js';
import { FileLedgerStore } from '../src/ledger/index.js';
import {
  compilePolicy,
  evaluate,
  type PolicyInput,
  packSource,
  simulatePolicy,
} from '../src/policy/index.js';
import { rolloutReport } from '../src/reports/index.js';

const DECISIONS = Number(process.env.ACTPASS_BENCH_DECISIONS ?? 100_000);
const ROUNDS = Number(process.env.ACTPASS_BENCH_ROUNDS ?? 5);
const APPEND_CHUNK = 2000;
const TARGET_RATIO = 3;
const TENANT = 'acme';
const START = Date.parse('2026-11-20T00:00:00Z');
const SPAN_MS = 3 * 24 * 3_600_000;
const MODES = ['monitor', 'monitor', 'warn', 'enforce'] as const;
const TOOLS = ['stripe.refund.create', 'stripe.refund.create', 'stripe.refund.create', 'crm.contact.update'];

function decisionAt(i: number) {
  const amount = (i * 7919) % 80_000;
  const mode = MODES[i % MODES.length] as string;
  const tool = TOOLS[i % TOOLS.length] as string;
  const real =
    tool !== 'stripe.refund.create'
      ? 'deny'
      : amount <= 10_000
        ? 'allow'
        : amount <= 50_000
          ? 'require_approval'
          : 'deny';
  const told = mode === 'warn' && real !== 'allow' ? 'warn' : real;
  return {
    type: 'decision',
    at: new Date(START + Math.floor((i / DECISIONS) * SPAN_MS)).toISOString(),
    data: {
      request_id: `req_${i}`,
      decision: told,
      reason_code:
        real === 'allow'
          ? 'refund.small_in_scope'
          : real === 'deny'
            ? 'refund.large_denied'
            : 'refund.medium_needs_approval',
      risk_tier: 'low',
      mode,
      enforced: mode !== 'monitor',
      ...(mode === 'monitor' || mode === 'warn' ? { would_decision: real } : {}),
      action_hash: 'a'.repeat(64),
      action: {
        tenant_id: TENANT,
        agent_id: `agent_${i % 17}`,
        user_id: null,
        goal: 'resolve_refund_request',
        tool,
        resource: `stripe:charge:ch_${i % 1000}`,
        args: { amount, currency: 'usd' },
      },
      policy: { id: 'actpass.pack.refunds', version: 1, hash: 'b'.repeat(64) },
      matched_rules: ['refund-rule'],
      passport_jti: null,
      approval_request_id: null,
      credential_name: null,
      key_id: 'acme_agent',
      idempotency_key_sha256: null,
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const dir = mkdtempSync(join(tmpdir(), 'actpass-bench-human-'));
try {
  const writer = new FileLedgerStore(dir);
  for (let start = 0; start < DECISIONS; start += APPEND_CHUNK) {
    const chunk = [];
    for (let i = start; i < Math.min(DECISIONS, start + APPEND_CHUNK); i++)
      chunk.push(writer.append(TENANT, decisionAt(i)));
    await Promise.all(chunk);
  }
  await writer.close();

  const store = new FileLedgerStore(dir);
  const open = await time(() => store.head(TENANT));
  const events: LedgerEvent[] = [];
  for await (const event of store.events(TENANT)) events.push(event);
  // The candidate halves the refunds pack's small-refund limit, so some recorded allows become holds.
  const compiled = compilePolicy(
    JSON.parse(JSON.stringify(packSource('refunds')).replaceAll('10000', '5000')),
  );
  if (!compiled.ok) throw new Error('the bench candidate does not compile');
  const candidate = compiled.policy;
  const window = { sinceMs: START, untilMs: START + SPAN_MS + 1 };
  const inputs: PolicyInput[] = events.map((event) => {
    const action = event.data.action as Record<string, never>;
    return {
      tool: action.tool,
      goal: action.goal,
      mode: event.data.mode as string,
      args: action.args,
      context: {},
      resource: action.resource,
      agent_id: action.agent_id,
    };
  });

  const samples = { rollout: [] as number[], simulate: [] as number[], bare: [] as number[] };
  let changed = 0;
  let wouldBlock = 0;
  for (let round = 0; round < ROUNDS + 1; round++) {
    const rollout = await time(async () => {
      wouldBlock = (await rolloutReport(store.events(TENANT), { window, bucket: 'hour', top: 10 })).totals
        .would_block;
    });
    const simulate = await time(async () => {
      changed = (await simulatePolicy(candidate, store.events(TENANT), window, { afterSeq: 0, limit: 100 }))
        .summary.changed;
    });
    const bare = await time(() => {
      for (const input of inputs) evaluate(candidate, input);
    });
    if (round === 0) continue; // warm-up
    samples.rollout.push(rollout);
    samples.simulate.push(simulate);
    samples.bare.push(bare);
  }
  await store.close();

  const result = {
    decisions: DECISIONS,
    open_ms: open,
    rollout_ms: median(samples.rollout),
    simulate_ms: median(samples.simulate),
    bare_ms: median(samples.bare),
    rollout_ratio: median(samples.rollout) / median(samples.bare),
    simulate_ratio: median(samples.simulate) / median(samples.bare),
    changed,
    would_block: wouldBlock,
  };
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log(
    `${DECISIONS.toLocaleString('en')} recorded decisions, file ledger (median of ${ROUNDS} rounds)`,
  );
  console.log(`  open (read + verify chain) ${ms(result.open_ms)}`);
  console.log(
    `  rollout report             ${ms(result.rollout_ms)}  (${result.rollout_ratio.toFixed(2)}x bare evaluation)`,
  );
  console.log(
    `  what-if (simulate)         ${ms(result.simulate_ms)}  (${result.simulate_ratio.toFixed(2)}x bare evaluation; target <= ${TARGET_RATIO}x)`,
  );
  console.log(`  bare evaluate() x ${DECISIONS}  ${ms(result.bare_ms)}`);
  console.log(
    `  (${result.changed} decisions change under the candidate; ${result.would_block} would block)`,
  );
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  if (result.simulate_ratio > TARGET_RATIO)
    console.log(`  MISSED: simulate is above ${TARGET_RATIO}x bare evaluation`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
