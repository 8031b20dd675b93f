/**
 * The `actpass-hook` executable: `actpass-hook claude-code [flags]`, the same hook as
 * `actpass hook claude-code` in a process that loads only what one decision needs (the SDK client, the
 * hook and its facts) — no proxies, no MCP SDK, no YAML, no exposure scan — because Claude Code starts
 * it for every tool call. The deadline's clock starts with the process itself, and the process exits as
 * soon as the answer is written, so nothing left pending (an abandoned gateway call, an open stdin) can
 * hold Claude Code past it. Whatever happens, it exits 0 with a JSON answer: any other exit code but 2
 * lets the tool run.
 */
import { hookClaudeCode } from './cli/hook.js';

const USAGE = `usage: actpass-hook claude-code [--mode enforce|monitor] [--deadline-ms N] [--goal G]

Answers one Claude Code PreToolUse payload on stdin with a decision JSON line on stdout; always exits 0.
Same as \`actpass hook claude-code\`.`;

const FAILED = JSON.stringify({
  hookSpecificOutput: {
    hookEventName: 'PreToolUse',
    permissionDecision: 'deny',
    permissionDecisionReason: 'ActPass hook.failed: the hook could not decide, so the tool does not run.',
  },
});

function finish(line: string, code: number): void {
  process.stdout.write(`${line}\n`, () => process.exit(code));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return finish(USAGE, 0);
  if (command !== 'claude-code') {
    process.stderr.write('actpass-hook: the only hook is `claude-code`; see `actpass-hook --help`.\n');
    return finish(FAILED, 0);
  }
  let written: string | undefined;
  const io = {
    out: (line: string) => {
      written = line;
    },
    err: (line: string) => {
      process.stderr.write(`${line}\n`);
    },
  };
  // performance.now() counts from the process's start: Node's own start-up is inside the deadline.
  await hookClaudeCode(rest, io, process.stdin, 0);
  finish(written ?? FAILED, 0);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`actpass-hook: ${String((error as Error)?.message ?? error).slice(0, 200)}\n`);
  finish(FAILED, 0);
});
