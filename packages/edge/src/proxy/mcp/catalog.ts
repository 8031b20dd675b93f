/**
 * The tools the proxy exposes: every upstream tool as `<server>.<tool>`, with its definition in the
 * gateway's terms (name `mcp.<server>.<tool>`, description, input/output schema, annotations) and
 * whether an admin approved a definition under that name. Drift itself is judged by the gateway,
 * which receives the current definition with every preflight.
 *
 * What the agent sees is exactly what is hashed: the relayed tool is rebuilt from the definition
 * (name, description, inputSchema, outputSchema, annotations). Members outside the definition —
 * `title`, `_meta`, `icons`, `execution` and anything a later MCP version adds — are not relayed, so
 * a change to one of them cannot reach the agent without re-approval. Invisible, tag and bidi
 * characters are removed from every string the agent sees (they can carry instructions no person
 * reviewing the tool would see); the hash, and so the gateway's inspection and hold, keep the
 * definition exactly as the server sent it.
 */
import { canonicalize } from '@actpass/sdk/canonical';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { sha256Hex } from '../../hash.js';
import { stripHidden } from '../../inspect/index.js';
import type { Fanout } from './fanout.js';
import { gatewayToolName, mapToolNames } from './names.js';
import type { UpstreamPool } from './upstreams.js';

export interface ToolDefinition {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  output_schema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface CatalogEntry {
  exposed: string;
  server: string;
  upstreamName: string;
  /** The tool as the agent sees it: only members that are part of the hashed definition. */
  relayed: Tool;
  definition: ToolDefinition;
  /** SHA-256 of the definition's canonical form, as the gateway computes it. */
  hash: string;
  approved: boolean;
}

export class Catalog {
  #entries = new Map<string, CatalogEntry>();
  #refreshing: Promise<{ failed: string[] }> | null = null;

  constructor(
    private readonly pool: UpstreamPool,
    private readonly fanout: Fanout,
    private readonly approvedNames: () => Promise<Set<string>>,
  ) {}

  /**
   * Lists every upstream again (concurrently, each bounded) and reads the approved names; a server
   * that fails is left out. Concurrent callers share one refresh.
   */
  refresh(): Promise<{ failed: string[] }> {
    if (!this.#refreshing) {
      this.#refreshing = this.#refresh().finally(() => {
        this.#refreshing = null;
      });
    }
    return this.#refreshing;
  }

  get(exposed: string): CatalogEntry | undefined {
    return this.#entries.get(exposed);
  }

  entries(): CatalogEntry[] {
    return [...this.#entries.values()];
  }

  /** One hash over every exposed definition: changes when any tool the agent sees changes. */
  fingerprint(): string {
    return sha256Hex(
      canonicalize(this.entries().map((entry) => [entry.exposed, entry.hash, entry.approved])),
    );
  }

  async #refresh(): Promise<{ failed: string[] }> {
    const [approved, listed] = await Promise.all([
      this.approvedNames(),
      this.fanout.collect('tools', (server) => this.pool.listTools(server)),
    ]);
    const entries = new Map<string, CatalogEntry>();
    for (const server of this.pool.names()) {
      const tools = listed.get(server);
      if (!tools) continue;
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      for (const [exposed, upstreamName] of mapToolNames(
        server,
        tools.map((tool) => tool.name),
      )) {
        const definition = toDefinition(exposed, byName.get(upstreamName) as Tool);
        entries.set(exposed, {
          exposed,
          server,
          upstreamName,
          relayed: toRelayed(exposed, definition),
          definition,
          hash: sha256Hex(canonicalize(definition)),
          approved: approved.has(definition.name),
        });
      }
    }
    this.#entries = entries;
    return { failed: this.pool.names().filter((server) => !listed.has(server)) };
  }
}

function toDefinition(exposed: string, tool: Tool): ToolDefinition {
  return {
    name: gatewayToolName(exposed),
    description: tool.description ?? '',
    input_schema: tool.inputSchema as Record<string, unknown>,
    ...(tool.outputSchema ? { output_schema: tool.outputSchema as Record<string, unknown> } : {}),
    ...(tool.annotations ? { annotations: tool.annotations as Record<string, unknown> } : {}),
  };
}

function toRelayed(exposed: string, definition: ToolDefinition): Tool {
  return {
    name: exposed,
    description: stripHidden(definition.description),
    inputSchema: visibleOnly(definition.input_schema) as Tool['inputSchema'],
    ...(definition.output_schema
      ? { outputSchema: visibleOnly(definition.output_schema) as Tool['outputSchema'] }
      : {}),
    ...(definition.annotations
      ? { annotations: visibleOnly(definition.annotations) as Tool['annotations'] }
      : {}),
  };
}

/** A JSON value with hidden characters removed from every string in it, member names included. */
function visibleOnly(value: unknown): unknown {
  if (typeof value === 'string') return stripHidden(value);
  if (Array.isArray(value)) return value.map(visibleOnly);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [stripHidden(key), visibleOnly(inner)]),
    );
  return value;
}
