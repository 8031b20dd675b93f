/**
 * What a caller may say about its session: `context.session.id`, and, only from an enforcing proxy
 * (a proxy-role key acting for the agent), `context.session.categories` — the flow labels of the call
 * as the proxy's own configuration classifies it. Labels are the gateway's: a request that tries to
 * set `context.session.labels`, or an agent that classifies its own call, is refused, naming the
 * field and the fix, before anything is decided.
 */
import type { JsonObject } from '../policy/index.js';
import { InvalidInputError } from '../store/errors.js';
import { type FlowLabel, isFlowLabel } from './labels.js';

/** Letters, digits and `._:@/+=-`: UUIDs, minted ids and header values, nothing that can split a log line. */
const SESSION_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
/** What only the gateway writes into `context.session`. */
const GATEWAY_FIELDS = ['labels', 'call_labels'] as const;

export interface SessionClaim {
  id: string;
  /** The call's labels as an enforcing proxy classified it; empty from anyone else. */
  categories: FlowLabel[];
  /** Who named the session: `proxy` (an enforcing proxy's own id) or `agent` (asserted by the caller). */
  assertedBy: 'proxy' | 'agent';
}

/**
 * The flow session a request names, or null when it names none. `context.session` may carry the
 * caller's own session memory beside `id` (the coding-agent hook's `secret_read`, `state`), which
 * passes through to policy as it is; a session object without `id` is such memory only.
 */
export function readSessionClaim(context: JsonObject | undefined, viaProxy: boolean): SessionClaim | null {
  const session = context?.session;
  if (session === undefined) return null;
  if (typeof session !== 'object' || session === null || Array.isArray(session))
    refuse('context.session', 'must be an object {id}', 'send {"id": "<your session id>"}');
  const fields = session as JsonObject;
  for (const name of GATEWAY_FIELDS)
    if (name in fields)
      refuse(
        `context.session.${name}`,
        'is set by the gateway from the calls the session made, never by the caller',
        'remove it and send only context.session.id',
      );
  if (fields.categories !== undefined && !viaProxy)
    refuse(
      'context.session.categories',
      'is accepted only from an enforcing proxy; a call is classified by the gateway, never by the agent',
      "remove it, and classify tools in the gateway's flow configuration",
    );
  if (fields.id === undefined) {
    if (fields.categories !== undefined)
      refuse('context.session.id', 'is required with categories', 'send the session id the call belongs to');
    return null;
  }
  const id = fields.id;
  if (typeof id !== 'string' || !SESSION_ID.test(id))
    refuse(
      'context.session.id',
      'must be 1-128 characters of letters, digits and ._:@/+=-',
      'send a session id such as a UUID',
    );
  let categories: FlowLabel[] = [];
  if (fields.categories !== undefined) {
    const list = fields.categories;
    if (!Array.isArray(list) || !list.every(isFlowLabel))
      refuse(
        'context.session.categories',
        'must be a list of private_data, untrusted_content, external_comm',
        'send only those names',
      );
    categories = [...new Set(list as FlowLabel[])];
  }
  return { id: id as string, categories, assertedBy: viaProxy ? 'proxy' : 'agent' };
}

function refuse(path: string, message: string, fix: string): never {
  throw new InvalidInputError(`body.${path}: ${message}; ${fix}.`, [{ path: `body.${path}`, message }]);
}
