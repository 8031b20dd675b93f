/** The targets, each measured or skipped, and the verdict on each (pure). */
import { HOOK_TARGET_VARIANT, type HookResult } from './hook.js';
import type { PeerComparison } from './peers/types.js';
import { addedRatio, type ProxyResult } from './proxy.js';
import { isSkipped, type ReportResults } from './results.js';
import { fmt, ratios, type Spread, spread } from './stats.js';

export type Unit = 'ratio' | 'rate' | 'count';

export interface Target {
  label: string;
  unit: Unit;
  /** absent for a comparison reported without a target */
  goal?: { comparison: '≥' | '≤'; value: number };
  measured?: Spread;
  skipped?: string;
  /** where the full table is, and the known reason when it misses */
  whyMissed?: string;
}

export function formatMeasured(unit: Unit, s: Spread): string {
  if (unit === 'count') return fmt(s.median);
  if (unit === 'rate') return `${fmt(s.median)}/s (${fmt(s.min)}–${fmt(s.max)})`;
  return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}

/** True when met, false when missed, undefined when there is no target or nothing was measured. */
export function isMet(target: Target): boolean | undefined {
  if (!target.goal || !target.measured) return undefined;
  const { comparison, value } = target.goal;
  return comparison === '≥' ? target.measured.median >= value : target.measured.median <= value;
}

/** "met", "missed: 12 % short", "missed: 9 % over", "skipped: …" or "no target". */
export function verdict(target: Target): string {
  if (target.skipped !== undefined) return `skipped: ${target.skipped}`;
  const met = isMet(target);
  if (met === undefined) return 'no target (reported for comparison)';
  if (met) return 'met';
  const { comparison, value } = target.goal!;
  const median = target.measured!.median;
  if (value === 0) return `missed by ${formatMeasured(target.unit, target.measured!)}`;
  const off = (100 * Math.abs(median - value)) / value;
  const pct = off < 1 ? off.toFixed(1) : off.toFixed(0);
  return `missed: ${pct} % ${comparison === '≥' ? 'short' : 'over'}`;
}

const atLeast = (value: number) => ({ comparison: '≥' as const, value });
const atMost = (value: number) => ({ comparison: '≤' as const, value });

function measuredOr<T>(
  outcome: T | { skipped: string },
  measure: (value: T) => Spread,
): Pick<Target, 'measured' | 'skipped'> {
  return isSkipped(outcome as T | { skipped: string })
    ? { skipped: (outcome as { skipped: string }).skipped }
    : { measured: measure(outcome as T) };
}

function peerTargets(name: string, outcome: PeerComparison | { skipped: string } | undefined): Target[] {
  if (!outcome) return [];
  return [
    {
      label: `policy evaluator vs ${name}, same decisions (ours ÷ theirs, decisions per CPU-second)`,
      unit: 'ratio',
      ...measuredOr(outcome, (peer) => spread(ratios(peer.ours, peer.theirs))),
    },
    {
      label: `answers that differ from ${name}'s`,
      unit: 'count',
      goal: atMost(0),
      ...measuredOr(outcome, (peer) => ({
        median: peer.mismatches,
        min: peer.mismatches,
        max: peer.mismatches,
      })),
    },
  ];
}

/** One figure over all interleaved runs (the hook bench gives percentiles, not per-round values). */
function hookTargets(hook: HookResult | { skipped: string } | undefined): Target[] {
  if (hook === undefined) return [];
  const ratio = (field: 'p50_vs_floor' | 'p99_vs_floor') =>
    measuredOr(hook, (h) => {
      const row = h.rows.find((r) => r.variant === HOOK_TARGET_VARIANT);
      const value = row ? row[field] : Number.NaN;
      return { median: value, min: value, max: value };
    });
  const whyMissed =
    'the floor is Node’s own start; the hook adds loading its one-file bundle (compiled from V8’s code cache after the first call), the Bash grammar (1.3 MB of WebAssembly, compiled with the baseline compiler only), the session state and one loopback request; see the hook table';
  return [
    {
      label: "Claude Code hook p50 ≤ 2× `node -e ''` (one PreToolUse decision, Bash, process start to exit)",
      unit: 'ratio',
      goal: atMost(2),
      ...ratio('p50_vs_floor'),
      whyMissed,
    },
    {
      label: "Claude Code hook p99 ≤ 3× `node -e ''`",
      unit: 'ratio',
      goal: atMost(3),
      ...ratio('p99_vs_floor'),
      whyMissed,
    },
  ];
}

