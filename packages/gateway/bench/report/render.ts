/** The generated section of docs/benchmarks.md, from one run's results (pure: no clock, no I/O). */
import { RFC8785_VERSION } from './canonical.js';
import { wasShared } from './machine.js';
import { table } from './markdown.js';
import { hookSection } from './render-hook.js';
import { renderPeers } from './render-peers.js';
import { proxySection } from './render-proxy.js';
import { isSkipped, type ReportResults } from './results.js';
import { fmt, fmtMs, fmtRatio, fmtSpread, ratios, spread } from './stats.js';
import { buildTargets, formatMeasured, isMet, verdict } from './targets.js';

export const SECTION_HEADING = '## Targets and comparisons, one command (`pnpm bench:report`)';

const load = (values: readonly number[]) => values.map((v) => v.toFixed(1)).join(' / ');

function header(results: ReportResults): string[] {
  const m = results.machine;
  const shared = wasShared(m)
    ? '**The machine was shared with other work during this run** (one-minute load at or above half the cores when measuring began), so absolute figures are low and noisy; the per-round ratios are the meaningful part, and an idle rerun should replace this section.'
    : 'The machine was otherwise idle (one-minute load below half the cores when measuring began; the load at end includes this run’s own work).';
  return [
    SECTION_HEADING,
    '',
    `Run ${m.start.at} on ${m.cpuCount} vCPUs (${m.cpuModel}), Node ${m.node}; ${results.rounds} interleaved rounds per comparison ` +
      '(every side of a comparison runs in each round, in rotating order, so drift hits all sides alike); each figure is ' +
      `the median over the rounds with the min–max in parentheses. Load average (1/5/15 min) at start ${load(m.start.load)}, ` +
      `at end ${load(m.end.load)} (${m.end.at}). ${shared}`,
    '',
    'Regenerate: `pnpm bench:report` (builds, runs everything, rewrites this section; a few minutes); `--rounds 2 --seconds 1 --calls 100` ' +
      'for a quick look, `--peers` to add Cedar and the Agent Governance Toolkit, `--only sdk,python` to print a subset ' +
      'without writing, `--help` for the rest. The code is ' +
      '`packages/gateway/bench/report.ts` and one module per comparison in `packages/gateway/bench/report/`.',
    '',
  ];
}

function targetsTable(results: ReportResults): string[] {
  const targets = buildTargets(results);
  const rows = targets.map((t) => [
    t.goal ? `${t.label}` : t.label,
    t.measured ? formatMeasured(t.unit, t.measured) : '—',
    verdict(t),
  ]);
  // Targets that miss for the same reason share one line.
  const misses = new Map<string, string[]>();
  for (const t of targets) {
    if (isMet(t) === false && t.whyMissed)
      misses.set(t.whyMissed, [...(misses.get(t.whyMissed) ?? []), t.label]);
  }
  return [
    '**Targets, this run:**',
    '',
    table(['target', 'measured: median (min–max over rounds)', 'verdict'], rows, ['left', 'right', 'left']),
    '',
    ...(misses.size
      ? [
          'Why the misses happen:',
          '',
          ...[...misses].map(([why, labels]) => `- ${labels.join('; ')}: ${why}.`),
          '',
        ]
      : []),
  ];
}

function passportSection(results: ReportResults): string[] {
  const p = results.passport;
  if (isSkipped(p)) return [`**Passport verification**: skipped — ${p.skipped}.`, ''];
  return [
    `**Passport verification** (a ${p.tokenChars}-character token; ops per CPU-second):`,
    '',
    table(
      ['verifier', 'ops per CPU-second'],
      [
        [
          '`verifyPassport` (ours: strict header and claims, kid lookup, Ed25519, constraints)',
          fmtSpread(spread(p.ours)),
        ],
        ['jose `jwtVerify`, local JWKS, same token and key', fmtSpread(spread(p.jose))],
        ['`crypto.verify` Ed25519 alone (the floor both must pay)', fmtSpread(spread(p.floor))],
      ],
      ['left', 'right'],
    ),
    '',
    `Per round, ours ÷ jose: ${fmtRatio(spread(ratios(p.ours, p.jose)))}; ours ÷ floor: ${fmtRatio(spread(ratios(p.ours, p.floor)))}.`,
    '',
  ];
}

