/**
 * The Claude Code hook names its session for flow control: Claude Code's `session_id` becomes
 * `context.session.id` (a digest when the gateway would not accept it as one), beside the hook's own
 * session memory. With the tenant classifying Read as private data and WebFetch as untrusted content
 * that can send data out, the coding-agents pack asks a person before the second fetch of a session
 * that read a file — and only in that session.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway } from '@actpass/gateway';
import { ActPass } from '@actpass/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClaudeCodeHook } from '../../src/hooks/claude-code/hook.js';

const AGENT = 'ak_hook_flow_agent_0123456789';
const ADMIN = 'ak_hook_flow_admin_0123456789';
const WORKSPACE = '/home/dev/project';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

let gateway: Gateway;
let stateDir: string;
let client: ActPass;

beforeAll(() => {
  gateway = createGateway({
    tenants: [
      {
        id: 'acme',
        policy: 'coding-agents',
        flow: {
          tools: {
            'claude.read': ['private_data'],
            'claude.web_fetch': ['untrusted_content', 'external_comm'],
          },
        },
      },
    ],
    apiKeys: [
      { key: AGENT, tenantId: 'acme', roles: ['agent'] },
      { key: ADMIN, tenantId: 'acme', roles: ['admin'] },
    ],
    vaultKey: null,
  });
  stateDir = mkdtempSync(join(tmpdir(), 'actpass-hook-flow-'));
  client = new ActPass({ apiKey: AGENT, fetch: gateway.fetch, baseUrl: 'http://embedded', logger: silent });
});
afterAll(async () => {
  await gateway.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function hook(toolName: string, toolInput: Record<string, unknown>, sessionId: string) {
  return runClaudeCodeHook(
    JSON.stringify({
      session_id: sessionId,
      transcript_path: `/home/dev/.claude/projects/project/x.jsonl`,
      cwd: WORKSPACE,
      permission_mode: 'default',
      hook_event_name: 'PreToolUse',
      tool_name: toolName,
      tool_input: toolInput,
      tool_use_id: 'toolu_01ABC',
    }),
    {
      client,
      mode: 'enforce',
      state: { dir: join(stateDir, 'state'), keyFile: join(stateDir, 'hook.key') },
    },
  );
}

const read = (session: string) => hook('Read', { file_path: `${WORKSPACE}/README.md` }, session);
const webFetch = (session: string) =>
  hook('WebFetch', { url: 'https://example.com/page', prompt: 'summarise' }, session);

async function labeled() {
  const response = await gateway.fetch(
    new Request('http://gw/api/v1/evidence?limit=1000', { headers: { authorization: `Bearer ${ADMIN}` } }),
  );
  const body = (await response.json()) as { events: Array<{ type: string; data: Record<string, unknown> }> };
  return body.events.filter((event) => event.type === 'session.labeled');
}

describe('claude-code hook sessions', () => {
  it('asks a person before a session that read a file and fetched a page fetches again', async () => {
    const session = '6f1c2b7e-3a0d-4f55-9e7a-2d3c4b5a6f70';
    expect((await read(session)).hookSpecificOutput?.permissionDecision).toBe('allow');
    expect((await webFetch(session)).hookSpecificOutput?.permissionDecision).toBe('allow');
    const again = await webFetch(session);
    expect(again.hookSpecificOutput?.permissionDecision).toBe('ask');
    expect(again.hookSpecificOutput?.permissionDecisionReason).toMatch(/^ActPass flow\.trifecta: /);
    expect(again.hookSpecificOutput?.permissionDecisionReason).toContain('private_data from claude.read');
    // Another Claude Code session is not held.
    expect(
      (await webFetch('0a1b2c3d-0000-4000-8000-000000000000')).hookSpecificOutput?.permissionDecision,
    ).toBe('allow');
    const events = await labeled();
    expect(
      events
        .filter((event) => event.data.session_id === session)
        .map((event) => event.data.label)
        .sort(),
    ).toEqual(['external_comm', 'private_data', 'untrusted_content']);
    expect(events.every((event) => event.data.session_asserted_by === 'agent')).toBe(true);
  });

  it('sends a digest for a session id the gateway would refuse, and still decides', async () => {
    const hostile = 'sess 1\nforged: line';
    expect((await read(hostile)).hookSpecificOutput?.permissionDecision).toBe('allow');
    const ids = (await labeled()).map((event) => String(event.data.session_id));
    expect(ids.some((id) => /^cc-[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(ids.some((id) => id.includes('\n'))).toBe(false);
  });
});
