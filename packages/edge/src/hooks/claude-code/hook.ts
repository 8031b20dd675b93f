/**
 * `actpass hook claude-code`: Claude Code's PreToolUse hook protocol. Claude Code writes
 * `{session_id, transcript_path, cwd, permission_mode, hook_event_name: "PreToolUse", tool_name,
 * tool_input, tool_use_id}` on stdin; the hook answers `{hookSpecificOutput: {hookEventName:
 * "PreToolUse", permissionDecision, permissionDecisionReason}}` on stdout.
 *   enforce: allow → allow; require_approval → ask; anything else (the gateway unreachable or too
 *            slow for the hook's deadline, a payload with a missing or wrong-typed field) → deny with
 *            the reason code and summary.
 *   monitor: never a permission decision; the advice goes in `systemMessage`.
 * Tools map to `claude.*` (Bash → claude.bash, Edit/MultiEdit → claude.edit, Write → claude.write,
 * WebFetch → claude.web_fetch, mcp__<server>__<tool> → claude.mcp.<server>.<tool>) with the tool input
 * as args and the derived facts, workspace and session memory in `context`.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ActPass, PreflightDecision } from '@actpass/sdk';
import { isSessionId } from '../../flow/index.js';
import { sha256Hex } from '../../hash.js';
import { sanitizeToolName } from '../../proxy/mcp/names.js';
import { blankUnsafe } from '../../text/index.js';
import { gatewayLimits, type HookBudget, startBudget } from './budget.js';
import { HOOK_DEADLINE_MS } from './defaults.js';
import { toolFacts } from './facts.js';
import { type Payload, readPayload } from './payload.js';
import {
  insideWorkspace,
  readSession,
  recordSession,
  type SessionState,
  type SessionStore,
} from './session.js';

export type HookMode = 'enforce' | 'monitor';

export interface HookOptions {
  client: ActPass;
  mode: HookMode;
  /** Where session state and its integrity key live (outside any workspace). */
  state: SessionStore;
  goal?: string;
  /** The whole hook's time budget; by default a fresh one of the default deadline. */
  budget?: HookBudget;
  /**
   * Another coding agent whose call was translated into Claude Code's vocabulary (Cursor, Gemini
   * CLI): its name and its own tool name go in `context`, so the ledger says which agent acted.
   */
  agent?: { name: string; tool: string };
}

export interface HookOutput {
  hookSpecificOutput?: {
    hookEventName: 'PreToolUse';
    permissionDecision: 'allow' | 'deny' | 'ask';
    permissionDecisionReason: string;
  };
  systemMessage?: string;
}

const NAMED: Record<string, string> = {
  Bash: 'claude.bash',
  Edit: 'claude.edit',
  MultiEdit: 'claude.edit',
  Write: 'claude.write',
  NotebookEdit: 'claude.notebook_edit',
  Read: 'claude.read',
  WebFetch: 'claude.web_fetch',
  WebSearch: 'claude.web_search',
};

export function claudeToolName(toolName: string): string {
  const named = NAMED[toolName];
  if (named) return named;
  const mcp = /^mcp__(.+?)__(.+)$/.exec(toolName);
  if (mcp) return `claude.mcp.${sanitizeToolName(mcp[1] as string)}.${sanitizeToolName(mcp[2] as string)}`;
  return `claude.${sanitizeToolName(toolName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase())}`;
}

/** The answer when the payload cannot be read: deny in enforce, a note in monitor. */
export function refuseInput(problem: string, mode: HookMode): HookOutput {
  return mode === 'monitor'
    ? { systemMessage: `ActPass (monitor): ${problem}; nothing was checked.` }
    : deny(`ActPass request.invalid: ${problem}.`);
}

/** The answer when the deadline passes first: deny in enforce, a note in monitor. */
export function deadlineOutput(deadlineMs: number, mode: HookMode): HookOutput {
  const why = `no decision within the hook's ${deadlineMs} ms deadline`;
  return mode === 'monitor'
    ? { systemMessage: `ActPass (monitor): ${why}; nothing was checked.` }
    : deny(
        `ActPass client.timeout: ${why}, so the tool does not run. Check that the gateway is reachable; raise --deadline-ms (ACTPASS_HOOK_DEADLINE_MS) only while it stays below the hook's timeout.`,
      );
}

/**
 * Answers one PreToolUse payload within the budget: whatever is still pending at the deadline (the
 * gateway call, a slow parse) is abandoned for a deny, so Claude Code never times the hook out.
 */
export async function runClaudeCodeHook(text: string, options: HookOptions): Promise<HookOutput> {
  const budget = options.budget ?? startBudget(HOOK_DEADLINE_MS);
  const late = budget.expired.then(() => deadlineOutput(budget.deadlineMs, options.mode));
  const decided = decide(text, options, budget).catch((error: unknown) => failedOutput(error, options.mode));
  return Promise.race([decided, late]);
}

/**
 * The answer when something inside the hook throws: a crash would exit non-zero, which Claude Code
 * treats as "run the tool", so it is a deny (enforce) or a note (monitor) instead.
 */
