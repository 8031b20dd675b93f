/** The hook's table: every variant's p50 and p99 beside the `node -e ''` floor of the same run (pure). */
import { HOOK_TARGET_VARIANT } from './hook.js';
import { table } from './markdown.js';
import { isSkipped, type ReportResults } from './results.js';

export function hookSection(results: ReportResults): string[] {
  const h = results.hook;
  if (h === undefined) return [];
  if (isSkipped(h)) return [`**Claude Code hook**: skipped — ${h.skipped}.`, ''];
  return [
    `**Claude Code hook, one PreToolUse decision** (\`packages/edge/bench/hook-latency.mjs\`: a fresh process per decision, stdin to exit, against a gateway on loopback; ${h.runs} runs of every variant, interleaved run by run; Bash is \`git status && npm test\`, parsed by the shell parser):`,
    '',
    table(
      ['variant', 'p50', 'p99', 'p50 ÷ floor p50', 'p99 ÷ floor p99'],
      h.rows.map((row) => [
        row.variant === HOOK_TARGET_VARIANT ? `**${row.variant}**, Bash` : row.variant,
        `${row.p50_ms} ms`,
        `${row.p99_ms} ms`,
        `${row.p50_vs_floor.toFixed(2)}×`,
        `${row.p99_vs_floor.toFixed(2)}×`,
      ]),
      ['left', 'right', 'right', 'right', 'right'],
    ),
    '',
    `Targets: the dedicated executable (bold) ≤ 2× the floor at p50 and ≤ 3× at p99. The figures are one percentile over all runs, not a per-round spread: read them beside the floor of the same run.`,
    '',
  ];
}
