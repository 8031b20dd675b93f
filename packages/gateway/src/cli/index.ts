import {
  clean,
  EXIT_OK,
  EXIT_PROBLEMS,
  EXIT_USAGE,
  egressCheck,
  exposure,
  hookClaudeCode,
  hookCursor,
  hookGemini,
  mcpServe,
  mcpWrap,
  type Output,
  proxy,
  safeJson,
  stdio,
  UsageError,
} from '@actpass/edge/cli';
import { approvalsApprove, approvalsDeny, approvalsList, approvalsShow } from './approvals.js';
import { dev } from './dev.js';
import { helpFor, wantsHelp, wantsJson } from './help.js';
import { ledgerShow, ledgerTail, ledgerVerify } from './ledger.js';
import { passportsRevoke } from './passports.js';
import { policyCheck, policySimulate, policyTest } from './policy.js';
import { type FailureDetail, RemoteFailure } from './remote.js';
import { reportRollout } from './report.js';
import { resume, suspend, suspensionsList } from './suspensions.js';
import { toolsCheck, toolsLock } from './tools.js';
import { USAGE } from './usage.js';
import { webhooksDeliveries, webhooksList, webhooksRetry } from './webhooks.js';

type Command = (argv: string[], io: Output) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  dev,
  exposure,
  'policy check': policyCheck,
  'policy test': policyTest,
  'policy simulate': policySimulate,
  'ledger verify': ledgerVerify,
  'ledger tail': ledgerTail,
  'ledger show': ledgerShow,
  'approvals list': approvalsList,
  'approvals show': approvalsShow,
  'approvals approve': approvalsApprove,
  'approvals deny': approvalsDeny,
  'report rollout': reportRollout,
  suspend,
  resume,
  suspensions: suspensionsList,
  'passports revoke': passportsRevoke,
  'tools lock': toolsLock,
  'tools check': toolsCheck,
  proxy,
  'mcp serve': mcpServe,
  'mcp wrap': mcpWrap,
  'hook claude-code': hookClaudeCode,
  'hook cursor': hookCursor,
  'hook gemini': hookGemini,
  'egress check': egressCheck,
  'webhooks list': webhooksList,
  'webhooks deliveries': webhooksDeliveries,
  'webhooks retry': webhooksRetry,
};

/** Every command the dispatcher knows (`dev`, `policy check`, …). */
export function commandNames(): string[] {
  return Object.keys(COMMANDS);
}

/** Runs one CLI invocation and resolves its exit code; never throws for user mistakes. */
export async function runCli(argv: string[], io: Output = stdio, version = '0.0.0'): Promise<number> {
  const [first, second] = argv;
  if (
    first === undefined ||
    (first === 'help' && second === undefined) ||
    first === '--help' ||
    first === '-h'
  ) {
    io.out(USAGE);
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '--version' || first === '-v') {
    io.out(version);
    return EXIT_OK;
  }
  if (first === 'help') {
    io.out(helpFor(argv.slice(1).join(' ')));
    return EXIT_OK;
  }
  const twoWords = `${first} ${second ?? ''}`;
  const name = COMMANDS[twoWords] ? twoWords : first;
  const command = COMMANDS[name];
  const isGroup = Object.keys(COMMANDS).some((known) => known.startsWith(`${first} `));
  // Every command, and every group, answers --help the same way, before its own parsing runs.
  if ((command || isGroup) && wantsHelp(argv.slice(1))) {
    io.out(helpFor(command ? name : first));
    return EXIT_OK;
  }
  try {
    if (!command) {
      const group = Object.keys(COMMANDS).filter((known) => known.startsWith(`${first} `));
      const hint = group.length > 0 ? `; use ${group.map((g) => `\`actpass ${g}\``).join(' or ')}` : '';
      throw new UsageError(
        `unknown command "${[first, second].filter(Boolean).join(' ')}"${hint}; see \`actpass help\`.`,
      );
    }
    return await command(argv.slice(name.split(' ').length), io);
  } catch (error) {
    const json = wantsJson(argv);
    if (error instanceof UsageError) {
      fail(io, json, `actpass: ${error.message}`, { code: 'usage', message: error.message });
      return EXIT_USAGE;
    }
    if (error instanceof RemoteFailure) {
      fail(io, json, `actpass: ${error.message}`, { ...error.detail, command: error.command });
      return EXIT_PROBLEMS;
    }
    // Not the user's invocation but the environment (a corrupt state file, a failing disk).
    const message = (error as Error)?.message ?? String(error);
    fail(io, json, `actpass: ${clean(message)}`, { code: 'error', message });
    return EXIT_PROBLEMS;
  }
}

/**
 * One failure, once: a line on stderr, or under `--json` one `{"error": {...}}` object on stdout, where
 * a program reading the command's JSON looks (the exit code still says it failed).
 */
function fail(io: Output, json: boolean, line: string, detail: FailureDetail & { command?: string }): void {
  if (json) io.out(safeJson({ error: detail }, 0));
  else io.err(line);
}
