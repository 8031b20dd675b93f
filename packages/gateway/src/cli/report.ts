/**
 * `actpass report rollout [--since 24h]`: the rollout report as a terminal table — what the window's
 * decisions were, what enforce would have answered, and the monitor/warn actions enforce would block.
 * The same numbers as `GET /api/v1/reports/rollout` (it is that call); `--json` prints them as is.
 */

import type { Output } from '@actpass/edge/cli';
import { clean, EXIT_OK, parseCommandArgs, safeJson, table, UsageError } from '@actpass/edge/cli';
import type { ReportBucket, RolloutReport } from '@actpass/sdk';
import { withRemote } from './remote.js';
import { countFlag, instantFlag } from './time.js';

const BUCKETS: readonly string[] = ['minute', 'hour', 'day'];
const BAR_WIDTH = 30;

export async function reportRollout(argv: string[], io: Output): Promise<number> {
  const command = 'report rollout';
  const { flags } = parseCommandArgs(
    command,
    argv,
    {
      dir: { type: 'string' },
      tenant: { type: 'string' },
      json: { type: 'boolean' },
      since: { type: 'string' },
      until: { type: 'string' },
      bucket: { type: 'string' },
      top: { type: 'string' },
    },
    0,
  );
  const bucket = (flags.bucket as string | undefined) ?? 'hour';
  if (!BUCKETS.includes(bucket)) {
    throw new UsageError(`${command}: --bucket must be one of ${BUCKETS.join(', ')}, not "${bucket}".`);
  }
  const params = {
    since: instantFlag(command, 'since', flags.since),
    until: instantFlag(command, 'until', flags.until),
    bucket: bucket as ReportBucket,
    top: countFlag(command, 'top', flags.top, 10),
  };
  const report = await withRemote(command, flags, 'approver', (client) => client.reports.rollout(params));
  if (flags.json) io.out(safeJson(report));
  else for (const line of renderRollout(report)) io.out(line);
  return EXIT_OK;
}

export function renderRollout(report: RolloutReport): string[] {
  const { totals, window } = report;
  const lines = [
    `Rollout report ${clean(window.since)} → ${clean(window.until)} (${clean(window.bucket)} buckets)`,
    `  ${totals.decisions} decisions; enforce would block ${totals.would_block}.`,
    `  ${totals.observed} in monitor/warn, of which enforce would block ${totals.observed_would_block}.`,
    '',
    'Decisions by tool, reason and mode:',
    ...table(
      ['TOOL', 'REASON', 'MODE', 'ANSWERED', 'ENFORCE WOULD', 'COUNT'],
      report.counts.map((row) => [
        row.tool,
        row.reason_code,
        row.mode,
        row.decision,
        row.enforce_decision === row.decision ? '=' : row.enforce_decision,
        row.count,
      ]),
    ),
    '',
    'Over time (# would block, . would run):',
  ];
  const busiest = Math.max(1, ...report.buckets.map((slot) => slot.total));
  for (const slot of report.buckets) {
    if (slot.total === 0) continue;
    const blocked = Math.round((slot.would_block / busiest) * BAR_WIDTH);
    const ran = Math.round(((slot.total - slot.would_block) / busiest) * BAR_WIDTH);
    lines.push(
      `  ${clean(slot.start)}  ${'#'.repeat(blocked)}${'.'.repeat(ran)}  ${slot.total} (${slot.would_block} would block)`,
    );
  }
  lines.push('', 'Top actions enforce would block (monitor/warn traffic):');
  if (report.top_would_block.length === 0)
    lines.push('  none — switching to enforce blocks nothing seen in this window.');
  else {
    lines.push(
      ...table(
        ['TOOL', 'RESOURCE', 'REASON', 'ENFORCE WOULD', 'COUNT', 'LAST SEEN', 'LAST EVENT'],
        report.top_would_block.map((row) => [
          row.tool,
          row.resource ?? '-',
          row.reason_code,
          row.enforce_decision,
          row.count,
          row.last_at,
          row.last_event_id,
        ]),
      ),
    );
  }
  return lines;
}