export function failedOutput(error: unknown, mode: HookMode): HookOutput {
  const what = blankUnsafe(String((error as Error)?.message ?? error)).slice(0, 200);
  return mode === 'monitor'
    ? { systemMessage: `ActPass (monitor): the hook failed (${what}); nothing was checked.` }
    : deny(`ActPass hook.failed: the hook could not decide (${what}), so the tool does not run.`);
}

/** The path with symlinks resolved as far as it exists (a state directory linked into the workspace is in it). */
function realOrSelf(path: string): string {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest.push(basename(existing));
      existing = parent;
    }
  }
}

/**
 * Session state, and whether to keep it: state inside the workspace is the agent's to rewrite, so it
 * is neither read nor written there, and the session reads as unknown.
 */
function sessionBefore(options: HookOptions, payload: Payload): { session: SessionState; kept: boolean } {
  const workspace = [payload.cwd, realOrSelf(payload.cwd)];
  for (const path of [options.state.dir, options.state.keyFile]) {
    const forms = [path, realOrSelf(path)];
    if (forms.some((form) => workspace.some((root) => insideWorkspace(form, root)))) {
      const unknown_reason = `the hook's state (${path}) is inside the workspace; set ACTPASS_HOOK_STATE_DIR and ACTPASS_HOOK_KEY_FILE outside it`;
      return { session: { secret_read: true, state: 'unknown', unknown_reason }, kept: false };
    }
  }
  return { session: readSession(options.state, payload.session_id, payload.transcript_path), kept: true };
}

/** Whether the facts say this call reads a secret (either spelling the facts module uses). */
function readsSecret(facts: object): boolean {
  const named = facts as Record<string, unknown>;
  return named.secret_read === true || named.reads_secret === true;
}

async function decide(text: string, options: HookOptions, budget: HookBudget): Promise<HookOutput> {
  const reading = readPayload(text);
  if (!reading.ok) return refuseInput(reading.problem, options.mode);
  const { payload } = reading;
  const { session, kept } = sessionBefore(options, payload);
  const facts = await toolFacts(payload.tool_name, payload.tool_input, payload.cwd);
  const limits = gatewayLimits(budget);
  if (!limits) return deadlineOutput(budget.deadlineMs, options.mode);
  const decision = await options.client.preflight(
    {
      goal: options.goal ?? 'coding_agent_tool_use',
      tool: claudeToolName(payload.tool_name),
      args: payload.tool_input as never,
      mode: options.mode,
      context: {
        agent: options.agent?.name ?? 'claude-code',
        claude_tool: payload.tool_name,
        ...(options.agent ? { agent_tool: options.agent.tool } : {}),
        workspace: payload.cwd,
        facts,
        // The session's memory, and its id for the gateway's flow labels (Claude Code's own session id
        // when the gateway accepts it as one, else a digest of it).
        session: { ...session, id: flowSessionId(payload.session_id) },
      } as never,
    },
    limits,
  );
  if (budget.signal.aborted) return deadlineOutput(budget.deadlineMs, options.mode);
  // A call that may still run (allowed, or asked and then approved by a person) counts as done.
  const mayRun =
    options.mode === 'monitor' || decision.decision === 'allow' || decision.decision === 'require_approval';
  const secretRead = mayRun && readsSecret(facts);
  if (kept) {
    try {
      recordSession(options.state, payload.session_id, session, { secret_read: secretRead });
    } catch {
      // A secret read that cannot be remembered would let a later egress pass as clean: refuse it.
      if (secretRead && options.mode === 'enforce')
        return deny(
          `ActPass hook.state_unwritable: this call reads a secret and the hook cannot record that in ${options.state.dir}; make the directory writable (or set ACTPASS_HOOK_STATE_DIR).`,
        );
    }
  }
  return options.mode === 'monitor' ? advise(decision) : enforce(decision);
}

function reasonOf(decision: PreflightDecision): string {
  const held = decision.approval_request_id ? ` (approval ${decision.approval_request_id})` : '';
  return `ActPass ${decision.reason_code}: ${decision.explain.summary}${held}`;
}

function enforce(decision: PreflightDecision): HookOutput {
  if (decision.decision === 'allow') return output('allow', reasonOf(decision));
  if (decision.decision === 'require_approval') return output('ask', reasonOf(decision));
  return deny(reasonOf(decision));
}

function advise(decision: PreflightDecision): HookOutput {
  const would = decision.would_decision ?? decision.decision;
  if (would === 'allow') return {};
  return { systemMessage: `ActPass (monitor, not enforced): would ${would}. ${reasonOf(decision)}` };
}

function deny(reason: string): HookOutput {
  return output('deny', reason);
}

function output(permissionDecision: 'allow' | 'deny' | 'ask', reason: string): HookOutput {
  return {
    hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision, permissionDecisionReason: reason },
  };
}

/** Claude Code's session id as the gateway's flow session: itself when acceptable, else `cc-<digest>`. */
function flowSessionId(sessionId: string): string {
  return isSessionId(sessionId) ? sessionId : `cc-${sha256Hex(sessionId).slice(0, 32)}`;
}
