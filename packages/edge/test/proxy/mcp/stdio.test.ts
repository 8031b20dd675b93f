/**
 * `actpass mcp serve` (here as `actpass-edge mcp serve`) over stdio, as an MCP client config launches it: the official client starts the
 * CLI, which fronts the reference "everything" server and preflights with a served gateway.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGateway } from '@actpass/gateway';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const KEYS = {
  agent: 'ak_stdio_agent_0123456',
  proxy: 'ak_stdio_proxy_0123456',
  admin: 'ak_stdio_admin_0123456',
};
const dir = mkdtempSync(join(tmpdir(), 'actpass-mcp-stdio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('serves MCP on stdio: held until approved, then echo allowed, everything else BLOCKED', async () => {
  const gateway = createGateway({
    tenants: [
      {
        id: 'acme',
        policy: {
          id: 'stdio',
          version: 1,
          default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
          rules: [
            {
              id: 'echo',
              when: [{ path: 'tool', operator: '==', value: 'mcp.everything.echo' }],
              decision: 'allow',
              reason: 'mcp.echo_allowed',
            },
          ],
        },
      },
    ],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
    ],
    vaultKey: null,
  });
  const served = await gateway.listen({ port: 0 });
  const config = join(dir, 'mcp-proxy.json');
  writeFileSync(
    config,
    JSON.stringify({
      gateway: { base_url: served.url },
      unapproved: 'hold',
      servers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } },
    }),
  );
  const client = new Client({ name: 'stdio-agent', version: '1' });
  try {
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', 'tsx', 'src/main.ts', 'mcp', 'serve', '--config', config],
        cwd: resolve(__dirname, '../../..'),
        env: { ...getDefaultEnvironment(), ACTPASS_API_KEY: KEYS.agent, ACTPASS_PROXY_KEY: KEYS.proxy },
        stderr: 'ignore',
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('everything.echo');
    // Nothing is approved yet: held.
    const held = await client.callTool({ name: 'everything.echo', arguments: { message: 'hi' } });
    expect((held.content as Array<{ text: string }>)[0]?.text).toMatch(/^BLOCKED tool\.unregistered: /);
    const echo = tools.find((tool) => tool.name === 'everything.echo');
    await gateway
      .fetch(
        new Request('http://gw/api/v1/tools/mcp.everything.echo', {
          method: 'PUT',
          headers: { authorization: `Bearer ${KEYS.proxy}`, 'content-type': 'application/json' },
          body: '{}',
        }),
      )
      .then((response) => expect(response.status).toBe(403));
    if (!echo) throw new Error('no echo tool');
    const approved = await gateway.fetch(
      new Request('http://gw/api/v1/tools/mcp.everything.echo', {
        method: 'PUT',
        headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'mcp.everything.echo',
          description: echo.description ?? '',
          input_schema: echo.inputSchema,
          ...(echo.outputSchema ? { output_schema: echo.outputSchema } : {}),
          ...(echo.annotations ? { annotations: echo.annotations } : {}),
        }),
      }),
    );
    expect(approved.status).toBe(200);
    const allowed = await client.callTool({ name: 'everything.echo', arguments: { message: 'over stdio' } });
    expect((allowed.content as Array<{ text: string }>)[0]?.text).toContain('over stdio');
    const other = tools.find((tool) => tool.name !== 'everything.echo');
    const refused = await client.callTool({ name: other?.name ?? '', arguments: {} });
    expect(refused.isError).toBe(true);
  } finally {
    await client.close().catch(() => undefined);
    await gateway.close();
  }
}, 60_000);
