/**
 * Connections to the upstream MCP servers, through the official SDK's client: stdio servers are
 * launched as child processes, Streamable HTTP servers are called at their configured URL (redirects
 * are errors). Only the proxy holds these connections; the agent never learns where they are.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpUpstream } from './config.js';

const CLIENT_INFO = { name: 'actpass-mcp-proxy', version: '1' };

export class UpstreamPool {
  readonly #clients = new Map<string, Promise<Client>>();

  constructor(private readonly servers: readonly McpUpstream[]) {}

  names(): string[] {
    return this.servers.map((server) => server.name);
  }

  async listTools(server: string): Promise<Tool[]> {
    const client = await this.#client(server);
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {});
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  async callTool(server: string, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const client = await this.#client(server);
    return (await client.callTool({ name, arguments: args })) as CallToolResult;
  }

  async close(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(
      clients.map(async (pending) => (await pending.catch(() => null))?.close().catch(() => undefined)),
    );
  }

  #client(name: string): Promise<Client> {
    let pending = this.#clients.get(name);
    if (!pending) {
      const server = this.servers.find((candidate) => candidate.name === name);
      if (!server) return Promise.reject(new Error(`no upstream MCP server named ${name}`));
      pending = connect(server);
      // A failed connection is retried on the next use rather than remembered.
      pending.catch(() => this.#clients.delete(name));
      this.#clients.set(name, pending);
    }
    return pending;
  }
}

async function connect(server: McpUpstream): Promise<Client> {
  const transport: Transport =
    server.kind === 'stdio'
      ? new StdioClientTransport({
          command: server.command,
          args: server.args,
          env: { ...getDefaultEnvironment(), ...server.env },
          ...(server.cwd ? { cwd: server.cwd } : {}),
          stderr: 'ignore',
        })
      : new StreamableHTTPClientTransport(server.url, {
          requestInit: { headers: server.headers, redirect: 'error' },
        });
  const client = new Client(CLIENT_INFO);
  await client.connect(transport);
  return client;
}
