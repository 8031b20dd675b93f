// The benchmark report's pure parts: option parsing, tables, verdicts, rendering and the marker
// replacement that must keep the rest of docs/benchmarks.md byte for byte. No benchmark runs here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { table } from '../../bench/report/markdown.js';
import { END_MARKER, replaceSection, START_MARKER } from '../../bench/report/markers.js';
import { parseOptions, selected } from '../../bench/report/options.js';
import {
  agreement,
  agtAnswer,
  cedarAnswer,
  peerContext,
  refundRequests,
} from '../../bench/report/peers/refunds.js';
import { renderSection, SECTION_HEADING } from '../../bench/report/render.js';
import type { ReportResults } from '../../bench/report/results.js';
import { spread } from '../../bench/report/stats.js';
import { buildTargets, isMet, type Target, verdict } from '../../bench/report/targets.js';

const machine = (load: number) => ({
  cpuCount: 2,
  cpuModel: 'Test CPU',
  node: 'v20.0.0',
  start: { load: [load, 1, 1] as [number, number, number], at: '2026-11-26 12:00 UTC' },
  end: { load: [load, 1, 1] as [number, number, number], at: '2026-11-26 12:05 UTC' },
});

function results(overrides: Partial<ReportResults> = {}): ReportResults {
  const skipped = { skipped: 'not selected in this run (`--only`)' };
  return {
    machine: machine(0.2),
    rounds: 3,
    passport: {
      tokenChars: 786,
      ours: [5000, 5200, 5100],
      jose: [4000, 4100, 4200],
      floor: [7000, 7100, 7200],
    },
    ledger: {
      events: 20_000,
      bytes: 894,
      append: [50_000, 55_000, 60_000],
      verify: [150_000, 160_000, 155_000],
      verifyGeneral: [60_000, 61_000, 62_000],
      canonicalOnly: [200_000, 210_000, 220_000],
      hashOnly: [700_000, 710_000, 720_000],
    },
    canonical: skipped,
    http: skipped,
    sdk: {
      node: 'v20.0.0',
      calls: 100,
      rounds: [
        { raw: 1, preflight: 1.1, preflightExecute: 1.2, guard: 2.4, guardAwaited: 2.4, guardSettled: 1.2 },
        { raw: 1, preflight: 1.0, preflightExecute: 1.0, guard: 2, guardAwaited: 2, guardSettled: 1.05 },
        { raw: 1, preflight: 1.2, preflightExecute: 1.0, guard: 2, guardAwaited: 2, guardSettled: 1.3 },
      ],
      imports: { sdk: [10, 12, 11], openai: [100, 90, 110], version: '6.49.0' },
    },
    python: skipped,
    peers: { skipped: 'not run: peers are optional' },
    ...overrides,
  };
}

const byLabel = (targets: Target[], start: string) => {
  const found = targets.find((t) => t.label.startsWith(start));
  if (!found) throw new Error(`no target starting with ${start}`);
  return found;
};

describe('options', () => {
  it('reads rounds, seconds, calls, peers, write and only, in both spellings', () => {
    const options = parseOptions([
      '--write',
      '--rounds',
      '2',
      '--seconds=1',
      '--calls',
      '50',
      '--only',
      'sdk,python',
    ]);
    expect(options).toMatchObject({ rounds: 2, httpSeconds: 1, calls: 50, peers: false });
    expect(options.write).toBe(false); // a subset never overwrites the whole generated section
    expect(parseOptions(['--write']).write).toBe(true);
    expect(parseOptions(['--write', '--no-write']).write).toBe(false);
    expect(selected(options, 'sdk')).toBe(true);
    expect(selected(options, 'ledger')).toBe(false);
    expect(selected(options, 'peers')).toBe(false);
    expect(selected(parseOptions(['--peers']), 'peers')).toBe(true);
  });

  it('skips a bare -- that pnpm passes through, and takes ACTPASS_BENCH_ROUNDS as the default', () => {
    expect(parseOptions(['--', '--rounds', '4']).rounds).toBe(4);
    expect(parseOptions([], { ACTPASS_BENCH_ROUNDS: '7' }).rounds).toBe(7);
  });

  it('re-renders a saved run with --from, and asks for the file when it is missing', () => {
    expect(parseOptions(['--from', '/tmp/results.json', '--write'])).toMatchObject({
      from: '/tmp/results.json',
      write: true,
    });
    expect(() => parseOptions(['--from'])).toThrow(/--from needs the results file/);
  });

  it('refuses unknown flags, bad numbers and unknown comparisons, naming the fix', () => {
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseOptions(['--rounds', 'zero'])).toThrow(/--rounds needs a positive number/);
    expect(() => parseOptions(['--rounds'])).toThrow(/got nothing/);
    expect(() => parseOptions(['--only', 'sdk,cedar'])).toThrow(/--only takes .*got cedar/);
  });
});

