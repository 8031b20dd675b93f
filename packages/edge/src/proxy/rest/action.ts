/**
 * What one proxied request asks to do, in preflight terms: the route's tool, its resource with path
 * parameters filled in, and the args the route takes from the path, the query and the JSON body. The
 * values are the ones the upstream will receive: parameters are decoded once, a repeated query name or
 * a duplicate JSON key is refused (two readers could pick different ones).
 */

import { PROXY_LOGGED_TEXT_MAX_CHARS } from '../../constants.js';
import { sha256Hex } from '../../hash.js';
import { escapeUnsafe } from '../../text/index.js';
import { type ArgSource, type RouteConfig, UNMAPPED_ARG } from './config.js';
import { matchTemplate } from './template.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface RequestParts {
  segments: readonly string[];
  query: string | null;
  contentType: string | null;
  body: Buffer;
  /** The body parsed as strict JSON, when it is JSON (null otherwise). */
  json: Json | undefined;
}

export interface ActionPlan {
  tool: string;
  resource?: string;
  args: Record<string, Json>;
}

export class ActionError extends Error {
  override readonly name = 'ActionError';
}

/** A query or body field the route's args map does not take, on a route without `pass_unmapped`. */
export class UnmappedFieldError extends ActionError {
  constructor(readonly field: string) {
    super(
      `${field} is not one of this route's args, so it cannot be decided; leave it out (or the route may allow it with pass_unmapped: true).`,
    );
  }
}

/** The first route of `routes` matching method and path, with its decoded parameters. */
export function findRoute(
  routes: readonly RouteConfig[],
  method: string,
  segments: readonly string[],
): { route: RouteConfig; params: Record<string, string> } | { allowed: string[] } {
  const allowed: string[] = [];
  for (const route of routes) {
    const raw = matchTemplate(route.path, segments);
    if (raw === null) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw)) {
      const decoded = decodeURIComponent(value);
      if (hasControlCharacter(decoded))
        throw new ActionError(`path parameter ${name} has control characters.`);
      params[name] = decoded;
    }
    return { route, params };
  }
  return { allowed };
}

export function planAction(
  route: RouteConfig,
  params: Record<string, string>,
  parts: RequestParts,
): ActionPlan {
  const query = parseQuery(parts.query);
  const args: Record<string, Json> = {};
  if (route.args === null) {
    Object.assign(args, params);
    if (query.size > 0) args.query = Object.fromEntries(query);
    if (parts.json !== undefined) args.body = parts.json;
    else if (parts.body.length > 0) args.body_sha256 = sha256Hex(parts.body);
  } else {
    for (const [name, source] of Object.entries(route.args)) {
      const value = readSource(source, params, query, parts);
      if (value !== undefined) args[name] = coerce(value, source, name);
    }
    const unmapped = unmappedFields(route.args, query, parts);
    if (unmapped.first !== null) {
      if (!route.passUnmapped) throw new UnmappedFieldError(unmapped.first);
      args[UNMAPPED_ARG] = unmapped.fields;
    }
  }
  const plan: ActionPlan = { tool: route.tool, args };
  if (route.resource !== null) {
    plan.resource = route.resource.replace(/\{([^}]*)\}/g, (_, name: string) => params[name] ?? '');
  }
  return plan;
}

/**
 * What the request carries beyond the args map: query names no `query.<name>` source reads, and the
 * parts of the body no `body…` source covers (a pruned copy). A body the map does not read at all is
 * unmapped whole (by its SHA-256 when it is not JSON).
 */
