/**
 * `actpass suspend|resume|suspensions`: the kill switch from a terminal, through the admin API of a
 * served gateway (or a stopped one's `--dir`). Agent ids, tool globs and reasons are printed escaped:
 * an id may carry control or bidi characters, and the terminal must show them, not obey them.
 */

import type { Output } from '@actpass/edge/cli';
import {
  clean,
  EXIT_OK,
  type FlagSpec,
  parseCommandArgs,
  safeJson,
  table,
  UsageError,
} from '@actpass/edge/cli';
import { type ApiRecord, adminCall, objectWith } from './api.js';
import { withRemote } from './remote.js';
import { countFlag } from './time.js';

const SOURCE: FlagSpec = { dir: { type: 'string' }, tenant: { type: 'string' }, json: { type: 'boolean' } };
const SCOPES: readonly string[] = ['agent', 'user', 'tool', 'tenant'];
const SPAN = /^(\d{1,6})([mhd])$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

const suspensionSchema = objectWith('id', 'scope', 'status');
const listSchema = objectWith('items');

export async function suspend(argv: string[], io: Output): Promise<number> {
  const command = 'suspend';
  const { positionals, flags } = parseCommandArgs(
    command,
    argv,
    { ...SOURCE, reason: { type: 'string' }, until: { type: 'string' } },
    2,
  );
  const [scope, match] = positionals;
  if (scope === undefined || !SCOPES.includes(scope)) {
    throw new UsageError(
      `${command}: give what to suspend: agent ID, user ID, tool GLOB or tenant (not "${clean(scope ?? '')}").`,
    );
  }
  if (scope !== 'tenant' && match === undefined) {
    throw new UsageError(
      `${command}: give the ${scope} to suspend, e.g. \`actpass suspend ${scope} NAME --reason …\`.`,
    );
  }
  if (typeof flags.reason !== 'string' || flags.reason.trim() === '') {
    throw new UsageError(`${command}: --reason TEXT is required: say why, it is sealed in the ledger.`);
  }
  const until = untilFlag(command, flags.until);
  const body = {
    scope,
    ...(match !== undefined ? { match } : {}),
    reason: flags.reason,
    ...(until ? { until } : {}),
  };
  const created = await withRemote(command, flags, 'admin', (client) =>
    adminCall(client, { method: 'POST', path: '/suspensions', body, schema: suspensionSchema }),
  );
  if (flags.json) io.out(safeJson(created));
  else io.out(`${clean(created.id)}: ${describe(created)} suspended${untilText(created)}`);
  return EXIT_OK;
}

export async function resume(argv: string[], io: Output): Promise<number> {
  const command = 'resume';
  const { positionals, flags } = parseCommandArgs(command, argv, SOURCE, 1);
  const id = positionals[0];
  if (!id || !/^sus_[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw new UsageError(
      `${command}: give the suspension id (sus_…) to resume, not "${clean(id ?? '')}"; see \`actpass suspensions\`.`,
    );
  }
  const resumed = await withRemote(command, flags, 'admin', (client) =>
    adminCall(client, { method: 'DELETE', path: `/suspensions/${id}`, schema: suspensionSchema }),
  );
  if (flags.json) io.out(safeJson(resumed));
  else io.out(`${clean(resumed.id)}: ${describe(resumed)} ${clean(resumed.status)}`);
  return EXIT_OK;
}

export async function suspensionsList(argv: string[], io: Output): Promise<number> {
  const command = 'suspensions';
  const { flags } = parseCommandArgs(
    command,
    argv,
    { ...SOURCE, all: { type: 'boolean' }, limit: { type: 'string' } },
    0,
  );
  const limit = countFlag(command, 'limit', flags.limit, 100);
  if (limit > 500) throw new UsageError(`${command}: --limit is at most 500.`);
  const listed = await withRemote(command, flags, 'admin', (client) =>
    adminCall(client, {
      method: 'GET',
      path: '/suspensions',
      query: { status: flags.all ? 'all' : 'active', limit },
      schema: listSchema,
    }),
  );
  const items = (listed.items as ApiRecord[] | undefined) ?? [];
  if (flags.json) {
    io.out(safeJson({ items }));
    return EXIT_OK;
  }
  if (items.length === 0) {
    io.out(flags.all ? 'No suspensions.' : 'No active suspensions.');
    return EXIT_OK;
  }
  const rows = items.map((item) => [
    item.id,
    item.status,
    item.scope,
    item.match,
    item.reason,
    item.created_by,
    item.until ?? '-',
  ]);
  for (const line of table(['ID', 'STATUS', 'SCOPE', 'MATCH', 'REASON', 'BY', 'UNTIL'], rows)) io.out(line);
  return EXIT_OK;
}

/** `--until`: an RFC 3339 instant or a span forward from now (`30m`, `2h`, `1d`). */
function untilFlag(command: string, value: string | boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const span = SPAN.exec(text);
  if (span)
    return new Date(Date.now() + Number(span[1]) * (UNIT_MS[span[2] as string] as number)).toISOString();
  if (Number.isFinite(Date.parse(text)) && /^\d{4}-\d{2}-\d{2}/.test(text)) return text;
  throw new UsageError(
    `${command}: --until "${clean(text)}" is neither an RFC 3339 time (2026-11-23T20:00:00Z) nor a span such as 30m, 2h or 1d.`,
  );
}

function describe(record: ApiRecord): string {
  return record.scope === 'tenant'
    ? 'the tenant'
    : `${clean(record.scope)} ${clean(JSON.stringify(record.match))}`;
}

function untilText(record: ApiRecord): string {
  return typeof record.until === 'string' ? ` until ${clean(record.until)}` : ' until resumed';
}