describe('markdown tables', () => {
  it('renders header, alignment rule and rows', () => {
    expect(table(['a', 'b'], [['1', '2']], ['left', 'right'])).toBe('| a | b |\n| --- | ---: |\n| 1 | 2 |');
  });

  it('escapes pipes and newlines so a value cannot break its table', () => {
    const out = table(['tool'], [['a|b\nc']]);
    expect(out.split('\n')).toHaveLength(3);
    expect(out).toContain('a\\|b c');
  });

  it('refuses a row whose width differs from the header', () => {
    expect(() => table(['a', 'b'], [['1']])).toThrow(/1 cells, the header 2/);
  });
});

describe('target verdicts', () => {
  const target = (median: number, comparison: '≥' | '≤', value: number): Target => ({
    label: 't',
    unit: 'ratio',
    goal: { comparison, value },
    measured: { median, min: median, max: median },
  });

  it('says met, or missed by how much in the right direction', () => {
    expect(verdict(target(0.95, '≥', 0.9))).toBe('met');
    expect(verdict(target(0.72, '≥', 0.9))).toBe('missed: 20 % short');
    expect(verdict(target(1.1, '≤', 1.1))).toBe('met');
    expect(verdict(target(1.21, '≤', 1.1))).toBe('missed: 10 % over');
    expect(verdict(target(1.105, '≤', 1.1))).toBe('missed: 0.5 % over');
  });

  it('reports a count target of zero by the count, and skipped or target-less rows plainly', () => {
    expect(verdict({ ...target(3, '≤', 0), unit: 'count' })).toBe('missed by 3');
    expect(verdict({ label: 't', unit: 'ratio', skipped: 'python/.venv is missing' })).toBe(
      'skipped: python/.venv is missing',
    );
    expect(verdict({ label: 't', unit: 'ratio', measured: spread([1, 2, 3]) })).toMatch(/no target/);
  });

  it('judges on the median of the per-round ratios, both sides paired by round', () => {
    const targets = buildTargets(results());
    // The target is the latency with the previous record sent; back to back is reported beside it.
    const guard = byLabel(targets, 'TypeScript `guard()` latency');
    expect(guard.measured?.median).toBeCloseTo(1.05);
    expect(isMet(guard)).toBe(true);
    const backToBack = byLabel(targets, 'TypeScript `guard()` back to back');
    expect(backToBack.measured?.median).toBeCloseTo(2);
    expect(backToBack.goal).toBeUndefined();
    const cold = byLabel(targets, 'SDK cold import');
    // 10/100, 12/90, 11/110: the median of the pairs is 0.10, not the ratio of the medians (0.11).
    expect(cold.measured?.median).toBeCloseTo(0.1, 5);
    expect(byLabel(targets, 'chain verification').measured?.median).toBe(155_000);
    expect(isMet(byLabel(targets, 'chain verification'))).toBe(false);
    expect(byLabel(targets, 'Python sync `guard()`').skipped).toMatch(/not selected/);
  });

  it('takes the worst client count for the keyed HTTP target', () => {
    const row = (concurrency: number, ratio: number) => ({
      concurrency,
      unkeyed: { median: 100, min: 90, max: 110, p50: 1, p99: 2 },
      keyed: { median: 100 * ratio, min: 80, max: 100, p50: 1, p99: 2 },
      ratio,
      ratioMin: ratio - 0.1,
      ratioMax: ratio + 0.1,
    });
    const http = {
      rows: [row(16, 0.95), row(64, 0.8)],
      answered: 10,
      recorded: 10,
      chainOk: true,
      seconds: 1,
    };
    const keyed = byLabel(buildTargets(results({ http })), 'served gateway');
    expect(keyed.measured?.median).toBe(0.8);
    expect(verdict(keyed)).toBe('missed: 11 % short');
  });
});

