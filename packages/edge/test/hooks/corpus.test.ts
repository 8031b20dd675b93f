/**
 * The two corpora through the real hook and the real coding-agents pack on an in-process gateway:
 * every everyday developer command runs without a prompt (no ask, no deny), and every red-team
 * variant is stopped (ask or deny, never allow). The counts are printed and written next to the
 * corpora's results so docs/proxy.md can quote them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway } from '@actpass/gateway';
import { ActPass } from '@actpass/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClaudeCodeHook } from '../../src/hooks/claude-code/hook.js';
import type { SessionStore } from '../../src/hooks/claude-code/session.js';

const AGENT = 'ak_hook_corpus_agent_0123456789';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** One command per line; `⏎` stands for a newline inside a command; `#` lines are comments. */
function readCorpus(name: string): string[] {
  return readFileSync(join(__dirname, 'corpus', name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.replaceAll('⏎', '\n'));
}

let gateway: Gateway;
let client: ActPass;
let root: string;
let workspace: string;
let state: SessionStore;
let session = 0;

beforeAll(() => {
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'coding-agents' }],
    apiKeys: [{ key: AGENT, tenantId: 'acme', roles: ['agent'] }],
    vaultKey: null,
  });
  client = new ActPass({ apiKey: AGENT, fetch: gateway.fetch, baseUrl: 'http://embedded', logger: silent });
  root = mkdtempSync(join(tmpdir(), 'actpass-corpus-'));
  workspace = join(root, 'project');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  state = { dir: join(root, 'state'), keyFile: join(root, 'config', 'hook.key') };
});
afterAll(async () => {
  await gateway.close();
  rmSync(root, { recursive: true, force: true });
});

async function decide(command: string): Promise<{ decision: string; reason: string }> {
  session += 1;
  const text = JSON.stringify({
    session_id: `corpus-${session}`,
    transcript_path: join(root, `corpus-${session}.jsonl`),
    cwd: workspace,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command, description: 'corpus' },
    tool_use_id: `toolu_${session}`,
  });
  const out = await runClaudeCodeHook(text, { client, mode: 'enforce', state });
  return {
    decision: out.hookSpecificOutput?.permissionDecision ?? 'none',
    reason: out.hookSpecificOutput?.permissionDecisionReason ?? '',
  };
}

describe('hook corpora through the coding-agents pack', () => {
  it('everyday developer commands: no ask, no deny', async () => {
    const commands = readCorpus('everyday.txt');
    expect(commands.length).toBeGreaterThanOrEqual(200);
    const prompted: string[] = [];
    for (const command of commands) {
      const { decision, reason } = await decide(command);
      if (decision !== 'allow') prompted.push(`${decision}: ${command}  (${reason})`);
    }
    console.log(
      `everyday corpus: ${commands.length} commands, ${commands.length - prompted.length} allowed, ${prompted.length} asked or denied`,
    );
    expect(prompted).toEqual([]);
  }, 60_000);

  it('red-team variants: never allowed', async () => {
    const commands = readCorpus('red-team.txt');
    expect(commands.length).toBeGreaterThanOrEqual(100);
    const allowed: string[] = [];
    const tally = { deny: 0, ask: 0 };
    for (const command of commands) {
      const { decision } = await decide(command);
      if (decision === 'deny' || decision === 'ask') tally[decision] += 1;
      else allowed.push(`${decision}: ${command}`);
    }
    console.log(
      `red-team corpus: ${commands.length} variants, ${tally.deny} denied, ${tally.ask} asked, ${allowed.length} allowed`,
    );
    expect(allowed).toEqual([]);
  }, 60_000);

  it('egress from a session whose state was lost asks (a secret read cannot be ruled out)', async () => {
    const transcript = join(root, 'lost.jsonl');
    // The session already ran tools, yet the hook has no record of it: its state is unknown.
    writeFileSync(
      transcript,
      `${JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result' }] } })}\n`,
    );
    const out = await runClaudeCodeHook(
      JSON.stringify({
        session_id: 'corpus-lost-state',
        transcript_path: transcript,
        cwd: workspace,
        hook_event_name: 'PreToolUse',
        tool_name: 'WebFetch',
        tool_input: { url: 'https://docs.python.org/3/', prompt: 'read' },
      }),
      { client, mode: 'enforce', state },
    );
    expect(out.hookSpecificOutput?.permissionDecision).toBe('ask');
    expect(out.hookSpecificOutput?.permissionDecisionReason).toMatch(/^ActPass coding\.session_unknown/);
  });
});
