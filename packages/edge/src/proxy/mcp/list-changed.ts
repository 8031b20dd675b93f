/**
 * Upstream `list_changed` notifications (tools, resources, prompts), relayed: the proxy lists that kind again (tools re-hashed
 * as part of the listing) and tells every connected agent session, but only when what the agent
 * would see actually changed, so an upstream that repeats the notification cannot make the agent
 * re-list in a loop. Stateless HTTP requests have no channel to notify; those agents see the change
 * on their next listing.
 */

import { canonicalize } from '@actpass/sdk/canonical';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { sha256Hex } from '../../hash.js';
import type { McpServerDeps } from './server.js';
import type { ListKind } from './upstreams.js';

export class ListChangedRelay {
  readonly #sessions = new Set<Server>();
  readonly #seen = new Map<ListKind, string>();
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

  /** Resolves once the listing is refreshed and sessions are told (when it changed). */
  async upstreamChanged(kind: ListKind): Promise<void> {
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
