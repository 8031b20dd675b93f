/**
 * The `ledger` command group. `verify`: offline verification of a signed evidence export. `tail
 * [--follow]` and `show <seq|ev_id>`: reading the tenant's ledger (the admin role) from a served
 * gateway or a local `--dir`.
 */

import {
  clean,
  EXIT_OK,
  EXIT_PROBLEMS,
  type FlagSpec,
  type Output,
  parseCommandArgs,
  parseJsonText,
  readJsonFile,
  readTextFile,
  safeJson,
  UsageError,
} from '@actpass/edge/cli';
import type { ActPass, DecisionValue, EvidenceEvent } from '@actpass/sdk';
import { CLI_FOLLOW_INTERVAL_MS, CLI_PAGE_SIZE, CLI_TAIL_DEFAULT } from '../constants.js';
import { type VerifyChainResult, verifyExport } from '../ledger/index.js';
import {
  ChainVerificationFailedError,
  type LedgerTextResult,
  verifyLedgerText,
} from '../ledger/verify-file-text.js';
import type { Jwks } from '../passport/index.js';
import { withRemote } from './remote.js';
import { countFlag, instantFlag } from './time.js';

export async function ledgerVerify(argv: string[], io: Output): Promise<number> {
  const { positionals, flags } = parseCommandArgs(
    'ledger verify',
    argv,
    { jwks: { type: 'string' }, json: { type: 'boolean' } },
    1,
  );
  const exportFile = positionals[0];
  if (!exportFile)
    throw new UsageError('ledger verify: give the EXPORT file (from GET /api/v1/evidence/export).');
  const text = readTextFile(exportFile, 'export file');
  const raw = await verifyRawLedgerText(text);
  if (raw.kind === 'chain') return reportRawLedger(exportFile, raw.result, flags.json === true, io);
  if (raw.kind === 'failed') return reportVerifierFailure(exportFile, raw.message, flags.json === true, io);
  if (typeof flags.jwks !== 'string') {
    throw new UsageError(
      'ledger verify: --jwks FILE is required (save GET /.well-known/jwks.json to a file).',
    );
  }
  // A compact export is one line, already read strictly while looking for ledger lines.
  const exported = 'json' in raw ? raw.json : parseJsonText(text, exportFile);
  const jwks = readJsonFile(flags.jwks, 'JWKS file') as Jwks;
  if (!Array.isArray((jwks as { keys?: unknown })?.keys)) {
    throw new UsageError(`${flags.jwks}: not a JWKS ({"keys": [...]}); save /.well-known/jwks.json.`);
  }
  const result = verifyExport(exported, jwks);
  if (flags.json) {
    io.out(safeJson({ file: exportFile, ...result }));
    return result.ok ? EXIT_OK : EXIT_PROBLEMS;
  }
  if (result.ok) {
    io.out(`${exportFile}: ok, ${result.head.seq} events, head ${result.head.hash}`);
    return EXIT_OK;
  }
  const at = result.first_broken_seq !== undefined ? ` at seq ${result.first_broken_seq}` : '';
  io.out(`${exportFile}: FAILED${at}: ${result.reason} (${result.message})`);
  return EXIT_PROBLEMS;
}

/**
 * A gateway's own ledger file (`<dir>/ledger/<tenant>.jsonl`, one event per line) rather than an export:
 * every non-empty line is an event object (`not_ledger` otherwise). Large files are checked on worker
 * threads; a worker that fails makes the verification fail (`failed`), never pass.
 */
async function verifyRawLedgerText(
  text: string,
): Promise<LedgerTextResult | { kind: 'failed'; message: string }> {
  try {
    return await verifyLedgerText(text);
  } catch (error) {
    if (!(error instanceof ChainVerificationFailedError)) throw error;
    return { kind: 'failed', message: error.message };
  }
}

function reportVerifierFailure(file: string, message: string, json: boolean, io: Output): number {
  if (json) {
    io.out(
      safeJson({ file, kind: 'raw_ledger', signed: false, ok: false, reason: 'verifier_failed', message }),
    );
  } else {
    io.out(`${file}: FAILED: the chain could not be verified (${clean(message)})`);
  }
  return EXIT_PROBLEMS;
}

/**
 * Checks the chain of a raw ledger file. Nothing signs it, so this proves the events link up, not who
 * wrote them; the message says so and points to the signed export, which is what a third party checks.
 */
function reportRawLedger(file: string, result: VerifyChainResult, json: boolean, io: Output): number {
  if (json) {
    io.out(safeJson({ file, kind: 'raw_ledger', signed: false, ...result }));
    return result.ok ? EXIT_OK : EXIT_PROBLEMS;
  }
  const kind = `${file}: a raw ledger file (one event per line), not a signed export`;
  if (result.ok) {
    io.out(`${kind}: chain ok, ${result.head.seq} events, head ${result.head.hash}`);
    io.out(
      '  Its events link up, but nothing in it is signed: to show a third party, verify a signed export (GET /api/v1/evidence/export) with --jwks.',
    );
    return EXIT_OK;
  }
  io.out(`${kind}: FAILED at seq ${result.first_broken_seq}: ${result.reason} (${clean(result.message)})`);
  return EXIT_PROBLEMS;
}

