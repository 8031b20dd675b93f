/**
 * The real `actpass-edge mcp serve --http` process (the same command as `actpass mcp serve`) in front
 * of the real filesystem server on a temporary directory, deciding with a served gateway: a made-up
 * bearer lists nothing, a `..` escape never writes outside the allowed directory, and the refusal is
 * one warning line on stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Gateway } from '@actpass/gateway';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, expect, it } from 'vitest';
import { approve, FILESYSTEM, httpAgent, KEYS, listStarted, tempDir, testGateway, text } from './harness.js';

const root = tempDir('actpass-mcp-cli-');
const allowed = join(root, 'allowed');
let gateway: Gateway | undefined;
let child: ChildProcess | undefined;
let client: Client | undefined;

afterAll(async () => {
  await client?.close().catch(() => undefined);
  child?.kill('SIGTERM');
  await gateway?.close();
  rmSync(root, { recursive: true, force: true });
});

it('mcp serve --http: unknown keys list nothing; a .. escape is refused and never written', async () => {
  mkdirSync(allowed);
  gateway = testGateway(join(root, 'gw'), {
    id: 'mcp-cli-test',
    version: 1,
    default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
    rules: [
      {
        id: 'write-inside',
        when: [
          { path: 'tool', operator: '==', value: 'mcp.fs.write_file' },
          { path: 'args.path', operator: 'path_within', value: allowed },
        ],
        decision: 'allow',
        reason: 'fs.write_inside',
      },
    ],
  });
  const served = await gateway.listen({ port: 0 });
  const config = join(root, 'mcp-proxy.json');
  writeFileSync(
    config,
    JSON.stringify({
      gateway: { base_url: served.url },
      unapproved: 'hold',
      servers: { fs: { command: process.execPath, args: [FILESYSTEM, root] } },
    }),
  );
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', 'mcp', 'serve', '--config', config, '--http', '--port', '0'],
    {
      cwd: resolve(__dirname, '../../..'),
      env: { ...process.env, ACTPASS_PROXY_KEY: KEYS.proxy, ACTPASS_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const url = await new Promise<string>((done, fail) => {
    let stdout = '';
    child?.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) done(match[1] as string);
    });
    child?.once('exit', (code) => fail(new Error(`mcp serve exited ${code}: ${stderr}`)));
  });

  const listing = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: 'Bearer ak_made_up_00000000',
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
  expect(listing.status).toBe(401);
  expect(await listing.text()).not.toContain('write_file');

  client = await httpAgent(url);
  const tools = await listStarted(client, ['fs']);
  const write = tools.find((tool) => tool.name === 'fs.write_file');
  if (!write) throw new Error('no fs.write_file listed');
  await approve(gateway, write);

  const escaped = join(root, 'escaped.txt');
  const refused = await client.callTool({
    name: 'fs.write_file',
    arguments: { path: `${allowed}/../escaped.txt`, content: 'pwned' },
  });
  expect(text(refused)).toMatch(/^BLOCKED path\.traversal: /);
  expect(existsSync(escaped)).toBe(false);

  const inside = await client.callTool({
    name: 'fs.write_file',
    arguments: { path: join(allowed, 'ok.txt'), content: 'inside' },
  });
  expect(inside.isError).not.toBe(true);
  expect(readFileSync(join(allowed, 'ok.txt'), 'utf8')).toBe('inside');
  // stderr is its own pipe: the warning may arrive just after the answer.
  const warning =
    /actpass: MCP proxy refused mcp\.fs\.write_file: argument "path" contains a "\.\." segment\n/;
  for (let i = 0; i < 50 && !warning.test(stderr); i++) await new Promise((done) => setTimeout(done, 100));
  expect(stderr).toMatch(warning);
}, 90_000);
