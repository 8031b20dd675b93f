/**
 * The tools the proxy exposes: every upstream tool as `<server>.<tool>`, with its definition in the
 * gateway's terms (SPEC §8: name `mcp.<server>.<tool>`, description, input/output schema, annotations)
 * and whether an admin approved a definition under that name. Drift itself is judged by the gateway,
 * which receives the current definition with every preflight.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { gatewayToolName, mapToolNames } from './names.js';
import type { UpstreamPool } from './upstreams.js';

export interface CatalogEntry {
  exposed: string;
  server: string;
  upstreamName: string;
  tool: Tool;
  definition: {
    name: string;
    description: string;
    input_schema: Record<string, unknown>;
    output_schema?: Record<string, unknown>;
    annotations?: Record<string, unknown>;
  };
  approved: boolean;
}

export class Catalog {
  #entries = new Map<string, CatalogEntry>();

  constructor(
    private readonly pool: UpstreamPool,
    private readonly approvedNames: () => Promise<Set<string>>,
  ) {}

  /** Lists every upstream again and reads the approved names; a server that fails is left out. */
  async refresh(): Promise<{ failed: string[] }> {
    const approved = await this.approvedNames();
    const entries = new Map<string, CatalogEntry>();
    const failed: string[] = [];
    for (const server of this.pool.names()) {
      let tools: Tool[];
      try {
        tools = await this.pool.listTools(server);
      } catch {
        failed.push(server);
        continue;
      }
      const names = mapToolNames(
        server,
        tools.map((tool) => tool.name),
      );
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      for (const [exposed, upstreamName] of names) {
        const tool = byName.get(upstreamName) as Tool;
        const definition: CatalogEntry['definition'] = {
          name: gatewayToolName(exposed),
          description: tool.description ?? '',
          input_schema: tool.inputSchema as Record<string, unknown>,
          ...(tool.outputSchema ? { output_schema: tool.outputSchema as Record<string, unknown> } : {}),
          ...(tool.annotations ? { annotations: tool.annotations as Record<string, unknown> } : {}),
        };
        entries.set(exposed, {
          exposed,
          server,
          upstreamName,
          tool,
          definition,
          approved: approved.has(definition.name),
        });
      }
    }
    this.#entries = entries;
    return { failed };
  }

  get(exposed: string): CatalogEntry | undefined {
    return this.#entries.get(exposed);
  }

  entries(): CatalogEntry[] {
    return [...this.#entries.values()];
  }
}
