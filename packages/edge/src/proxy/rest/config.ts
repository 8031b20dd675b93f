/**
 * The REST proxy's configuration (SPEC §13), validated as a whole on load: every problem is reported
 * with its path (`upstreams[0].routes[2].path: …`), so one run shows everything to fix.
 */
import {
  PROXY_DEFAULT_HOST,
  PROXY_DEFAULT_PORT,
  PROXY_GATEWAY_MAX_RETRIES,
  PROXY_GATEWAY_TIMEOUT_MS,
  PROXY_KEY_ENV,
  PROXY_REQUEST_MAX_BYTES,
  PROXY_RESPONSE_MAX_BYTES,
  PROXY_SECRET_PLACEHOLDER,
  PROXY_UPSTREAM_TIMEOUT_MS,
} from '../../constants.js';
import { compileTemplate, type PathTemplate } from './template.js';

export type ArgSource = { from: string; type: 'string' | 'integer' | 'number' | 'boolean' | 'any' };

export interface RouteConfig {
  method: string;
  path: PathTemplate;
  tool: string;
  goal: string | null;
  /** `{param}` placeholders filled from path parameters. */
  resource: string | null;
  /** Null: every path parameter, plus `query` and `body` when present. */
  args: Record<string, ArgSource> | null;
}

export interface CredentialInjection {
  name: string;
  header: string;
  template: string;
}

export interface UpstreamConfig {
  name: string;
  baseUrl: URL;
  routes: RouteConfig[];
  credential: CredentialInjection | null;
  timeoutMs: number;
  requestMaxBytes: number;
  responseMaxBytes: number;
  stripHeaders: string[];
}

export interface RestProxyConfig {
  listen: { host: string; port: number };
  /** Host header values accepted; empty means "the address the proxy listens on". */
  allowedHosts: string[];
  gateway: { baseUrl: string | null; apiKeyEnv: string; timeoutMs: number; maxRetries: number };
  upstreams: Map<string, UpstreamConfig>;
}