const FLAGS: FlagSpec = {
  dir: { type: 'string' },
  tenant: { type: 'string' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  type: { type: 'string' },
  tool: { type: 'string' },
  decision: { type: 'string' },
  'agent-id': { type: 'string' },
  since: { type: 'string' },
};

export interface FollowControl {
  /** Resolves after the poll interval; rejecting (or an abort) ends `--follow`. */
  wait(ms: number): Promise<void>;
}

const realFollow: FollowControl = { wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export async function ledgerTail(
  argv: string[],
  io: Output,
  follow: FollowControl = realFollow,
): Promise<number> {
  const command = 'ledger tail';
  const { flags } = parseCommandArgs(command, argv, FLAGS, 0);
  const limit = countFlag(command, 'limit', flags.limit, CLI_TAIL_DEFAULT);
  const filters = {
    ...(typeof flags.type === 'string' ? { type: flags.type } : {}),
    ...(typeof flags.tool === 'string' ? { tool: flags.tool } : {}),
    ...(typeof flags.decision === 'string' ? { decision: flags.decision as DecisionValue } : {}),
    ...(typeof flags['agent-id'] === 'string' ? { agent_id: flags['agent-id'] } : {}),
    ...(flags.since !== undefined ? { since: instantFlag(command, 'since', flags.since) } : {}),
  };
  const print = (event: EvidenceEvent) => io.out(flags.json ? safeJson(event, 0) : line(event));
  await withRemote(command, flags, 'admin', async (client) => {
    const last: EvidenceEvent[] = [];
    let afterSeq = 0;
    for await (const event of client.evidence.iterate({ ...filters, limit: CLI_PAGE_SIZE })) {
      last.push(event);
      if (last.length > limit) last.shift();
      afterSeq = event.seq;
    }
    for (const event of last) print(event);
    while (flags.follow) {
      await follow.wait(CLI_FOLLOW_INTERVAL_MS);
      afterSeq = await printNew(client, filters, afterSeq, print);
    }
  });
  return EXIT_OK;
}

async function printNew(
  client: ActPass,
  filters: Record<string, unknown>,
  afterSeq: number,
  print: (event: EvidenceEvent) => void,
): Promise<number> {
  let seq = afterSeq;
  for await (const event of client.evidence.iterate({
    ...filters,
    after_seq: afterSeq,
    limit: CLI_PAGE_SIZE,
  })) {
    print(event);
    seq = event.seq;
  }
  return seq;
}

export async function ledgerShow(argv: string[], io: Output): Promise<number> {
  const command = 'ledger show';
  const { positionals, flags } = parseCommandArgs(
    command,
    argv,
    { dir: { type: 'string' }, tenant: { type: 'string' }, json: { type: 'boolean' } },
    1,
  );
  const wanted = positionals[0];
  if (!wanted || !(/^[1-9]\d{0,15}$/.test(wanted) || /^ev_[A-Za-z0-9_-]+$/.test(wanted))) {
    throw new UsageError(
      `${command}: give an event's seq (a number) or id (ev_…), e.g. \`actpass ledger show 42\`.`,
    );
  }
  const event = await withRemote(command, flags, 'admin', async (client) => {
    if (!wanted.startsWith('ev_')) {
      const page = await client.evidence.list({ after_seq: Number(wanted) - 1, limit: 1 });
      return page.events[0]?.seq === Number(wanted) ? page.events[0] : undefined;
    }
    for await (const candidate of client.evidence.iterate({ limit: CLI_PAGE_SIZE })) {
      if (candidate.id === wanted) return candidate;
    }
    return undefined;
  });
  if (!event) {
    io.err(`actpass: ${command}: no event ${clean(wanted)} in this tenant's ledger.`);
    return EXIT_PROBLEMS;
  }
  if (flags.json) {
    io.out(safeJson(event));
    return EXIT_OK;
  }
  io.out(line(event));
  for (const text of JSON.stringify(event, null, 2).split('\n')) io.out(`  ${clean(text)}`);
  return EXIT_OK;
}

/** One event on one line: seq, time, type, and for a decision what was decided about what. */
export function line(event: EvidenceEvent): string {
  const { data } = event;
  const head = `${String(event.seq).padStart(6)}  ${clean(event.at)}  ${clean(event.type)}`;
  if (event.type === 'decision') {
    const action = (data.action ?? {}) as Record<string, unknown>;
    const would = data.would_decision !== undefined && data.would_decision !== data.decision;
    return [
      head,
      clean(data.decision),
      clean(data.reason_code),
      clean(action.tool),
      clean(action.resource ?? '-'),
      `mode=${clean(data.mode)}${would ? ` enforce=${clean(data.would_decision)}` : ''}`,
    ].join('  ');
  }
  const compact = JSON.stringify(data);
  return `${head}  ${clean(compact.length > 160 ? `${compact.slice(0, 159)}…` : compact)}`;
}
