/**
 * Policy evaluation micro-benchmark (informational, not a CI gate).
 * Run: npx tsx bench/policy.bench.ts   (from packages/gateway)
 *
 * Targets: p50 <= 5 µs per decision; with the exact-tool index, going from 10 to 10,000 tool-keyed
 * rules should cost at most 2x.
 */
import { compilePolicy } from '../src/policy/compile.js';
import { evaluate } from '../src/policy/evaluate.js';
import type { CompiledPolicy, PolicyInput } from '../src/policy/types.js';

const BATCH = 100;
const SAMPLES = 1000;
const WARMUP_SAMPLES = 100;
/** Cases are measured in interleaved rounds and the median round is reported, to damp noisy hosts. */
const ROUNDS = 7;

function compiled(rules: unknown[]): CompiledPolicy {
  const result = compilePolicy({ id: 'bench', version: 1, rules });
  if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 3)));
  return result.policy;
}

/** `count` rules, each keyed to its own tool, plus a few rules that apply to every tool. */
function toolKeyedPolicy(count: number): CompiledPolicy {
  const rules: unknown[] = [
    {
      id: 'untrusted',
      when: [{ path: 'context.source', operator: '==', value: 'untrusted' }],
      decision: 'deny',
      reason: 'bench.untrusted',
    },
  ];
  for (let i = 0; i < count; i += 1) {
    rules.push({
      id: `tool-${i}`,
      when: [
        { path: 'tool', operator: '==', value: `svc${i}.action` },
        { path: 'args.amount', operator: '<=', value: 10000 },
      ],
      decision: 'allow',
      reason: 'bench.small',
    });
  }
  rules.push({
    id: 'large',
    when: [{ path: 'args.amount', operator: '>', value: 50000 }],
    decision: 'deny',
    reason: 'bench.large',
  });
  return compiled(rules);
}

/** 100 rules no index can narrow (glob and nested-path conditions); the input matches the last one. */
function wildcardPolicy(count: number): CompiledPolicy {
  const rules: unknown[] = [];
  for (let i = 0; i < count; i += 1) {
    rules.push({
      id: `wild-${i}`,
      when: [
        { path: 'tool', operator: 'glob', value: `*.refund.v${i}` },
        { path: 'args.customer.tier', operator: 'in', value: ['gold', 'silver'] },
        { path: 'args.amount', operator: '<=', value: 10000 + i },
      ],
      decision: 'allow',
      reason: 'bench.wild',
    });
  }
  return compiled(rules);
}

/** A realistic 100-rule policy: 90 rules keyed to 30 tools (3 each), 10 rules for every tool. */
function mixedPolicy(): CompiledPolicy {
  const rules: unknown[] = [];
  for (let i = 0; i < 5; i += 1) {
    rules.push({
      id: `guard-${i}`,
      when: [{ path: 'context.flags', operator: 'contains', value: `flag${i}` }],
      decision: 'deny',
      reason: 'bench.flagged',
    });
  }
  for (let t = 0; t < 30; t += 1) {
    for (const [k, limit] of [
      [0, 1000],
      [1, 10000],
      [2, 50000],
    ] as const) {
      rules.push({
        id: `t${t}-${k}`,
        when: [
          { path: 'tool', operator: '==', value: `svc${t}.action` },
          { path: 'args.amount', operator: '<=', value: limit },
        ],
        decision: k === 0 ? 'allow' : 'require_approval',
        reason: 'bench.tiered',
      });
    }
  }
  for (let i = 0; i < 5; i += 1) {
    rules.push({
      id: `tail-${i}`,
      when: [{ path: 'tool', operator: 'glob', value: `*.v${i}` }],
      decision: 'warn',
      reason: 'bench.tail',
    });
  }
  return compiled(rules);
}