export class ProxyConfigError extends Error {
  override readonly name = 'ProxyConfigError';
  constructor(readonly problems: string[]) {
    super(`proxy config has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const TOOL = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const HEADER = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const SOURCE = /^(path|query)\.[A-Za-z0-9_-]+$|^body(\.[A-Za-z0-9_-]+)*$/;
const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'any']);
const TOP = new Set(['version', 'listen', 'allowed_hosts', 'gateway', 'upstreams']);
const UPSTREAM_KEYS = new Set([
  'name',
  'base_url',
  'routes',
  'credential',
  'timeouts',
  'limits',
  'strip_headers',
]);
const ROUTE_KEYS = new Set(['method', 'path', 'tool', 'goal', 'resource', 'args']);

type Obj = Record<string, unknown>;

export function parseRestProxyConfig(raw: unknown): RestProxyConfig {
  const problems: string[] = [];
  const at = (path: string, message: string) => problems.push(`${path}: ${message}`);
  if (!isObj(raw)) throw new ProxyConfigError(['(root): must be an object with upstreams']);
  unknownKeys(raw, TOP, '', at);
  if (raw.version !== undefined && raw.version !== 1) at('version', 'must be 1');

  const listen = isObj(raw.listen) ? raw.listen : {};
  if (raw.listen !== undefined && !isObj(raw.listen)) at('listen', 'must be an object {host, port}');
  const host = optString(listen.host, 'listen.host', at) ?? PROXY_DEFAULT_HOST;
  const port = optInt(listen.port, 'listen.port', 0, 65535, at) ?? PROXY_DEFAULT_PORT;

  const allowedHosts: string[] = [];
  if (raw.allowed_hosts !== undefined) {
    if (!Array.isArray(raw.allowed_hosts)) at('allowed_hosts', 'must be a list of host[:port] values');
    else
      raw.allowed_hosts.forEach((value, i) => {
        if (typeof value !== 'string' || !/^[A-Za-z0-9.[\]:-]+$/.test(value))
          at(`allowed_hosts[${i}]`, 'must be a host or host:port');
        else allowedHosts.push(value.toLowerCase());
      });
  }

  const gw = isObj(raw.gateway) ? raw.gateway : {};
  if (raw.gateway !== undefined && !isObj(raw.gateway)) at('gateway', 'must be an object');
  const gatewayUrl = optString(gw.base_url, 'gateway.base_url', at);
  if (gatewayUrl !== undefined && !httpUrl(gatewayUrl)) at('gateway.base_url', 'must be an http(s) URL');
  const gateway = {
    baseUrl: gatewayUrl ?? null,
    apiKeyEnv: optString(gw.api_key_env, 'gateway.api_key_env', at) ?? PROXY_KEY_ENV,
    timeoutMs: optInt(gw.timeout_ms, 'gateway.timeout_ms', 1, 600_000, at) ?? PROXY_GATEWAY_TIMEOUT_MS,
    maxRetries: optInt(gw.max_retries, 'gateway.max_retries', 0, 10, at) ?? PROXY_GATEWAY_MAX_RETRIES,
  };

  const upstreams = new Map<string, UpstreamConfig>();
  if (!Array.isArray(raw.upstreams) || raw.upstreams.length === 0) {
    at('upstreams', 'must be a non-empty list');
  } else {
    raw.upstreams.forEach((value, i) => {
      const upstream = parseUpstream(value, `upstreams[${i}]`, at);
      if (!upstream) return;
      if (upstreams.has(upstream.name)) at(`upstreams[${i}].name`, `"${upstream.name}" is used twice`);
      upstreams.set(upstream.name, upstream);
    });
  }
  if (problems.length > 0) throw new ProxyConfigError(problems);
  return { listen: { host, port }, allowedHosts, gateway, upstreams };
}

function parseUpstream(
  value: unknown,
  path: string,
  at: (path: string, message: string) => void,
): UpstreamConfig | null {
  if (!isObj(value)) {
    at(path, 'must be an object {name, base_url, routes}');
    return null;
  }
  unknownKeys(value, UPSTREAM_KEYS, `${path}.`, at);
  const name = typeof value.name === 'string' ? value.name : '';
  if (!NAME.test(name)) at(`${path}.name`, 'must be 1-63 characters of a-z, 0-9, "_" or "-"');
  let baseUrl: URL | null = null;
  if (typeof value.base_url !== 'string' || !httpUrl(value.base_url)) {
    at(`${path}.base_url`, 'must be an http(s) URL');
  } else {
    baseUrl = new URL(value.base_url);
    if (baseUrl.username || baseUrl.password)
      at(`${path}.base_url`, 'must not carry credentials; use credential');
    if (baseUrl.search || baseUrl.hash) at(`${path}.base_url`, 'must not have a query or fragment');
  }
  const credential = parseCredential(value.credential, `${path}.credential`, at);
  const timeouts = isObj(value.timeouts) ? value.timeouts : {};
  if (value.timeouts !== undefined && !isObj(value.timeouts)) at(`${path}.timeouts`, 'must be an object');
  unknownKeys(timeouts, new Set(['total_ms']), `${path}.timeouts.`, at);
  const limits = isObj(value.limits) ? value.limits : {};
  if (value.limits !== undefined && !isObj(value.limits)) at(`${path}.limits`, 'must be an object');
  unknownKeys(limits, new Set(['request_bytes', 'response_bytes']), `${path}.limits.`, at);
  const stripHeaders: string[] = [];
  if (value.strip_headers !== undefined) {
    if (!Array.isArray(value.strip_headers)) at(`${path}.strip_headers`, 'must be a list of header names');
    else
      value.strip_headers.forEach((header, i) => {
        if (typeof header !== 'string' || !HEADER.test(header.toLowerCase()))
          at(`${path}.strip_headers[${i}]`, 'must be a header name');
        else stripHeaders.push(header.toLowerCase());
      });
  }
  const routes: RouteConfig[] = [];
  if (!Array.isArray(value.routes) || value.routes.length === 0) {
    at(`${path}.routes`, 'must be a non-empty list; nothing is forwarded without a route');
  } else {
    value.routes.forEach((route, i) => {
      const parsed = parseRoute(route, `${path}.routes[${i}]`, at);
      if (parsed) routes.push(parsed);
    });
  }
  const timeoutMs =
    optInt(timeouts.total_ms, `${path}.timeouts.total_ms`, 1, 600_000, at) ?? PROXY_UPSTREAM_TIMEOUT_MS;
  const requestMaxBytes =
    optInt(limits.request_bytes, `${path}.limits.request_bytes`, 0, 2 ** 31, at) ?? PROXY_REQUEST_MAX_BYTES;
  const responseMaxBytes =
    optInt(limits.response_bytes, `${path}.limits.response_bytes`, 0, 2 ** 31, at) ??
    PROXY_RESPONSE_MAX_BYTES;
  if (!baseUrl) return null;
  return { name, baseUrl, routes, credential, timeoutMs, requestMaxBytes, responseMaxBytes, stripHeaders };
}

function parseCredential(
  value: unknown,
  path: string,
  at: (path: string, message: string) => void,
): CredentialInjection | null {
  if (value === undefined || value === null) return null;
  if (!isObj(value)) {
    at(path, 'must be an object {name, header, template}');
    return null;
  }
  unknownKeys(value, new Set(['name', 'header', 'template']), `${path}.`, at);
  const name = typeof value.name === 'string' ? value.name : '';
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(name)) at(`${path}.name`, 'must name a vault credential');
  const header = typeof value.header === 'string' ? value.header.toLowerCase() : 'authorization';
  if (value.header !== undefined && !HEADER.test(header)) at(`${path}.header`, 'must be a header name');
  const template = typeof value.template === 'string' ? value.template : `Bearer ${PROXY_SECRET_PLACEHOLDER}`;
  if (value.template !== undefined && typeof value.template !== 'string')
    at(`${path}.template`, 'must be a string');
  if (template.split(PROXY_SECRET_PLACEHOLDER).length !== 2 || /[\r\n]/.test(template)) {
    at(`${path}.template`, `must contain ${PROXY_SECRET_PLACEHOLDER} exactly once and no line breaks`);
  }
  return { name, header, template };
}

function parseRoute(
  value: unknown,
  path: string,
  at: (path: string, message: string) => void,
): RouteConfig | null {
  if (!isObj(value)) {
    at(path, 'must be an object {method, path, tool}');
    return null;
  }
  unknownKeys(value, ROUTE_KEYS, `${path}.`, at);
  const method = typeof value.method === 'string' ? value.method.toUpperCase() : '';
  if (!METHODS.has(method)) at(`${path}.method`, `must be one of ${[...METHODS].join(', ')}`);
  let template: PathTemplate | null = null;
  if (typeof value.path !== 'string') at(`${path}.path`, 'must be a path template like /refunds/{charge}');
  else {
    const compiled = compileTemplate(value.path);
    if (typeof compiled === 'string') at(`${path}.path`, compiled);
    else template = compiled;
  }
  const tool = typeof value.tool === 'string' ? value.tool : '';
  if (!TOOL.test(tool) || tool.length > 256)
    at(`${path}.tool`, 'must be a tool name: dot-separated segments of A-Z, a-z, 0-9, "_" or "-"');
  const goal = optString(value.goal, `${path}.goal`, at) ?? null;
  const resource = optString(value.resource, `${path}.resource`, at) ?? null;
  if (resource !== null && template) {
    for (const [, name] of resource.matchAll(/\{([^}]*)\}/g)) {
      if (!template.params.includes(name as string))
        at(`${path}.resource`, `{${name}} is not a parameter of the path template`);
    }
  }
  let args: Record<string, ArgSource> | null = null;
  if (value.args !== undefined) {
    if (!isObj(value.args))
      at(`${path}.args`, 'must map argument names to sources (path.x, query.x, body.x)');
    else {
      args = {};
      for (const [name, spec] of Object.entries(value.args)) {
        const source = parseArgSource(spec, `${path}.args.${name}`, at);
        if (!source) continue;
        const param = /^path\.(.+)$/.exec(source.from)?.[1];
        if (param !== undefined && template && !template.params.includes(param))
          at(`${path}.args.${name}`, `path.${param} is not a parameter of the path template`);
        args[name] = source;
      }
    }
  }
  if (!template) return null;
  return { method, path: template, tool, goal, resource, args };
}

function parseArgSource(
  spec: unknown,
  path: string,
  at: (path: string, message: string) => void,
): ArgSource | null {
  const raw = typeof spec === 'string' ? { from: spec } : spec;
  if (!isObj(raw) || typeof raw.from !== 'string' || !SOURCE.test(raw.from)) {
    at(path, 'must be "path.<name>", "query.<name>", "body" or "body.<field>", or {from, type}');
    return null;
  }
  const type = raw.type ?? 'any';
  if (typeof type !== 'string' || !TYPES.has(type)) {
    at(`${path}.type`, `must be one of ${[...TYPES].join(', ')}`);
    return null;
  }
  return { from: raw.from, type: type as ArgSource['type'] };
}

function unknownKeys(
  value: Obj,
  known: Set<string>,
  prefix: string,
  at: (path: string, message: string) => void,
): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) at(`${prefix}${key}`, `unknown field; expected one of ${[...known].join(', ')}`);
  }
}

function optString(value: unknown, path: string, at: (p: string, m: string) => void): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    at(path, 'must be a non-empty string');
    return undefined;
  }
  return value;
}

function optInt(
  value: unknown,
  path: string,
  min: number,
  max: number,
  at: (p: string, m: string) => void,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    at(path, `must be an integer from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

function httpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
