/**
 * The REST proxy's configuration, validated as a whole on load: every problem is reported
 * with its path (`upstreams[0].routes[2].path: …`), so one run shows everything to fix.
 */

import {
  PROXY_AGENT_KEY_BURST,
  PROXY_AGENT_KEY_PER_MINUTE,
  PROXY_DEFAULT_HOST,
  PROXY_DEFAULT_PORT,
  PROXY_FAILED_AUTH_BURST,
  PROXY_FAILED_AUTH_PER_MINUTE,
  PROXY_GATEWAY_MAX_RETRIES,
  PROXY_GATEWAY_TIMEOUT_MS,
  PROXY_KEY_ENV,
  PROXY_REQUEST_MAX_BYTES,
  PROXY_RESPONSE_MAX_BYTES,
  PROXY_SECRET_PLACEHOLDER,
  PROXY_UPSTREAM_TIMEOUT_MS,
} from '../../constants.js';
import { type FilterSettings, parseFilterSettings } from '../../filter/index.js';
import type { FlowLabel } from '../../flow/index.js';
import { httpUrl, isObj, optInt, optString, unknownKeys } from './config-fields.js';
import { parseRoute } from './config-route.js';
import type { PathTemplate } from './template.js';

export { UNMAPPED_ARG } from './config-route.js';

export type ArgSource = { from: string; type: 'string' | 'integer' | 'number' | 'boolean' | 'any' };

export interface RouteConfig {
  method: string;
  path: PathTemplate;
  tool: string;
  goal: string | null;
  /** The user the call is made for, when the route names one. */
  userId: string | null;
  /** Which of the agent's `x-actpass-goal` / `x-actpass-user-id` headers this route takes. */
  agentMaySet: { goal: boolean; userId: boolean };
  /** `{param}` placeholders filled from path parameters. */
  resource: string | null;
  /**
   * Null: every path parameter, plus `query` and `body` when present. Otherwise the map, to which
   * every path parameter the map and the resource leave out is added under its own name (the path is
   * always decided).
   */
  args: Record<string, ArgSource> | null;
  /** With an args map: unmapped query and body fields become `args.unmapped` instead of a 400. */
  passUnmapped: boolean;
  /** What a call through this route reads or sends, for flow control (`private_data`, …). */
  flow: FlowLabel[];
}

/** A token bucket: `burst` calls at once, refilled at `perMinute`. */
export interface RateLimit {
  perMinute: number;
  burst: number;
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
  /** Credential formats redacted from text-like answers; null (`filter: false`): none. */
  filter: FilterSettings | null;
}

export interface RestProxyConfig {
  listen: { host: string; port: number };
  /** Host header values accepted; empty means "the address the proxy listens on". */
  allowedHosts: string[];
  gateway: { baseUrl: string | null; apiKeyEnv: string; timeoutMs: number; maxRetries: number };
  upstreams: Map<string, UpstreamConfig>;
  rateLimits: { perAgentKey: RateLimit; failedAuthPerClient: RateLimit };
  /** Serve Envoy-style ext_authz checks under this path prefix (e.g. `/ext_authz`); null: off. */
  extAuthz: { pathPrefix: string } | null;
}

export class ProxyConfigError extends Error {
  override readonly name = 'ProxyConfigError';
  constructor(readonly problems: string[]) {
    super(`proxy config has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const HEADER = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const TOP = new Set([
  'version',
  'listen',
  'allowed_hosts',
  'gateway',
  'rate_limits',
  'upstreams',
  'ext_authz',
]);
const UPSTREAM_KEYS = new Set([
  'name',
  'base_url',
  'routes',
  'credential',
  'timeouts',
  'limits',
  'strip_headers',
  'filter',
]);

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
  const rateLimits = parseRateLimits(raw.rate_limits, at);
  const extAuthz = parseExtAuthz(raw.ext_authz, upstreams, at);
  if (problems.length > 0) throw new ProxyConfigError(problems);
  return { listen: { host, port }, allowedHosts, gateway, upstreams, rateLimits, extAuthz };
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
  const filter = parseFilterSettings(value.filter, `${path}.filter`, ['patterns'], at);
  if (!baseUrl) return null;
  return {
    name,
    baseUrl,
    routes,
    credential,
    timeoutMs,
    requestMaxBytes,
    responseMaxBytes,
    stripHeaders,
    filter,
  };
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

function parseRateLimits(
  value: unknown,
  at: (path: string, message: string) => void,
): RestProxyConfig['rateLimits'] {
  const limits = isObj(value) ? value : {};
  if (value !== undefined && !isObj(value))
    at('rate_limits', 'must be an object {per_agent_key, failed_auth_per_client}');
  unknownKeys(limits, new Set(['per_agent_key', 'failed_auth_per_client']), 'rate_limits.', at);
  const bucket = (key: string, perMinute: number, burst: number): RateLimit => {
    const raw = limits[key];
    const spec = isObj(raw) ? raw : {};
    if (raw !== undefined && !isObj(raw)) at(`rate_limits.${key}`, 'must be an object {per_minute, burst}');
    unknownKeys(spec, new Set(['per_minute', 'burst']), `rate_limits.${key}.`, at);
    return {
      perMinute: optInt(spec.per_minute, `rate_limits.${key}.per_minute`, 1, 6_000_000, at) ?? perMinute,
      burst: optInt(spec.burst, `rate_limits.${key}.burst`, 1, 1_000_000, at) ?? burst,
    };
  };
  return {
    perAgentKey: bucket('per_agent_key', PROXY_AGENT_KEY_PER_MINUTE, PROXY_AGENT_KEY_BURST),
    failedAuthPerClient: bucket(
      'failed_auth_per_client',
      PROXY_FAILED_AUTH_PER_MINUTE,
      PROXY_FAILED_AUTH_BURST,
    ),
  };
}

const EXT_AUTHZ_PREFIX = /^(\/[a-z0-9_-]+)+$/;

/** `ext_authz: true` or `{path_prefix: "/ext_authz"}`; the prefix's first segment is then no upstream. */
function parseExtAuthz(
  value: unknown,
  upstreams: Map<string, UpstreamConfig>,
  at: (path: string, message: string) => void,
): RestProxyConfig['extAuthz'] {
  if (value === undefined || value === false) return null;
  let pathPrefix = '/ext_authz';
  if (isObj(value)) {
    unknownKeys(value, new Set(['path_prefix']), 'ext_authz.', at);
    const given = optString(value.path_prefix, 'ext_authz.path_prefix', at);
    if (given !== undefined && !EXT_AUTHZ_PREFIX.test(given))
      at('ext_authz.path_prefix', 'must be a path like /ext_authz (a-z, 0-9, "_", "-"; no trailing /)');
    else if (given !== undefined) pathPrefix = given;
  } else if (value !== true) {
    at('ext_authz', 'must be true or an object {path_prefix}');
    return null;
  }
  const first = pathPrefix.split('/')[1] as string;
  if (upstreams.has(first))
    at(
      'ext_authz.path_prefix',
      `its first segment "${first}" is also an upstream's name; choose another prefix`,
    );
  return { pathPrefix };
}
