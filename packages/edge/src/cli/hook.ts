/**
 * `actpass hook claude-code [--mode enforce|monitor]`: reads one PreToolUse payload on stdin and prints
 * the decision JSON on stdout; always exits 0 so Claude Code reads the JSON (a deny is a JSON deny,
 * never a crash). The gateway is reached with ACTPASS_API_KEY and ACTPASS_BASE_URL like any SDK call;
 * the mode defaults to ACTPASS_HOOK_MODE, else enforce.
 */
import { ActPass } from '@actpass/sdk';
import { type HookMode, runClaudeCodeHook } from '../hooks/claude-code/hook.js';
import { stateDir } from '../hooks/claude-code/session.js';
import { parseCommandArgs } from './args.js';
import { EXIT_OK, UsageError } from './errors.js';
import type { Output } from './io.js';

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

export async function hookClaudeCode(
  argv: string[],
  io: Output,
  stdin: AsyncIterable<Buffer | string> | Iterable<string> = process.stdin,
): Promise<number> {
  const { flags } = parseCommandArgs(
    'hook claude-code',
    argv,
    { mode: { type: 'string' }, goal: { type: 'string' } },
    0,
  );
  const mode = (flags.mode ?? process.env.ACTPASS_HOOK_MODE ?? 'enforce') as string;
  if (mode !== 'enforce' && mode !== 'monitor') {
    throw new UsageError(`--mode: "${mode}" is not a mode; use enforce or monitor.`);
  }
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  const client = new ActPass({ logger: SILENT, maxRetries: 1, timeoutMs: 5000 });
  const output = await runClaudeCodeHook(text, {
    client,
    mode: mode as HookMode,
    stateDir: stateDir(),
    ...(typeof flags.goal === 'string' ? { goal: flags.goal } : {}),
  });
  io.out(JSON.stringify(output));
  return EXIT_OK;
}
