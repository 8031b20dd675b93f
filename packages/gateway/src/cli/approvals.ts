/**
 * `actpass approvals list|show|approve|deny`: the approvals inbox from a terminal, against a served
 * gateway or a local `--dir`. Every agent-supplied string is cleaned before it is printed.
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
import type { ApprovalRequest, ApprovalStatus } from '@actpass/sdk';
import { withRemote } from './remote.js';
import { countFlag } from './time.js';

const SOURCE: FlagSpec = { dir: { type: 'string' }, tenant: { type: 'string' }, json: { type: 'boolean' } };
const STATUSES: readonly string[] = ['pending', 'approved', 'denied', 'expired', 'used'];

export async function approvalsList(argv: string[], io: Output): Promise<number> {
  const command = 'approvals list';
  const { flags } = parseCommandArgs(
    command,
    argv,
    { ...SOURCE, status: { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' } },
    0,
  );
  const status = flags.all ? undefined : ((flags.status as string | undefined) ?? 'pending');
  if (status !== undefined && !STATUSES.includes(status)) {
    throw new UsageError(`${command}: --status must be one of ${STATUSES.join(', ')}, not "${status}".`);
  }
  const limit = countFlag(command, 'limit', flags.limit, 100);
  const items = await withRemote(command, flags, 'approver', async (client) => {
    const found: ApprovalRequest[] = [];
    for await (const request of client.approvals.iterate({
      ...(status ? { status: status as ApprovalStatus } : {}),
      limit,
    })) {
      found.push(request);
    }
    return found;
  });
  if (flags.json) {
    io.out(safeJson({ items }));
    return EXIT_OK;
  }
  if (items.length === 0) {
    io.out(`No ${status ?? ''} approval requests.`.replace('  ', ' '));
    return EXIT_OK;
  }
  const now = Date.now();
  const rows = items.map((item) => [
    item.id,
    item.status,
    item.action.tool,
    item.action.resource ?? '-',
    item.action.args,
    item.reason_code,
    item.status === 'pending' ? timeLeft(Date.parse(item.expires_at) - now) : (item.decided_by ?? '-'),
  ]);
  for (const line of table(['ID', 'STATUS', 'TOOL', 'RESOURCE', 'ARGS', 'REASON', 'LEFT/BY'], rows))
    io.out(line);
  return EXIT_OK;
}

export async function approvalsShow(argv: string[], io: Output): Promise<number> {
  const command = 'approvals show';
  const { positionals, flags } = parseCommandArgs(command, argv, SOURCE, 1);
  const id = requireId(command, positionals[0]);
  const request = await withRemote(command, flags, 'approver', (client) => client.approvals.get(id));
  if (flags.json) io.out(safeJson(request));
  else for (const line of describe(request)) io.out(line);
  return EXIT_OK;
}

export function approvalsApprove(argv: string[], io: Output): Promise<number> {
  return decide('approve', argv, io);
}

export function approvalsDeny(argv: string[], io: Output): Promise<number> {
  return decide('deny', argv, io);
}

async function decide(verb: 'approve' | 'deny', argv: string[], io: Output): Promise<number> {
  const command = `approvals ${verb}`;
  const { positionals, flags } = parseCommandArgs(command, argv, { ...SOURCE, note: { type: 'string' } }, 1);
  const id = requireId(command, positionals[0]);
  const body = typeof flags.note === 'string' ? { note: flags.note } : {};
  const decided = await withRemote(command, flags, 'approver', (client) =>
    verb === 'approve' ? client.approvals.approve(id, body) : client.approvals.deny(id, body),
  );
  if (flags.json) io.out(safeJson(decided));
  else io.out(`${clean(decided.id)}: ${clean(decided.status)} by ${clean(decided.decided_by ?? '?')}`);
  return EXIT_OK;
}

function requireId(command: string, id: string | undefined): string {
  if (!id)
    throw new UsageError(`${command}: give the approval request id (apr_…); see \`actpass approvals list\`.`);
  return id;
}

function describe(request: ApprovalRequest): string[] {
  const { action } = request;
  const lines = [
    `${clean(request.id)}  ${clean(request.status)}`,
    `  tool       ${clean(action.tool)}`,
    `  resource   ${clean(action.resource ?? '-')}`,
    `  goal       ${clean(action.goal)}`,
    `  agent      ${clean(action.agent_id ?? '-')}   user ${clean(action.user_id ?? '-')}`,
    `  reason     ${clean(request.reason_code)}${request.risk_tier ? ` (risk ${clean(request.risk_tier)})` : ''}`,
    `  created    ${clean(request.created_at)}`,
    `  expires    ${clean(request.expires_at)}${request.status === 'pending' ? ` (${timeLeft(Date.parse(request.expires_at) - Date.now())} left)` : ''}`,
  ];
  const delegation = (request as { delegation?: unknown }).delegation;
  if (delegation !== undefined) lines.push(`  delegation ${clean(delegation)}`);
  if (request.decided_by)
    lines.push(`  decided    by ${clean(request.decided_by)} at ${clean(request.decided_at ?? '?')}`);
  if (request.note) lines.push(`  note       ${clean(request.note)}`);
  lines.push(
    '  args',
    ...JSON.stringify(action.args, null, 2)
      .split('\n')
      .map((line) => `    ${clean(line)}`),
  );
  return lines;
}

function timeLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h${String(minutes % 60).padStart(2, '0')}m` : `${Math.floor(hours / 24)}d`;
}