function ledgerSection(results: ReportResults): string[] {
  const l = results.ledger;
  if (isSkipped(l)) return [`**Ledger, in memory**: skipped — ${l.skipped}.`, ''];
  return [
    `**Ledger, in memory** (${fmt(l.events)} decision events per round; events per CPU-second):`,
    '',
    table(
      ['operation', 'events per CPU-second', 'target'],
      [
        ['append, sequential (canonicalize, SHA-256, seal, freeze)', fmtSpread(spread(l.append)), '≥ 80,000'],
        ['`verifyChain` (every link and hash recomputed)', fmtSpread(spread(l.verify)), '≥ 200,000'],
        ['the same verification with the general canonicalizer', fmtSpread(spread(l.verifyGeneral)), ''],
        ['of which: the specialised canonical text alone', fmtSpread(spread(l.canonicalOnly)), ''],
        [
          `of which: SHA-256 of the ${fmt(l.bytes)}-byte canonical text alone`,
          fmtSpread(spread(l.hashOnly)),
          '',
        ],
        // Results saved before the ledger file rows existed have no samples for them.
        ...(l.fileText?.length && l.fileTextWorkers?.length
          ? [
              [
                'the chain as ledger file text (`actpass ledger verify`: parse, byte check, hash), one thread',
                fmtSpread(spread(l.fileText)),
                '',
              ],
              [
                `the same on ${l.workers} worker threads, events per wall-clock second`,
                fmtSpread(spread(l.fileTextWorkers)),
                '',
              ],
            ]
          : []),
      ],
      ['left', 'right', 'right'],
    ),
    '',
  ];
}

function canonicalSection(results: ReportResults): string[] {
  const c = results.canonical;
  if (isSkipped(c)) return [`**Canonical JSON in Python**: skipped — ${c.skipped}.`, ''];
  return [
    `**Canonical JSON in Python** (Python ${c.python}, one decision event, \`rfc8785\` ${RFC8785_VERSION} from a scratch folder; both outputs byte-identical):`,
    '',
    table(
      ['canonicalizer', 'events per CPU-second'],
      [
        ['`actpass._canonical.canonicalize`', fmtSpread(spread(c.ours))],
        ['`rfc8785.dumps`', fmtSpread(spread(c.theirs))],
      ],
      ['left', 'right'],
    ),
    '',
    `Per round, ours ÷ rfc8785: ${fmtRatio(spread(ratios(c.ours, c.theirs)))} (target ≥ 1).`,
    '',
  ];
}

