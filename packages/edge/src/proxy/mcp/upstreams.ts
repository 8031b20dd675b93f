/**
 * Connections to the upstream MCP servers, through the official SDK's client: stdio servers are
 * launched as child processes, Streamable HTTP servers are called at their configured URL (redirects
 * are errors). Only the proxy holds these connections; the agent never learns where they are.
 *
 * A connection that closes while the proxy is running is a crash: the next use reconnects (for stdio,
 * relaunches) after a backoff that doubles with each crash in a row, and after too many crashes with
 * nothing answered in between the server is given up on for a cooldown, so a crash loop costs a
 * bounded number of launches. Listings are bounded (pages, items, bytes, one deadline) and every
 * request has a timeout.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  type GetPromptResult,
  type Prompt,
  PromptListChangedNotificationSchema,
  type ReadResourceResult,
  type Resource,
  ResourceListChangedNotificationSchema,
  type ResourceTemplate,
  type Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_UPSTREAM_CALL_TIMEOUT_MS } from '../../constants.js';
import type { McpUpstream } from './config.js';
import type { RestartPolicy } from './config-fields.js';
import { ListingError, listBounded, type Page, StillStarting, withDeadline } from './listing.js';

const CLIENT_INFO = { name: 'actpass-mcp-proxy', version: '1' };

export type ListKind = 'tools' | 'resources' | 'prompts';

export interface UpstreamEvents {
  /** An upstream said its tools, resources or prompts changed. */
  listChanged(server: string, kind: ListKind): void;
  /** A connection to an upstream ended (crashed, or failed to start): what it listed may be gone. */
  stopped(server: string): void;
  warn(message: string): void;
}

interface Health {
  /** Crashes in a row with nothing answered in between. */
  crashes: number;
  /** No (re)connection before this time. */
  notBefore: number;
  givenUp: boolean;
}

export class UpstreamPool {
  readonly #clients = new Map<string, Promise<Client>>();
  readonly #health = new Map<string, Health>();
  readonly #servers: ReadonlyMap<string, McpUpstream>;
  #closing = false;
  /** Processes launched per server, for the crash-loop bound and its tests. */
  readonly launches = new Map<string, number>();
  /** Tool listings asked of each server, for the catalog cache and its tests. */
  readonly toolListings = new Map<string, number>();

  constructor(
    servers: readonly McpUpstream[],
    private readonly restart: RestartPolicy,
    private readonly events: UpstreamEvents,
  ) {
    this.#servers = new Map(servers.map((server) => [server.name, server]));
  }

  names(): string[] {
    return [...this.#servers.keys()];
  }

  upstream(name: string): McpUpstream | undefined {
    return this.#servers.get(name);
  }

  listTools(server: string): Promise<Tool[]> {
    this.toolListings.set(server, (this.toolListings.get(server) ?? 0) + 1);
    return this.#list(server, null, (client, cursor, timeout) =>
      client.listTools(cursor ? { cursor } : {}, { timeout }).then((page) => paged(page.tools, page)),
    );
  }