function measure(policy: CompiledPolicy, inputs: PolicyInput[]): { p50: number; p99: number } {
  const perCall: number[] = [];
  let sink = 0;
  for (let s = 0; s < WARMUP_SAMPLES + SAMPLES; s += 1) {
    const start = process.hrtime.bigint();
    for (let b = 0; b < BATCH; b += 1) {
      sink += evaluate(policy, inputs[(s * BATCH + b) % inputs.length] as PolicyInput).decision.length;
    }
    const elapsed = Number(process.hrtime.bigint() - start);
    if (s >= WARMUP_SAMPLES) perCall.push(elapsed / BATCH / 1000);
  }
  if (sink === 0) throw new Error('unreachable: keeps the loop from being optimised away');
  perCall.sort((a, b) => a - b);
  return {
    p50: perCall[Math.floor(SAMPLES * 0.5)] as number,
    p99: perCall[Math.floor(SAMPLES * 0.99)] as number,
  };
}

/** Traffic over `distinct` tools spread evenly across the policy's `count` tool-keyed rules. */
function toolInputs(count: number, distinct: number): PolicyInput[] {
  return Array.from({ length: 1024 }, (_, i) => ({
    tool: `svc${Math.floor(((i % distinct) * count) / distinct)}.action`,
    goal: 'bench',
    mode: 'enforce',
    args: { amount: (i * 37) % 60000 },
    context: { source: 'user' },
  }));
}

const wildcardInput: PolicyInput = {
  tool: 'stripe.refund.v99',
  goal: 'bench',
  mode: 'enforce',
  args: { amount: 500, customer: { tier: 'gold' } },
  context: {},
};
const mixedInputs = toolInputs(30, 30).map((input) => ({ ...input, context: { flags: ['ok'] } }));
const cases: { name: string; policy: CompiledPolicy; inputs: PolicyInput[] }[] = [
  { name: '100 rules, typical mix', policy: mixedPolicy(), inputs: mixedInputs },
  { name: '100 unindexable rules, last matches', policy: wildcardPolicy(100), inputs: [wildcardInput] },
  // The same traffic shape (10 distinct tools) at every size isolates the index's cost from cache effects.
  ...[10, 1000, 10000].map((count) => ({
    name: `${count} tool-keyed rules`,
    policy: toolKeyedPolicy(count),
    inputs: toolInputs(count, 10),
  })),
  // Traffic over 1,024 distinct tools: the rules touched no longer fit in the CPU caches.
  {
    name: '10000 tool-keyed, 1024 tools in use',
    policy: toolKeyedPolicy(10000),
    inputs: toolInputs(10000, 1024),
  },
];

const rounds = cases.map(() => [] as { p50: number; p99: number }[]);
for (let r = 0; r < ROUNDS; r += 1) {
  for (const [i, c] of cases.entries()) rounds[i]?.push(measure(c.policy, c.inputs));
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const rows = cases.map((c, i) => ({
  name: c.name,
  rules: c.policy.rules.length,
  p50: median(rounds[i]!.map((m) => m.p50)),
  p99: median(rounds[i]!.map((m) => m.p99)),
}));

console.log(
  `node ${process.version}; ${BATCH} calls per sample, ${SAMPLES} samples, median of ${ROUNDS} rounds\n`,
);
console.log('case                                    rules    p50 µs    p99 µs');
for (const row of rows) {
  console.log(
    `${row.name.padEnd(38)} ${String(row.rules).padStart(6)} ${row.p50.toFixed(3).padStart(9)} ${row.p99.toFixed(3).padStart(9)}`,
  );
}
const p50Of = (name: string) => rows.find((row) => row.name === name)!.p50;
const ratio = p50Of('10000 tool-keyed rules') / p50Of('10 tool-keyed rules');
console.log(`\ngrowth 10 -> 10,000 tool-keyed rules: ${ratio.toFixed(2)}x (target <= 2x)`);
console.log(
  `p50 at 100 rules (typical mix): ${p50Of('100 rules, typical mix').toFixed(3)} µs (target <= 5 µs)`,
);
