/**
 * `actpass hook cursor` and `actpass hook gemini [--mode enforce|monitor] [--deadline-ms N] [--goal G]`:
 * the Claude Code hook's decision (the same shell parser, facts, session memory, gateway call and
 * deadline) for Cursor's hooks and Gemini CLI's BeforeTool hook. Each reads its agent's payload on
 * stdin, translates it strictly into the shared tool call and prints its agent's answer on stdout.
 * Fail closed: a bad flag, a payload it cannot read, an unreachable or slow gateway and a crash inside
 * the hook are each a deny (in enforce), always with exit 0 and JSON, since both agents run the tool
 * when a hook exits with anything but its blocking code.
 */
import { ActPass } from '@actpass/sdk';
import { type HookBudget, startBudget } from '../hooks/claude-code/budget.js';
import { HOOK_ATTEMPT_TIMEOUT_MS, HOOK_MAX_RETRIES } from '../hooks/claude-code/defaults.js';
import {
  deadlineOutput,
  failedOutput,
  type HookOutput,
  refuseInput,
  runClaudeCodeHook,
} from '../hooks/claude-code/hook.js';
import { decodePayload } from '../hooks/claude-code/payload.js';
import { stateDir } from '../hooks/claude-code/session.js';
import { defaultKeyFile } from '../hooks/claude-code/state-key.js';
import { hookFetch } from '../hooks/claude-code/transport.js';
import { cursorOutput } from '../hooks/cursor/output.js';
import { type CursorEvent, readCursorPayload } from '../hooks/cursor/payload.js';
import { geminiOutput } from '../hooks/gemini-cli/output.js';
import { readGeminiPayload } from '../hooks/gemini-cli/payload.js';
import { claudeShapedPayload, type Translation } from '../hooks/shared/call.js';
import { failedAnswer } from '../hooks/shared/failed.js';
import { verdictOf } from '../hooks/shared/verdict.js';
import { EXIT_OK } from './errors.js';
import { type HookSettings, type Input, preferQuickWasmCompile, readCapped, settings } from './hook.js';
import type { Output } from './io.js';

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

interface AgentProtocol {
  name: 'cursor' | 'gemini-cli';
  command: string;
  translate(text: string): Translation & { event?: CursorEvent };
  render(output: HookOutput, event: CursorEvent | undefined): object;
  /** The answer when even rendering failed. */
  failed: object;
}

const CURSOR: AgentProtocol = {
  name: 'cursor',
  command: 'hook cursor',
  translate: readCursorPayload,
  render: (output, event) => cursorOutput(verdictOf(output), event),
  failed: failedAnswer('cursor'),
};

const GEMINI: AgentProtocol = {
  name: 'gemini-cli',
  command: 'hook gemini',
  translate: readGeminiPayload,
  render: (output) => geminiOutput(verdictOf(output)),
  failed: failedAnswer('gemini-cli'),
};

async function answer(
  protocol: AgentProtocol,
  chosen: HookSettings,
  budget: HookBudget,
  stdin: Input,
  seen: { event?: CursorEvent },
): Promise<HookOutput> {
  const decoded = decodePayload(await readCapped(stdin));
  if (!decoded.ok) return refuseInput(decoded.problem, chosen.mode);
  const translated = protocol.translate(decoded.text);
  if (translated.event !== undefined) seen.event = translated.event;
  if (!translated.ok) return refuseInput(translated.problem, chosen.mode);
  const client = new ActPass({
    fetch: hookFetch(),
    logger: SILENT,
    maxRetries: HOOK_MAX_RETRIES,
    timeoutMs: HOOK_ATTEMPT_TIMEOUT_MS,
  });
  return runClaudeCodeHook(claudeShapedPayload(translated.call), {
    client,
    mode: chosen.mode,
    state: { dir: stateDir(), keyFile: defaultKeyFile() },
    budget,
    agent: { name: protocol.name, tool: translated.call.agent_tool },
    ...(chosen.goal !== undefined ? { goal: chosen.goal } : {}),
  });
}

async function runAgentHook(
  protocol: AgentProtocol,
  argv: string[],
  io: Output,
  stdin: Input,
  startedAt: number,
): Promise<number> {
  preferQuickWasmCompile();
  const seen: { event?: CursorEvent } = {};
  let line: string;
  try {
    const chosen = settings(argv, protocol.command);
    let output: HookOutput;
    if (chosen.problem !== undefined || chosen.deadlineMs === undefined) {
      output = refuseInput(chosen.problem ?? 'the hook is misconfigured', chosen.mode);
    } else {
      const budget = startBudget(chosen.deadlineMs, startedAt);
      const late = budget.expired.then(() => deadlineOutput(budget.deadlineMs, chosen.mode));
      const answered = answer(protocol, chosen, budget, stdin, seen).catch((error: unknown) =>
        failedOutput(error, chosen.mode),
      );
      output = await Promise.race([answered, late]);
    }
    line = JSON.stringify(protocol.render(output, seen.event));
  } catch {
    line = JSON.stringify(protocol.failed);
  }
  io.out(line);
  // A writer that never closes stdin must not keep the process (and the agent) waiting.
  if (stdin === process.stdin) process.stdin.destroy();
  return EXIT_OK;
}

export function hookCursor(
  argv: string[],
  io: Output,
  stdin: Input = process.stdin,
  startedAt: number = performance.now(),
): Promise<number> {
  return runAgentHook(CURSOR, argv, io, stdin, startedAt);
}

export function hookGemini(
  argv: string[],
  io: Output,
  stdin: Input = process.stdin,
  startedAt: number = performance.now(),
): Promise<number> {
  return runAgentHook(GEMINI, argv, io, stdin, startedAt);
}