  listResources(server: string): Promise<Resource[]> {
    return this.#list(server, 'resources', (client, cursor, timeout) =>
      client.listResources(cursor ? { cursor } : {}, { timeout }).then((page) => paged(page.resources, page)),
    );
  }

  listResourceTemplates(server: string): Promise<ResourceTemplate[]> {
    return this.#list(server, 'resources', (client, cursor, timeout) =>
      client
        .listResourceTemplates(cursor ? { cursor } : {}, { timeout })
        .then((page) => paged(page.resourceTemplates, page)),
    );
  }

  listPrompts(server: string): Promise<Prompt[]> {
    return this.#list(server, 'prompts', (client, cursor, timeout) =>
      client.listPrompts(cursor ? { cursor } : {}, { timeout }).then((page) => paged(page.prompts, page)),
    );
  }

  callTool(server: string, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    return this.#request(
      server,
      (client) =>
        client.callTool({ name, arguments: args }, undefined, {
          timeout: MCP_UPSTREAM_CALL_TIMEOUT_MS,
        }) as Promise<CallToolResult>,
    );
  }

  readResource(server: string, uri: string): Promise<ReadResourceResult> {
    return this.#request(server, (client) =>
      client.readResource({ uri }, { timeout: MCP_UPSTREAM_CALL_TIMEOUT_MS }),
    );
  }

  getPrompt(
    server: string,
    name: string,
    args: Record<string, string> | undefined,
  ): Promise<GetPromptResult> {
    return this.#request(server, (client) =>
      client.getPrompt(
        { name, ...(args ? { arguments: args } : {}) },
        { timeout: MCP_UPSTREAM_CALL_TIMEOUT_MS },
      ),
    );
  }

  async close(): Promise<void> {
    this.#closing = true;
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(
      clients.map(async (pending) => (await pending.catch(() => null))?.close().catch(() => undefined)),
    );
  }

  /** A bounded listing; `capability` null means every server has it (tools are the point of MCP). */
  async #list<T>(
    server: string,
    capability: 'resources' | 'prompts' | null,
    fetch: (client: Client, cursor: string | undefined, timeoutMs: number) => Promise<Page<T>>,
  ): Promise<T[]> {
    const upstream = this.#servers.get(server);
    if (!upstream) throw new Error(`no upstream MCP server named ${server}`);
    const deadline = Date.now() + upstream.listing.timeoutMs;
    const client = await withDeadline(this.#client(server), deadline).catch((error: unknown) => {
      // The start has its own, longer timeout and goes on; only a start that fails is a failure.
      throw error instanceof ListingError ? new StillStarting('the server is still starting') : error;
    });
    if (capability !== null && !client.getServerCapabilities()?.[capability]) return [];
    const items = await listBounded(
      (cursor, timeout) => fetch(client, cursor, timeout),
      upstream.listing,
      deadline,
    );
    this.#answered(server);
    return items;
  }

  async #request<T>(server: string, send: (client: Client) => Promise<T>): Promise<T> {
    const result = await send(await this.#client(server));
    this.#answered(server);
    return result;
  }

  #client(name: string): Promise<Client> {
    let pending = this.#clients.get(name);
    if (!pending) {
      const server = this.#servers.get(name);
      if (!server) return Promise.reject(new Error(`no upstream MCP server named ${name}`));
      pending = this.#connect(server);
      // A failed connection counts as a crash and is retried, after the backoff, on a later use.
      pending.catch(() => {
        if (this.#clients.get(name) === pending) this.#clients.delete(name);
      });
      this.#clients.set(name, pending);
    }
    return pending;
  }

  async #connect(server: McpUpstream): Promise<Client> {
    const health = this.#healthOf(server.name);
    const now = Date.now();
    if (health.givenUp) {
      if (now < health.notBefore) {
        throw new Error(
          `upstream ${server.name} crashed ${health.crashes} times in a row; not restarted before ${new Date(health.notBefore).toISOString()}`,
        );
      }
      health.givenUp = false;
    } else if (now < health.notBefore) {
      await new Promise((resolve) => setTimeout(resolve, health.notBefore - now));
    }
    if (this.#closing) throw new Error('the proxy is closing');
    this.launches.set(server.name, (this.launches.get(server.name) ?? 0) + 1);
    const client = new Client(CLIENT_INFO);
    const forward = (kind: ListKind) => () => this.events.listChanged(server.name, kind);
    client.setNotificationHandler(ToolListChangedNotificationSchema, forward('tools'));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, forward('resources'));
    client.setNotificationHandler(PromptListChangedNotificationSchema, forward('prompts'));
    let settled = false;
    client.onclose = () => {
      if (settled) this.#crashed(server.name, client);
    };
    try {
      await client.connect(transportFor(server), { timeout: server.listing.startTimeoutMs });
    } catch (error) {
      this.#recordCrash(server.name);
      await client.close().catch(() => undefined);
      throw error;
    }
    settled = true;
    return client;
  }

  #crashed(name: string, client: Client): void {
    if (this.#closing) return;
    const pending = this.#clients.get(name);
    if (pending) {
      void pending.then(
        (current) => {
          if (current === client && this.#clients.get(name) === pending) this.#clients.delete(name);
        },
        () => undefined,
      );
    }
    this.#recordCrash(name);
  }

  #recordCrash(name: string): void {
    if (this.#closing) return;
    this.events.stopped(name);
    const health = this.#healthOf(name);
    health.crashes += 1;
    const now = Date.now();
    if (health.crashes >= this.restart.maxConsecutive) {
      health.givenUp = true;
      health.notBefore = now + this.restart.cooldownMs;
      this.events.warn(
        `MCP upstream "${name}" crashed ${health.crashes} times in a row; not restarting it for ${this.restart.cooldownMs} ms`,
      );
      return;
    }
    const backoff = Math.min(
      this.restart.firstBackoffMs * 2 ** (health.crashes - 1),
      this.restart.maxBackoffMs,
    );
    health.notBefore = now + backoff;
    this.events.warn(`MCP upstream "${name}" stopped; restarting it on next use after ${backoff} ms`);
  }

  #answered(name: string): void {
    const health = this.#healthOf(name);
    health.crashes = 0;
    health.givenUp = false;
  }

  #healthOf(name: string): Health {
    let health = this.#health.get(name);
    if (!health) {
      health = { crashes: 0, notBefore: 0, givenUp: false };
      this.#health.set(name, health);
    }
    return health;
  }
}

function paged<T>(items: T[], page: { nextCursor?: string | undefined }): Page<T> {
  return { items, nextCursor: page.nextCursor };
}

function transportFor(server: McpUpstream): Transport {
  return server.kind === 'stdio'
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
}
