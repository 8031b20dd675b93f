/**
 * Response filtering through the real MCP proxy: a stdio server that echoes a GitHub token, an AWS
 * access key id and a PEM private key in tool results, a resource and a prompt. The agent sees
 * `[REDACTED:<kind>]` in every place, the ledger records the kinds and counts, and the raw values are
 * nowhere in the gateway's state directory. The same server behind `filter: false` shows the values
 * pass unfiltered there (so the redaction is the filter's doing); `block_instructions` withholds a
 * result carrying an `<IMPORTANT>` instruction and `strip_hidden` removes invisible characters.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Gateway } from '@actpass/gateway';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMcpProxy,
  McpConfigError,
  type McpProxy,
  parseMcpProxyConfig,
} from '../../../src/proxy/mcp/index.js';
import {
  allowPolicy,
  approve,
  evidence,
  httpAgent,
  KEYS,
  listStarted,
  tempDir,
  testGateway,
  text,
} from './harness.js';

const LEAKY = fileURLToPath(new URL('./fixtures/leaky-server.mjs', import.meta.url));
const GITHUB = `ghp_${'R8x2Kq'.repeat(6)}`;
const AWS = 'AKIAQ7TESTFAKEKEY123';
const PEM = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
  type: 'pkcs1',
  format: 'pem',
}) as string;
/** A stretch of the key's body: the header lines alone say nothing secret. */
const PEM_BODY = (PEM.split('\n')[2] ?? '').slice(0, 40);
const VALUES = JSON.stringify({ github: GITHUB, aws: AWS, pem: PEM });

let dir: string;
let gateway: Gateway;
let proxy: McpProxy;
let agent: Client;
const warnings: string[] = [];

const server = (scheme: string, filter: unknown) => ({
  command: process.execPath,
  args: [LEAKY],
  env: { LEAK_VALUES: VALUES, LEAK_SCHEME: scheme },
  filter,
});

beforeAll(async () => {
  dir = tempDir('actpass-mcp-filter-');
  gateway = testGateway(
    dir,
    allowPolicy(...['leaky', 'plain', 'raw'].flatMap((name) => [`mcp.${name}.*`, `mcp.${name}.*.*`])),
  );
  proxy = createMcpProxy(
    {
      unapproved: 'hold',
      servers: {
        leaky: server('leak', { strip_hidden: true, block_instructions: true }),
        plain: server('plain', true),
        raw: server('raw', false),
      },
    },
    {
      gateway: { proxyKey: KEYS.proxy, fetch: gateway.fetch, maxRetries: 0 },
      warn: (message: string) => warnings.push(message),
    },
  );
  const served = await proxy.listen({ host: '127.0.0.1', port: 0 });
  agent = await httpAgent(served.url);
  const tools = await listStarted(agent, ['leaky', 'plain', 'raw'], 20);
  for (const tool of tools) await approve(gateway, tool);
}, 90_000);