/** The worst REST ledger, and MCP, each as one figure (the bench gives percentiles, not rounds). */
function proxyTargets(proxy: ProxyResult | { skipped: string } | undefined): Target[] {
  if (proxy === undefined) return [];
  const worst = (at: 'p50' | 'p99') =>
    measuredOr(proxy, (p) => {
      const value = Math.max(...p.rest.map((row) => addedRatio(row, at)));
      return { median: value, min: value, max: value };
    });
  const mcp = measuredOr(proxy, (p) => {
    const value = p.mcp ? addedRatio(p.mcp, 'p50') : Number.NaN;
    return { median: value, min: value, max: value };
  });
  const whyMissed =
    'a proxied call is the agent → proxy hop, the preflight (its outcome record rides on the same key’s next preflight, so one gateway round trip per call) and the upstream hop; on the file ledger every decision waits for its durable flush, and the proxy’s own parse and forward run on the same two cores as the gateway and the load; see the proxy table and the section on the proxies';
  const mcpWhyMissed =
    'HTTP mode keeps one server and transport per MCP session and reuses each upstream’s tool list until list_changed or a TTL; what remains is the MCP layer on both sides (JSON-RPC framing and the MCP SDK’s schema validation of every message) and a second hop to the upstream over its own transport';
  return [
    {
      label: 'REST proxy added p50 ≤ 1.5× a bare served preflight (worst ledger)',
      unit: 'ratio',
      goal: atMost(1.5),
      ...worst('p50'),
      whyMissed,
    },
    {
      label: 'REST proxy added p99 ≤ 2× a bare served preflight (worst ledger)',
      unit: 'ratio',
      goal: atMost(2),
      ...worst('p99'),
      whyMissed,
    },
    {
      label: 'MCP proxy `tools/call` added p50 ≤ 1.5× a bare served preflight',
      unit: 'ratio',
      goal: atMost(1.5),
      ...mcp,
      whyMissed: mcpWhyMissed,
    },
  ];
}

