/**
 * An MCP client (the official SDK's) that can reach only the ActPass MCP proxy, which fronts the
 * reference "everything" MCP server. Every tools/call is preflighted as mcp.<server>.<tool>.
 */
import { createRequire } from 'node:module';
import { createGateway, createMcpProxy } from '@actpass/gateway';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const KEYS = {
  agent: 'ak_example_mcp_agent_1',
  admin: 'ak_example_mcp_admin_1',
  proxy: 'ak_example_mcp_proxy_1',
};
const POLICY = {
  id: 'mcp-example',
  version: 1,
  default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
  rules: [
    {
      id: 'echo',
      when: [{ path: 'tool', operator: '==', value: 'mcp.everything.echo' }],
      decision: 'allow',
      reason: 'mcp.echo_allowed',
      risk_tier: 'low',
    },
  ],
};

export interface Summary {
  listed: number;
  calls: Array<{ tool: string; result: string }>;
}

export async function run(log: (line: string) => void): Promise<Summary> {
  const require = createRequire(import.meta.url);
  const everything = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
  const gateway = createGateway({
    tenants: [{ id: 'acme', policy: POLICY }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    vaultKey: null,
  });
  const proxy = createMcpProxy(
    {
      unapproved: 'hold',
      servers: { everything: { command: process.execPath, args: [everything, 'stdio'] } },
    },
    { gateway: { proxyKey: KEYS.proxy, fetch: gateway.fetch } },
  );
  const { url } = await proxy.listen({ port: 0 });
  log(`MCP proxy on ${url} fronts the "everything" server`);

  const client = new Client({ name: 'example-agent', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${KEYS.agent}` } },
    }),
  );
  const { tools } = await client.listTools();
  log(
    `tools/list: ${tools.length} tools, e.g. ${tools
      .slice(0, 3)
      .map((t) => t.name)
      .join(', ')}`,
  );
  const other = tools.find((tool) => tool.name !== 'everything.echo' && !tool.inputSchema.required?.length);
  // An admin approves two definitions; everything else stays held.
  for (const tool of tools.filter((t) => t.name === 'everything.echo' || t.name === other?.name)) {
    await gateway.fetch(
      new Request(`http://gateway/api/v1/tools/mcp.${tool.name}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `mcp.${tool.name}`,
          description: tool.description ?? '',
          input_schema: tool.inputSchema,
          ...(tool.outputSchema ? { output_schema: tool.outputSchema } : {}),
          ...(tool.annotations ? { annotations: tool.annotations } : {}),
        }),
      }),
    );
    log(`admin approves mcp.${tool.name}`);
  }
  const summary: Summary = { listed: tools.length, calls: [] };
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as {
      content: Array<{ text?: string }>;
      isError?: boolean;
    };
    const text =
      result.content
        .map((part) => part.text ?? '')
        .join('')
        .split('\n')[0] ?? '';
    summary.calls.push({ tool: name, result: text });
    log(`tools/call ${name.padEnd(28)} → ${text}`);
  };
  await call('everything.echo', { message: 'hello through ActPass' });
  if (other) await call(other.name, {});
  const unapproved = tools.find((tool) => tool.name !== 'everything.echo' && tool.name !== other?.name);
  if (unapproved) await call(unapproved.name, {});

  await client.close();
  await proxy.close();
  await gateway.close();
  return summary;
}