describe('the rendered section', () => {
  it('starts with the heading, lists every target and says why each miss happens', () => {
    const text = renderSection(results());
    expect(text.startsWith(SECTION_HEADING)).toBe(true);
    expect(text).toContain(
      '| chain verification ≥ 200,000 events per CPU-second | 155,000/s (150,000–160,000) | missed: 23 % short |',
    );
    expect(text).toContain('Why the misses happen');
    // chain verification and append miss for different reasons: two lines, one label each
    expect(text.match(/^- chain verification[^\n]*: every verified event/m)).not.toBeNull();
    expect(text.match(/^- in-memory append[^\n]*: append pays/m)).not.toBeNull();
    expect(text).toContain('**Python client, server out of process**: skipped — not selected');
    expect(text).toContain('peers are optional');
  });

  it('gives targets that miss for the same reason one line', () => {
    const slow = { raw: 1, preflight: 1, preflightExecute: 1, guard: 2, guardAwaited: 2, guardSettled: 2 };
    const python = {
      python: '3.11',
      calls: 10,
      sync: [{ raw: 1, preflight: 1, preflight_execute: 1, guard: 2, guard_settled: 2 }],
      async: [{ raw: 1, preflight: 1, preflight_execute: 1, guard: 2, guard_settled: 2 }],
    };
    const base = results();
    const sdk = { ...(base.sdk as Exclude<ReportResults['sdk'], { skipped: string }>), rounds: [slow] };
    const lines = renderSection(results({ sdk, python })).split('\n');
    const guardLines = lines.filter((line) => line.startsWith('- ') && line.includes('`guard()`'));
    // TypeScript and Python async miss for one reason; Python sync has its own (measured) explanation.
    expect(guardLines).toHaveLength(2);
    expect(guardLines[0]).toContain(
      'TypeScript `guard()` latency ≤ 1.1× preflight + execute (previous record sent); Python async `guard()`',
    );
    expect(guardLines[1]).toContain('Python sync `guard()` latency');
    expect(guardLines[1]).toContain('profiled (cProfile');
    expect(guardLines[1]).toContain('the round trip inside guard()');
  });

  it('says plainly when the machine was shared, and not when it was idle', () => {
    expect(renderSection(results({ machine: machine(3.5) }))).toContain('**The machine was shared');
    expect(renderSection(results())).toContain('otherwise idle');
    // The end load includes the run's own work (the served gateway keeps both cores busy).
    const busyEnd = { ...machine(0.2), end: { load: [2.4, 1, 1] as [number, number, number], at: 'x' } };
    expect(renderSection(results({ machine: busyEnd }))).toContain('otherwise idle');
  });
});

describe('marker replacement', () => {
  const doc = `# Title\r\n\nintro with trailing spaces   \n\n${START_MARKER}\nold section\n${END_MARKER}\n\n## After\n\ntail without newline`;

  it('replaces only what is between the markers; every byte outside is kept', () => {
    const next = replaceSection(doc, 'new section\n');
    const [before] = doc.split(START_MARKER);
    const after = doc.slice(doc.indexOf(END_MARKER) + END_MARKER.length);
    expect(next).toBe(`${before}${START_MARKER}\nnew section\n${END_MARKER}${after}`);
    expect(replaceSection(next, 'old section')).toBe(doc);
  });

  it('accepts an older start marker note, appends a section when there is none, refuses broken markers', () => {
    const older = doc.replace(START_MARKER, '<!-- bench:report:start (older note) -->');
    expect(replaceSection(older, 'x')).toBe(replaceSection(doc, 'x'));
    expect(replaceSection('# Doc\n', 'x')).toBe(`# Doc\n\n${START_MARKER}\nx\n${END_MARKER}\n`);
    expect(() => replaceSection(`a\n${START_MARKER}\nb`, 'x')).toThrow(/unbalanced/);
    expect(() => replaceSection(`${doc}\n${START_MARKER}\n${END_MARKER}`, 'x')).toThrow(/more than one/);
  });

  it('keeps the real docs/benchmarks.md outside its markers byte-identical', () => {
    const real = readFileSync(new URL('../../../../docs/benchmarks.md', import.meta.url), 'utf8');
    const next = replaceSection(real, 'generated');
    const outside = (text: string) => [
      text.slice(0, text.indexOf('<!-- bench:report:start')),
      text.slice(text.indexOf(END_MARKER)),
    ];
    expect(outside(next)).toEqual(outside(real));
  });
});

describe('peer translation helpers', () => {
  it('generates the same seeded requests every time', () => {
    expect(refundRequests(50)).toEqual(refundRequests(50));
    expect(refundRequests(50, 1)).not.toEqual(refundRequests(50, 2));
  });

  it('passes the amount to peers only when it is a safe integer, as `type: integer` reads it', () => {
    const input = (amount: unknown) => ({
      tool: 't.refund.create',
      goal: 'g',
      mode: 'enforce',
      args: { amount } as never,
      context: {},
    });
    expect(peerContext(input(4900))).toEqual({ tool_name: 't.refund.create', amount: 4900 });
    for (const amount of [499.99, '100', true, null, 2 ** 60])
      expect(peerContext(input(amount))).not.toHaveProperty('amount');
  });

  it('maps peer answers back, flagging anything unexpected so it counts as a mismatch', () => {
    expect(cedarAnswer('allow', ['refund-medium'])).toEqual({
      decision: 'require_approval',
      reason: 'refund.medium_needs_approval',
    });
    expect(cedarAnswer('deny', [])).toEqual({ decision: 'deny', reason: 'policy.no_match' });
    expect(cedarAnswer('allow', ['refund-small', 'refund-medium']).decision).toBe('allow?');
    expect(agtAnswer('block', 'refund.medium_needs_approval').decision).toBe('require_approval');
    const requests = refundRequests(2);
    const ours = [
      { decision: 'allow', reason: 'a' },
      { decision: 'deny', reason: 'b' },
    ];
    const result = agreement(requests, ours, [ours[0]!, { decision: 'deny', reason: 'c' }]);
    expect(result.mismatches).toBe(1);
    expect(result.examples[0]).toContain('ours deny/b, theirs deny/c');
  });
});