function unmappedFields(
  map: Record<string, ArgSource>,
  query: Map<string, string>,
  parts: RequestParts,
): { first: string | null; fields: { [key: string]: Json } } {
  const sources = Object.values(map).map((source) => source.from.split('.'));
  const queryNames = new Set(sources.filter(([root]) => root === 'query').map((path) => path[1]));
  const bodyPaths = sources.filter(([root]) => root === 'body').map((path) => path.slice(1));
  const fields: { [key: string]: Json } = {};
  const names: string[] = [];
  const extraQuery: { [key: string]: Json } = {};
  for (const [name, value] of query) {
    if (queryNames.has(name)) continue;
    setOwn(extraQuery, name, value);
    names.push(`query.${shown(name)}`);
  }
  if (Object.keys(extraQuery).length > 0) fields.query = extraQuery;
  if (parts.body.length > 0) {
    if (parts.json === undefined) {
      // Only reachable when no source reads the body: readSource refuses a non-JSON body it must read.
      fields.body_sha256 = sha256Hex(parts.body);
      names.push('body');
    } else {
      const extra = bodyPaths.length === 0 ? parts.json : prune(parts.json, bodyPaths, 'body', names);
      if (extra !== undefined) {
        fields.body = extra;
        if (bodyPaths.length === 0) names.push('body');
      }
    }
  }
  return { first: names[0] ?? null, fields };
}

/** The parts of `value` that none of `paths` (key paths relative to it) reaches; undefined for none. */
function prune(value: Json, paths: string[][], at: string, names: string[]): Json | undefined {
  if (paths.some((path) => path.length === 0)) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    // The map reads fields inside it, but it is not an object: none of it was decided.
    names.push(at);
    return value;
  }
  const out: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    const below = paths.filter((path) => path[0] === key).map((path) => path.slice(1));
    const where = `${at}.${shown(key)}`;
    if (below.length === 0) {
      setOwn(out, key, child);
      names.push(where);
      continue;
    }
    const rest = prune(child, below, where, names);
    if (rest !== undefined) setOwn(out, key, rest);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** An own member even for `__proto__`, which plain assignment would turn into the prototype. */
function setOwn(target: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An agent-supplied name as it may appear in an answer or a log line: short, nothing unsafe raw. */
export function shown(text: string): string {
  const cut =
    text.length > PROXY_LOGGED_TEXT_MAX_CHARS ? `${text.slice(0, PROXY_LOGGED_TEXT_MAX_CHARS)}…` : text;
  return escapeUnsafe(cut);
}

function parseQuery(raw: string | null): Map<string, string> {
  const query = new Map<string, string>();
  if (raw === null || raw === '') return query;
  // Some servers split the query at ";" as well as "&": "amount=1;admin=true" would be one field here
  // and two there, the second undecided.
  if (raw.includes(';'))
    throw new ActionError('a raw ";" in the query is refused (some servers read it as "&"); send it as %3B.');
  for (const [name, value] of new URLSearchParams(raw)) {
    if (query.has(name)) throw new ActionError(`query parameter "${shown(name)}" is repeated; send it once.`);
    query.set(name, value);
  }
  return query;
}

function readSource(
  source: ArgSource,
  params: Record<string, string>,
  query: Map<string, string>,
  parts: RequestParts,
): Json | undefined {
  const [root, ...rest] = source.from.split('.');
  if (root === 'path') return params[rest[0] as string];
  if (root === 'query') return query.get(rest[0] as string);
  if (parts.json === undefined) {
    if (parts.body.length === 0) return undefined;
    throw new ActionError('this route reads the JSON body; send Content-Type: application/json.');
  }
  let value: Json | undefined = parts.json;
  for (const key of rest) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) {
      return undefined;
    }
    value = (value as Record<string, Json>)[key];
  }
  return value;
}

function coerce(value: Json, source: ArgSource, name: string): Json {
  switch (source.type) {
    case 'any':
      return value;
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (
        typeof value === 'string' &&
        /^-?(0|[1-9][0-9]{0,15})$/.test(value) &&
        Number.isSafeInteger(Number(value))
      )
        return Number(value);
      break;
    case 'number':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(value)) return Number(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      break;
  }
  throw new ActionError(
    `argument ${name} (${source.from}) must be ${source.type === 'integer' ? 'an' : 'a'} ${source.type}.`,
  );
}

/** C0 controls and DEL: never valid in a header value or a decoded path parameter. */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
