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
 *
 * Each server's tool listing is reused until that server says its tools changed
 * (`notifications/tools/list_changed`), its connection stops, or its `cache_ttl_ms` passes; then it is
 * listed again. Only the listing is reused: the entries (definition, hash, approval) are rebuilt from it
 * on every refresh with the approved names read afresh, and every call still sends the definition to
 * the gateway, so a reused listing goes through the same checks as a new one. A listing that fails is
 * not replaced by an older one: that server's tools are left out until it answers again.
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

interface Listed {
  tools: Tool[];
  /** When the listing was asked for (not answered): its age is counted from before the server spoke. */
  at: number;
  /** The server's generation when it was asked: a change notice since makes it stale. */
  generation: number;
}

export class Catalog {
  #entries = new Map<string, CatalogEntry>();
  #refreshing: { run: Promise<{ failed: string[] }>; epoch: number } | null = null;
  readonly #listed = new Map<string, Listed>();
  readonly #generation = new Map<string, number>();
  /** Bumped by every invalidation: a refresh that began before it cannot answer for after it. */
  #epoch = 0;

  constructor(
    private readonly pool: UpstreamPool,
    private readonly fanout: Fanout,
    private readonly approvedNames: () => Promise<Set<string>>,
  ) {}

  /**
   * Lists again every upstream whose listing is missing, stale or past its time to live (concurrently,
   * each bounded), reuses the others', and reads the approved names; a server that fails is left out.
   * Concurrent callers share one refresh, unless a server changed since it began: then they wait for
   * it and run another, so nobody is answered with a listing from before a change they were told of.
   */
  async refresh(): Promise<{ failed: string[] }> {
    for (;;) {
      const current = this.#refreshing;
      if (current && current.epoch === this.#epoch) return current.run;
      if (current) {
        await current.run.catch(() => undefined);
        continue;
      }
      const run = this.#refresh().finally(() => {
        if (this.#refreshing?.run === run) this.#refreshing = null;
      });
      this.#refreshing = { run, epoch: this.#epoch };
      return run;
    }
  }

  /** The server's tools may have changed (it said so, or its connection stopped): list it again. */
  invalidate(server: string): void {
    this.#generation.set(server, (this.#generation.get(server) ?? 0) + 1);
    this.#epoch += 1;
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

  #fresh(server: string, now: number): Listed | undefined {
    const listed = this.#listed.get(server);
    const ttl = this.pool.upstream(server)?.listing.cacheTtlMs ?? 0;
    if (!listed || listed.generation !== (this.#generation.get(server) ?? 0)) return undefined;
    return now - listed.at < ttl ? listed : undefined;
  }

  async #listAgain(due: string[]): Promise<void> {
    if (due.length === 0) return;
    const asked = new Map(due.map((server) => [server, this.#generation.get(server) ?? 0]));
    const at = Date.now();
    const answered = await this.fanout.collect('tools', (server) => this.pool.listTools(server), due);
    for (const server of due) {
      const tools = answered.get(server);
      // A failed listing is not papered over with an older one: the server is left out.
      if (tools) this.#listed.set(server, { tools, at, generation: asked.get(server) as number });
      else this.#listed.delete(server);
    }
  }

  async #refresh(): Promise<{ failed: string[] }> {
    const now = Date.now();
    const due = this.pool.names().filter((server) => !this.#fresh(server, now));
    const [approved] = await Promise.all([this.approvedNames(), this.#listAgain(due)]);
    const entries = new Map<string, CatalogEntry>();
    for (const server of this.pool.names()) {
      // A listing that went stale while this one ran is still what the server said when asked.
      const tools = this.#listed.get(server)?.tools;
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
    return { failed: this.pool.names().filter((server) => !this.#listed.has(server)) };
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
