/**
 * `--list-tools`: asks each MCP server for its tools, so every tool is classified by its own name and
 * annotations rather than the server's package. This is the one step of the scan that starts what a
 * config names, which is why it only runs when asked.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type CatalogTool, type InspectableTool, inspectToolDefinition } from '../inspect/index.js';
import { blankUnsafe } from '../text/controls.js';
import type { ExposureRules } from './rules.js';
import { launchIdentity } from './sources/launch-identity.js';
import type { Agent, McpLaunch, Surface, ToolAnnotations } from './types.js';
import { wildcardMatch } from './wildcard.js';

export interface ListToolsOptions {
  timeoutMs: number;
  rules: ExposureRules;
  /** Called once per server that could not be listed; its server-level surface is kept. */
  onFailure(server: string, reason: string): void;
}

/**
 * Replaces every MCP server surface that answers `tools/list` with one surface per tool, each with
 * what inspecting its definition found (against every other server's tools of the same agent, for
 * descriptions that steer another server's tool).
 */
export async function expandMcpServers(agents: Agent[], options: ListToolsOptions): Promise<Agent[]> {
  const expanded: Agent[] = [];
  for (const agent of agents) {
    const listed = new Map<Surface, ListedTool[]>();
    for (const surface of agent.surfaces) {
      if (surface.kind !== 'mcp-server' || !surface.launch) continue;
      try {
        listed.set(surface, await listTools(surface.launch, options.timeoutMs));
      } catch (error) {
        options.onFailure(
          `${agent.name} ${surface.name}`,
          printable((error as Error).message ?? String(error)),
        );
      }
    }
    const catalog: CatalogTool[] = [...listed].flatMap(([server, tools]) =>
      tools.map((tool) => ({ server: server.name, name: tool.name })),
    );
    const surfaces = agent.surfaces.flatMap((surface) => {
      const tools = listed.get(surface);
      if (!tools) return [surface];
      return tools.map((tool) => ({
        ...toolSurface(surface, tool, options.rules),
        inspection: inspectToolDefinition(tool as InspectableTool, { server: surface.name, catalog }),
      }));
    });
    expanded.push({ ...agent, surfaces });
  }
  return expanded;
}

interface ListedTool {
  name: string;
  annotations?: ToolAnnotations;
  [member: string]: unknown;
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
      tools.push(...page.tools.map((t) => ({ ...t, annotations: t.annotations as ToolAnnotations })));
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
  const identity = server.launch ? launchIdentity(server.launch) : server.name;
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