export function buildTargets(results: ReportResults): Target[] {
  const { http, sdk, python, ledger, canonical, passport, peers } = results;
  const worstHttp = (h: Exclude<typeof http, { skipped: string }>): Spread => {
    const worst = h.rows.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    return { median: worst.ratio, min: worst.ratioMin, max: worst.ratioMax };
  };
  const sdkRatio = (a: 'guard' | 'guardSettled' | 'preflight', b: 'preflightExecute' | 'raw') =>
    measuredOr(sdk, (s) => spread(s.rounds.map((round) => round[a] / round[b])));
  const pyRatio = (
    side: 'sync' | 'async',
    a: 'guard' | 'guard_settled' | 'preflight',
    b: 'preflight_execute' | 'raw',
  ) => measuredOr(python, (p) => spread(p[side].map((round) => round[a] / round[b])));
  const guardWhy =
    'the previous record is sent before each timed call, so guard() adds only its own work (timing execute, hashing the result’s canonical JSON, building the outcome record and handing it to the background queue; in Python also waking the worker thread or task); the per-round spread on this machine is about as wide as the gap, and repeated runs land on both sides of 1.1';
  // Back to back, with nothing between calls, every call also pays for the previous call's record:
  // two requests of work per action, reported beside the target (see the SDK tables).
  const backToBack = (label: string, measured: Pick<Target, 'measured' | 'skipped'>): Target => ({
    label: `${label} back to back, nothing between calls (no target: two requests of work per call)`,
    unit: 'ratio',
    ...measured,
  });
  return [
    {
      label: 'served gateway: keyed ≥ 0.9× unkeyed throughput (worst client count)',
      unit: 'ratio',
      goal: atLeast(0.9),
      ...measuredOr(http, worstHttp),
      whyMissed:
        'a keyed request waits for one durable flush, as an unkeyed one does, but the gateway also claims its key and journals its stored answer behind the decision: more work on the same two cores the load generator uses, which shows most when the cores are saturated; on a shared machine the per-round spread is wide (see the HTTP table)',
    },
    {
      label: 'TypeScript `guard()` latency ≤ 1.1× preflight + execute (previous record sent)',
      unit: 'ratio',
      goal: atMost(1.1),
      ...sdkRatio('guardSettled', 'preflightExecute'),
      whyMissed: guardWhy,
    },
    backToBack('TypeScript `guard()`', sdkRatio('guard', 'preflightExecute')),
    {
      label: 'Python sync `guard()` latency ≤ 1.1× preflight + execute (previous record sent)',
      unit: 'ratio',
      goal: atMost(1.1),
      ...pyRatio('sync', 'guard_settled', 'preflight_execute'),
      whyMissed:
        'profiled (cProfile, and timings around the request inside guard() against a loopback server in a child interpreter): the round trip inside guard() differed from a bare one by +153 µs in one run and −138 µs in the next (load average 15–17), so no systematic gap shows at this noise; the difference is guard()’s own work, ~60–90 µs before the request (execute_fn’s signature read twice through inspect, now once and from the code object) and ~50–90 µs after execute (timing, the result’s canonical SHA-256, building the outcome record and Queue.put, whose notify wakes the worker thread: the top line of the profile under load); on a busy 2-core machine the woken thread competes for the GIL and the cores, which is why the ratio moves most there',
    },
    backToBack('Python sync `guard()`', pyRatio('sync', 'guard', 'preflight_execute')),
    {
      label: 'Python async `guard()` latency ≤ 1.1× preflight + execute (previous record sent)',
      unit: 'ratio',
      goal: atMost(1.1),
      ...pyRatio('async', 'guard_settled', 'preflight_execute'),
      whyMissed: guardWhy,
    },
    backToBack('Python async `guard()`', pyRatio('async', 'guard', 'preflight_execute')),
    ...hookTargets(results.hook),
    ...proxyTargets(results.proxy),
    {
      label: 'SDK cold import ≤ 0.5× openai’s',
      unit: 'ratio',
      goal: atMost(0.5),
      ...measuredOr(sdk, (s) => spread(ratios(s.imports.sdk, s.imports.openai))),
    },
    {
      label: 'chain verification ≥ 200,000 events per CPU-second',
      unit: 'rate',
      goal: atLeast(200_000),
      ...measuredOr(ledger, (l) => spread(l.verify)),
      whyMissed:
        'every verified event costs one canonicalization and one SHA-256 of its ~1 kB canonical text, with no cache that skips either (the two are measured alone in the ledger table); `actpass ledger verify` hashes a stored line’s own bytes when they are provably canonical and spreads large files over worker threads, but on ~1 kB events `JSON.parse` alone runs at 165k–270k lines per CPU-second',
    },
    {
      label: 'in-memory append ≥ 80,000 events per CPU-second',
      unit: 'rate',
      goal: atLeast(80_000),
      ...measuredOr(ledger, (l) => spread(l.append)),
      whyMissed:
        'append pays the same canonicalization and SHA-256 as verification, plus sealing and freezing the event',
    },
    {
      label: 'Python canonical JSON ≥ `rfc8785` (ours ÷ theirs)',
      unit: 'ratio',
      goal: atLeast(1),
      ...measuredOr(canonical, (c) => spread(ratios(c.ours, c.theirs))),
    },
    {
      label: 'passport verification vs jose `jwtVerify` (ours ÷ jose)',
      unit: 'ratio',
      ...measuredOr(passport, (p) => spread(ratios(p.ours, p.jose))),
    },
    {
      label: 'passport verification vs the bare Ed25519 floor (ours ÷ floor)',
      unit: 'ratio',
      ...measuredOr(passport, (p) => spread(ratios(p.ours, p.floor))),
    },
    {
      label: 'SDK `preflight()` ≤ 1.15× a raw `fetch` of the same request',
      unit: 'ratio',
      goal: atMost(1.15),
      ...sdkRatio('preflight', 'raw'),
    },
    {
      label: 'Python sync client ≤ 1.2× raw httpx, server out of process',
      unit: 'ratio',
      goal: atMost(1.2),
      ...pyRatio('sync', 'preflight', 'raw'),
    },
    {
      label: 'Python async client ≤ 1.2× raw httpx, server out of process',
      unit: 'ratio',
      goal: atMost(1.2),
      ...pyRatio('async', 'preflight', 'raw'),
    },
    ...(isSkipped(peers)
      ? [
          {
            label: 'policy evaluator vs Cedar and the Agent Governance Toolkit',
            unit: 'ratio' as const,
            skipped: peers.skipped,
          },
        ]
      : [
          ...peerTargets('Cedar (wasm, policy set preparsed)', peers.cedar),
          ...peerTargets('Cedar (wasm, policy text per call)', peers.cedarPerCall),
          ...peerTargets('the Agent Governance Toolkit', peers.agt),
        ]),
  ];
}
