/**
 * The `actpass-hook` executable: `actpass-hook claude-code|cursor|gemini-cli [flags]`, the same hooks
 * as `actpass hook claude-code|cursor|gemini` in a process that loads only what one decision needs (the
 * SDK client, the hook and its facts) — no proxies, no MCP SDK, no YAML, no exposure scan — because
 * the agent starts it for every tool call. The deadline's clock starts with the process itself, and the
 * process exits as soon as the answer is written, so nothing left pending (an abandoned gateway call,
 * an open stdin) can hold the agent past it. Whatever happens, it exits 0 with a JSON answer in the
 * agent's own shape: all three agents run the tool after a hook exits with anything but their blocking
 * code.
 */

import { hookClaudeCode, type Input } from './cli/hook.js';
import { hookCursor, hookGemini } from './cli/hook-agents.js';
import { failedAnswer, type HookAgent } from './hooks/shared/failed.js';

const USAGE = `usage: actpass-hook <agent> [--mode enforce|monitor] [--deadline-ms N] [--goal G]

  claude-code   one Claude Code PreToolUse payload (same as \`actpass hook claude-code\`)
  cursor        one Cursor hook payload: shell, MCP, file read (same as \`actpass hook cursor\`)
  gemini-cli    one Gemini CLI BeforeTool payload (same as \`actpass hook gemini\`; \`gemini\` works too)

Reads the payload on stdin and prints the agent's answer as one JSON line on stdout; always exits 0.`;

type Hook = (
  argv: string[],
  io: { out(line: string): void; err(line: string): void },
  stdin: Input,
  startedAt: number,
) => Promise<number>;

/**
 * Imported statically on purpose: Cursor's and Gemini CLI's translations are ~18 kB of functions whose
 * modules define nothing but constants at load, while an `import()` here would make the bundler wrap
 * every module of the bundle in a lazy initialiser (+40 kB, and the Claude Code path through them).
 */
const HOOKS: Record<HookAgent, Hook> = {
  'claude-code': hookClaudeCode,
  cursor: hookCursor,
  'gemini-cli': hookGemini,
};

/** `actpass hook gemini` names the Gemini CLI hook `gemini`; the same word works here. */
function agentNamed(word: string | undefined): HookAgent | undefined {
  if (word === 'gemini') return 'gemini-cli';
  return word === 'claude-code' || word === 'cursor' || word === 'gemini-cli' ? word : undefined;
}

function finish(line: string, code: number): void {
  process.stdout.write(`${line}\n`, () => process.exit(code));
}

let agent: HookAgent = 'claude-code';

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return finish(USAGE, 0);
  const named = agentNamed(command);
  if (named === undefined) {
    // The agent is unknown, so Claude Code's shape (the hook's first agent) carries the deny.
    process.stderr.write(
      'actpass-hook: the hooks are `claude-code`, `cursor` and `gemini-cli`; see `actpass-hook --help`.\n',
    );
    return finish(JSON.stringify(failedAnswer(agent)), 0);
  }
  agent = named;
  let written: string | undefined;
  const io = {
    out: (line: string) => {
      written = line;
    },
    err: (line: string) => {
      process.stderr.write(`${line}\n`);
    },
  };
  const hook = HOOKS[agent];
  // performance.now() counts from the process's start: Node's own start-up is inside the deadline.
  await hook(rest, io, process.stdin, 0);
  finish(written ?? JSON.stringify(failedAnswer(agent)), 0);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`actpass-hook: ${String((error as Error)?.message ?? error).slice(0, 200)}\n`);
  finish(JSON.stringify(failedAnswer(agent)), 0);
});
