/**
 * Who wrote each ledger event: the id and roles of the API key whose request caused it,
 * taken from the authenticated key and never from a body. A person signed in through an OpenID
 * provider is recorded the same way, plus `actor: {iss, sub}` (the provider and their subject there),
 * so every approval, denial and policy change names the person, not only their session. Events the gateway writes on its own (the
 * starting policy, at start-up) are written by `{key_id: null, roles: ["gateway"]}`.
 *
 * Placement: the event envelope stays v1 (so every verifier, in every language, keeps working on every
 * chain ever written); the writer is the reserved data member `written_by`, covered by the hash like
 * the rest of `data`. A custom event cannot carry its own `written_by`.
 *
 * Every append in a request's asynchronous scope is stamped, whichever concept made it (decisions,
 * approvals, passports, vault, tools, policies, custom evidence), so a new event type cannot forget
 * it. The writer is captured when `append` is called, before a store batches the event with others.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { JsonObject } from '../policy/types.js';
import type { AppendInput, LedgerEvent } from './event.js';
import type { LedgerStore } from './store.js';

export const WRITTEN_BY = 'written_by';

export interface EventWriter {
  key_id: string | null;
  roles: string[];
  /** A person signed in through an OpenID provider: its issuer and their subject there. */
  actor?: { iss: string; sub: string };
}

export const GATEWAY_WRITER: Readonly<EventWriter> = Object.freeze({ key_id: null, roles: ['gateway'] });

const current = new AsyncLocalStorage<EventWriter>();

/** Runs `task` with every ledger append inside it recorded as written by `writer`. */
export function writingAs<T>(writer: EventWriter, task: () => T): T {
  const { key_id, roles, actor } = writer;
  const stamp: EventWriter = { key_id, roles: [...roles].sort() };
  if (actor) stamp.actor = { iss: actor.iss, sub: actor.sub };
  return current.run(stamp, task);
}

/**
 * The same store, except that `append` stamps `data.written_by`, and so does `appendWithin` (a store's
 * append inside another store's transaction, where it has one); everything else (list, close, repair,
 * …) is the store's own.
 */
export function stampingWriter<S extends LedgerStore>(store: S): S {
  const append = (tenantId: string, input: AppendInput): Promise<LedgerEvent> =>
    store.append(tenantId, stamped(input));
  const within = store as S & {
    appendWithin?: (scope: unknown, tenantId: string, input: AppendInput) => unknown;
  };
  const appendWithin = (scope: unknown, tenantId: string, input: AppendInput): unknown =>
    within.appendWithin?.(scope, tenantId, stamped(input));
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      if (property === 'appendWithin' && typeof within.appendWithin === 'function') return appendWithin;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function stamped(input: AppendInput): AppendInput {
  const data = input?.data;
  // Not an object: left for the store's own input check to refuse.
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return input;
  const writer = current.getStore() ?? GATEWAY_WRITER;
  const written: JsonObject = { key_id: writer.key_id, roles: [...writer.roles] };
  if (writer.actor) written.actor = { iss: writer.actor.iss, sub: writer.actor.sub };
  return { ...input, data: { ...data, [WRITTEN_BY]: written } };
}