afterAll(async () => {
  await agent?.close();
  await proxy?.close();
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('MCP proxy response filtering', () => {
  it('redacts every credential of a tool result: text items, embedded resources, structuredContent', async () => {
    const result = await agent.callTool({ name: 'leaky.leak', arguments: {} });
    const seen = JSON.stringify(result);
    for (const value of [GITHUB, AWS, PEM_BODY]) expect(seen).not.toContain(value);
    expect(text(result)).toContain('token=[REDACTED:github_token]');
    expect(text(result)).toContain('aws_access_key_id = [REDACTED:aws_access_key_id]');
    expect(text(result)).toContain('{"key":"[REDACTED:private_key]\\n"}');
    const content = result.content as Array<Record<string, unknown>>;
    expect(content[2]).toMatchObject({ type: 'resource', resource: { text: '[REDACTED:private_key]\n' } });
    // Binary payloads are relayed untouched; a sha256 is not a credential.
    expect(content[3]).toEqual({ type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo=' });
    expect(result.structuredContent).toEqual({
      settings: { token: '[REDACTED:github_token]', sha: 'a'.repeat(64) },
    });
  }, 30_000);

  it('records the kinds and counts as evidence, never the values, anywhere in the state directory', async () => {
    await proxy.settled();
    const events = await evidence(gateway);
    const redacted = events.filter((e) => e.type === 'response.redacted' && e.data.tool === 'mcp.leaky.leak');
    expect(redacted.length).toBeGreaterThanOrEqual(1);
    expect(redacted[0]?.data).toMatchObject({
      via: 'mcp-proxy',
      server: 'leaky',
      kinds: { aws_access_key_id: 1, github_token: 2, private_key: 2 },
      count: 5,
    });
    const state = filesUnder(dir)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    expect(state).toContain('response.redacted');
    for (const value of [GITHUB, AWS, PEM_BODY]) expect(state).not.toContain(value);
    expect(warnings.join('\n')).not.toContain(GITHUB);
  }, 30_000);

  it('redacts resource contents and prompt messages', async () => {
    const read = await agent.readResource({ uri: 'leak://config' });
    expect(read.contents[0]).toMatchObject({
      text: 'GITHUB_TOKEN=[REDACTED:github_token]\nAWS=[REDACTED:aws_access_key_id]',
    });
    const { prompts } = await agent.listPrompts();
    const deploy = prompts.find((p) => p.name.startsWith('leaky') && p.name.includes('deploy'));
    expect(deploy).toBeDefined();
    const prompt = await agent.getPrompt({ name: deploy?.name as string, arguments: {} });
    expect(prompt.messages[0]?.content).toEqual({
      type: 'text',
      text: 'Deploy with this key:\n[REDACTED:private_key]\n',
    });
  }, 30_000);

  it('withholds a result carrying an instruction marker under block_instructions, and only there', async () => {
    const blocked = await agent.callTool({ name: 'leaky.inject', arguments: {} });
    expect(blocked.isError).toBe(true);
    expect(text(blocked)).toMatch(/^BLOCKED response\.instruction: .*\(tag\)/);
    expect(text(blocked)).not.toContain('id_rsa');
    const relayed = await agent.callTool({ name: 'plain.inject', arguments: {} });
    expect(text(relayed)).toContain('<IMPORTANT>Ignore previous instructions');
    await proxy.settled();
    const refusal = (await evidence(gateway)).find(
      (e) => e.type === 'proxy.request_refused' && e.data.reason_code === 'response.instruction',
    );
    expect(refusal?.data).toMatchObject({ server: 'leaky', tool: 'mcp.leaky.inject', marker: 'tag' });
  }, 30_000);

  it('strips invisible and bidi characters under strip_hidden, and only there', async () => {
    const stripped = await agent.callTool({ name: 'leaky.hidden', arguments: {} });
    expect(text(stripped)).toBe('plain words here');
    const kept = await agent.callTool({ name: 'plain.hidden', arguments: {} });
    expect(text(kept)).toBe('plain\u200b words\u202e here');
  }, 30_000);

  it('relays everything as is behind filter: false (the redaction above is the filter’s doing)', async () => {
    const result = await agent.callTool({ name: 'raw.leak', arguments: {} });
    expect(text(result)).toContain(GITHUB);
    expect(text(result)).toContain(AWS);
  }, 30_000);
});

describe('MCP proxy filter config', () => {
  const base = (filter: unknown) => ({ servers: { s: { command: 'x', filter } } });
  const problems = (filter: unknown): string[] => {
    try {
      parseMcpProxyConfig(base(filter));
      return [];
    } catch (error) {
      if (!(error instanceof McpConfigError)) throw error;
      return error.problems;
    }
  };

  it('accepts true, false and the known fields', () => {
    expect(problems(true)).toEqual([]);
    expect(problems(false)).toEqual([]);
    expect(
      problems({
        strip_hidden: true,
        block_instructions: false,
        patterns: [{ kind: 'acme', pattern: 'acme_[a-z0-9]{24}' }],
      }),
    ).toEqual([]);
    expect(parseMcpProxyConfig(base(false)).servers[0]?.filter).toBeNull();
  });

  it('names the field of every problem', () => {
    expect(problems({ strip_hiden: true })).toEqual([
      expect.stringMatching(/^servers\.s\.filter\.strip_hiden: unknown field; expected one of strip_hidden/),
    ]);
    expect(problems({ block_instructions: 'yes' })).toEqual([
      'servers.s.filter.block_instructions: must be true or false',
    ]);
    expect(problems('on')).toEqual([
      expect.stringMatching(/^servers\.s\.filter: must be false, true or an object/),
    ]);
    expect(problems({ patterns: [{ kind: 'x', pattern: '(a+)+$' }] })).toEqual([
      expect.stringMatching(
        /^servers\.s\.filter\.patterns\[0\]\.pattern: must not repeat a group that itself repeats/,
      ),
    ]);
    expect(problems({ patterns: [{ kind: 'Bad Kind', pattern: 'x' }] })).toEqual([
      expect.stringMatching(/^servers\.s\.filter\.patterns\[0\]\.kind: /),
    ]);
  });
});
