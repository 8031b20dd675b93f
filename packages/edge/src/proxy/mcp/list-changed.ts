/**
 * Upstream `list_changed` notifications (tools, resources, prompts), relayed: the proxy lists that
 * kind again (tools re-hashed as part of the listing) and tells every connected agent session, but
 * only when what the agent would see actually changed, so an upstream that repeats the notification
 * cannot make the agent re-list in a loop. Notifications that arrive while a re-listing runs are
 * folded into one more, at most once per `MCP_LIST_CHANGED_MIN_INTERVAL_MS`, so a flood cannot keep
 * every upstream busy listing. Streamable HTTP sessions are told on their GET stream when they hold
 * one open; a session without one sees the change on its next listing.
 */

import { canonicalize } from '@actpass/sdk/canonical';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { MCP_LIST_CHANGED_MIN_INTERVAL_MS } from '../../constants.js';
import { sha256Hex } from '../../hash.js';
import type { McpServerDeps } from './server.js';
import type { ListKind } from './upstreams.js';

export class ListChangedRelay {
  readonly #sessions = new Set<Server>();
  readonly #seen = new Map<ListKind, string>();
  readonly #running = new Map<ListKind, Promise<void>>();
  readonly #again = new Set<ListKind>();
  #deps: McpServerDeps | null = null;

  constructor(private readonly warn: (message: string) => void) {}

  bind(deps: McpServerDeps): void {
    this.#deps = deps;
  }

  add(session: Server): void {
    this.#sessions.add(session);
  }

  remove(session: Server): void {
    this.#sessions.delete(session);
  }

  /** Resolves once the listing is refreshed and sessions are told (when it changed). Never rejects. */
  upstreamChanged(kind: ListKind): Promise<void> {
    const running = this.#running.get(kind);
    if (running) {
      this.#again.add(kind);
      return running;
    }
    const run = (async () => {
      do {
        this.#again.delete(kind);
        await this.#relay(kind).catch((error: Error) =>
          this.warn(`could not relay a ${kind} change: ${error.message}`),
        );
        if (this.#again.has(kind))
          await new Promise((resolve) => setTimeout(resolve, MCP_LIST_CHANGED_MIN_INTERVAL_MS));
      } while (this.#again.has(kind));
    })().finally(() => this.#running.delete(kind));
    this.#running.set(kind, run);
    return run;
  }

  async #relay(kind: ListKind): Promise<void> {
    const deps = this.#deps;
    if (!deps) return;
    const before = this.#seen.get(kind) ?? (await this.#fingerprint(deps, kind, false));
    const after = await this.#fingerprint(deps, kind, true);
    this.#seen.set(kind, after);
    if (before === after) return;
    for (const session of this.#sessions) {
      const send =
        kind === 'tools'
          ? session.sendToolListChanged()
          : kind === 'resources'
            ? session.sendResourceListChanged()
            : session.sendPromptListChanged();
      await send.catch((error: Error) =>
        this.warn(`could not tell an agent session that ${kind} changed: ${error.message}`),
      );
    }
  }

  async #fingerprint(deps: McpServerDeps, kind: ListKind, refresh: boolean): Promise<string> {
    if (kind === 'tools') {
      if (refresh) await deps.catalog.refresh();
      return deps.catalog.fingerprint();
    }
    if (kind === 'resources') {
      if (refresh) await deps.surfaces.refreshResources();
      return sha256Hex(canonicalize([deps.surfaces.resources(), deps.surfaces.templates()] as never));
    }
    if (refresh) await deps.surfaces.refreshPrompts();
    return sha256Hex(canonicalize(deps.surfaces.prompts() as never));
  }
}
