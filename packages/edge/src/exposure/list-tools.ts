/**
 * `--list-tools`: asks each MCP server for its tools, so every tool is classified by its own name and
 * annotations rather than the server's package. This is the one step of the scan that starts what a
 * config names, which is why it only runs when asked.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { blankUnsafe } from '../text/controls.js';
import type { ExposureRules } from './rules.js';
import type { Agent, McpLaunch, Surface, ToolAnnotations } from './types.js';
import { wildcardMatch } from './wildcard.js';

export interface ListToolsOptions {
  timeoutMs: number;
  rules: ExposureRules;
  /** Called once per server that could not be listed; its server-level surface is kept. */
  onFailure(server: string, reason: string): void;
}

/** Replaces every MCP server surface that answers `tools/list` with one surface per tool. */
export async function expandMcpServers(agents: Agent[], options: ListToolsOptions): Promise<Agent[]> {
  const expanded: Agent[] = [];
  for (const agent of agents) {
    const surfaces: Surface[] = [];
    for (const surface of agent.surfaces) {
      if (surface.kind !== 'mcp-server' || !surface.launch) {
        surfaces.push(surface);
        continue;
      }
      try {
        const tools = await listTools(surface.launch, options.timeoutMs);
        surfaces.push(...tools.map((tool) => toolSurface(surface, tool, options.rules)));
      } catch (error) {
        options.onFailure(
          `${agent.name} ${surface.name}`,
          printable((error as Error).message ?? String(error)),
        );
        surfaces.push(surface);
      }
    }
    expanded.push({ ...agent, surfaces });
  }
  return expanded;
}

interface ListedTool {
  name: string;
  annotations?: ToolAnnotations;
}

async function listTools(launch: McpLaunch, timeoutMs: number): Promise<ListedTool[]> {
  const client = new Client({ name: 'actpass-exposure', version: '1' });
  const transport: Transport =
    launch.transport === 'stdio'
      ? new StdioClientTransport({
          command: launch.command,
          args: launch.args,
          env: { ...getDefaultEnvironment(), ...launch.env },
          stderr: 'ignore',
        })
      : new StreamableHTTPClientTransport(new URL(launch.url), {
          requestInit: { headers: launch.headers, redirect: 'error' },
        });
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    await client.connect(transport, { signal: deadline, timeout: timeoutMs });
    const tools: ListedTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { signal: deadline, timeout: timeoutMs });
      tools.push(...page.tools.map((t) => ({ name: t.name, annotations: t.annotations as ToolAnnotations })));
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function toolSurface(server: Surface, tool: ListedTool, rules: ExposureRules): Surface {
  // A tool's own name decides first; a tool whose name says nothing inherits what its server can do.
  const byName = rules.tool_names
    .filter((r) => wildcardMatch(r.match, tool.name))
    .flatMap((r) => r.capabilities);
  const identity =
    server.launch?.transport === 'stdio'
      ? [server.launch.command, ...server.launch.args].join(' ')
      : (server.launch?.url ?? server.name);
  const byServer = rules.mcp_servers
    .filter((r) => wildcardMatch(r.match, identity))
    .flatMap((r) => r.capabilities);
  const surface: Surface = {
    kind: 'mcp-tool',
    name: `${server.name}.${tool.name}`,
    source: server.source,
    capabilities: [...new Set(byName.length > 0 ? byName : byServer)],
    gate: server.gate,
    ownCredentials: server.ownCredentials,
  };
  if (tool.annotations) surface.annotations = tool.annotations;
  return surface;
}

/** An error can quote a URL with a token in its query, or a server's bytes: keep neither. */
function printable(reason: string): string {
  return blankUnsafe(reason.replace(/(https?:\/\/[^\s?#]+)[?#]\S*/g, '$1')).slice(0, 300);
}