function httpSection(results: ReportResults): string[] {
  const h = results.http;
  if (isSkipped(h)) return [`**Served gateway, keyed vs unkeyed**: skipped — ${h.skipped}.`, ''];
  return [
    `**Served gateway over HTTP, keyed vs unkeyed** (\`bench/http.bench.mjs\`: \`actpass dev\` with the file stores in its own process, loopback keep-alive, ${h.seconds} s per shape per round; wall-clock preflights/s, load generator and gateway on the same cores):`,
    '',
    table(
      [
        'clients',
        'unkeyed /s',
        'keyed /s (Idempotency-Key per request)',
        'keyed ÷ unkeyed per round',
        'p50 ms un / keyed',
        'p99 ms un / keyed',
      ],
      h.rows.map((row) => [
        String(row.concurrency),
        fmtSpread(row.unkeyed),
        fmtSpread(row.keyed),
        fmtRatio({ median: row.ratio, min: row.ratioMin, max: row.ratioMax }),
        `${row.unkeyed.p50.toFixed(1)} / ${row.keyed.p50.toFixed(1)}`,
        `${row.unkeyed.p99.toFixed(1)} / ${row.keyed.p99.toFixed(1)}`,
      ]),
      ['right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    `Decisions answered ${fmt(h.answered)}; ledger events appended ${fmt(h.recorded)}; chain verified: ${h.chainOk}. Target: keyed ≥ 0.9× unkeyed.`,
    '',
  ];
}

function sdkSection(results: ReportResults): string[] {
  const s = results.sdk;
  if (isSkipped(s)) return [`**TypeScript SDK**: skipped — ${s.skipped}.`, ''];
  const shape = (k: keyof (typeof s.rounds)[number]) => fmtMs(spread(s.rounds.map((r) => r[k])));
  const per = (a: keyof (typeof s.rounds)[number], b: keyof (typeof s.rounds)[number]) =>
    fmtRatio(spread(s.rounds.map((r) => r[a] / r[b])));
  return [
    `**TypeScript SDK** (\`packages/sdk/bench/client.mjs\`, Node ${s.node}; a stub gateway in its own process answers a canned \`allow\` and a canned evidence event; ${s.calls} sequential calls per shape per round, each round's median latency):`,
    '',
    table(
      ['shape', 'median latency'],
      [
        ['raw `fetch` preflight', shape('raw')],
        ['SDK `preflight()`', shape('preflight')],
        ['SDK `preflight()` + execute', shape('preflightExecute')],
        [
          'SDK `guard()`, the previous call’s outcome record sent (untimed `flush()` before each)',
          shape('guardSettled'),
        ],
        ['SDK `guard()` back to back (each call shares the cores with the previous record)', shape('guard')],
        ['SDK `guard({ awaitOutcome: true })`', shape('guardAwaited')],
      ],
      ['left', 'right'],
    ),
    '',
    table(
      ['ratio, per round', 'median (min–max)', 'target'],
      [
        [
          '`guard()`, previous record sent, ÷ (preflight + execute)',
          per('guardSettled', 'preflightExecute'),
          '≤ 1.1',
        ],
        ['`guard()` back to back ÷ (preflight + execute)', per('guard', 'preflightExecute'), ''],
        [
          '`guard({ awaitOutcome: true })` ÷ (preflight + execute)',
          per('guardAwaited', 'preflightExecute'),
          '',
        ],
        ['SDK `preflight()` ÷ raw `fetch`', per('preflight', 'raw'), '≤ 1.15'],
      ],
      ['left', 'right', 'right'],
    ),
    '',
    `**Cold import** (ms from \`import()\` to resolved in a fresh Node process, ${s.imports.sdk.length} interleaved pairs; openai ${s.imports.version} from a scratch folder):`,
    '',
    table(
      ['package', 'median ms (min–max)'],
      [
        ['`@actpass/sdk` (built `dist`)', fmtMs(spread(s.imports.sdk))],
        ['`openai`', fmtMs(spread(s.imports.openai))],
        [
          'ratio sdk ÷ openai per pair (target ≤ 0.5)',
          fmtRatio(spread(ratios(s.imports.sdk, s.imports.openai))),
        ],
      ],
      ['left', 'right'],
    ),
    '',
  ];
}

function pythonSection(results: ReportResults): string[] {
  const p = results.python;
  if (isSkipped(p)) return [`**Python client, server out of process**: skipped — ${p.skipped}.`, ''];
  const row = (label: string, rounds: typeof p.sync) => [
    label,
    `${fmt(spread(rounds.map((r) => r.raw * 1e6)).median)} µs`,
    `${fmt(spread(rounds.map((r) => r.preflight * 1e6)).median)} µs`,
    fmtRatio(spread(rounds.map((r) => r.preflight / r.raw))),
    fmtRatio(spread(rounds.map((r) => r.guard_settled / r.preflight_execute))),
    fmtRatio(spread(rounds.map((r) => r.guard / r.preflight_execute))),
  ];
  return [
    `**Python client, server out of process** (\`python/bench/bench_out_of_process.py\`, Python ${p.python}; the stub server runs in a child interpreter; ${p.calls} sequential calls per shape per round, each round's median):`,
    '',
    table(
      [
        'client',
        'raw httpx',
        'client preflight',
        'client ÷ raw httpx (target ≤ 1.2)',
        'guard, previous record sent, ÷ (preflight + execute) (target ≤ 1.1)',
        'guard back to back ÷ (preflight + execute)',
      ],
      [row('sync (`ActPassClient`)', p.sync), row('async (`AsyncActPassClient`)', p.async)],
      ['left', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
  ];
}

export function renderSection(results: ReportResults): string {
  return [
    ...header(results),
    ...targetsTable(results),
    ...passportSection(results),
    ...ledgerSection(results),
    ...canonicalSection(results),
    ...httpSection(results),
    ...sdkSection(results),
    ...pythonSection(results),
    ...hookSection(results),
    ...proxySection(results),
    ...renderPeers(results.peers),
  ]
    .join('\n')
    .trimEnd();
}
