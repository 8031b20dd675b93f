/**
 * The no-open-proxy gate: every request target is checked in its raw form, before any
 * routing or preflight. Only origin-form paths made of plain characters pass; anything a server,
 * framework or upstream might normalise differently from us (dot segments, encoded dots, slashes or
 * backslashes, double encoding, empty segments) is refused, so the path that was decided is byte for
 * byte the path that is forwarded. The upstream itself comes only from config, by name.
 */
import { PROXY_TARGET_MAX_CHARS } from '../../constants.js';

export interface ProxyTarget {
  upstream: string;
  /** Raw path segments after the upstream name. */
  segments: string[];
  /** The raw path after the upstream name, starting with "/" (or empty). */
  rest: string;
  /** The raw query without "?", or null. */
  query: string | null;
}

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const QUERY_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
const ESCAPE = /%(?![0-9A-Fa-f]{2})|%(2[eEfF5]|5[cC]|[01][0-9A-Fa-f]|7[fF])/;
const REFUSED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

function refuse(message: string, code = 'proxy.bad_target'): Refusal {
  return { status: 400, code, message };
}

/** The routed target, or why it is refused. `allowedHosts` empty skips the Host check. */
export function checkTarget(
  method: string,
  target: string,
  host: string | null,
  allowedHosts: readonly string[],
): ProxyTarget | Refusal {
  if (REFUSED_METHODS.has(method.toUpperCase())) {
    return refuse(`${method} is never proxied; call <proxy>/<upstream>/<path>.`, 'proxy.method_refused');
  }
  if (allowedHosts.length > 0 && (host === null || !allowedHosts.includes(host.toLowerCase()))) {
    return refuse(
      'the Host header does not name this proxy; call the proxy by its own address.',
      'proxy.foreign_host',
    );
  }
  if (target.length > PROXY_TARGET_MAX_CHARS)
    return refuse(`the target is longer than ${PROXY_TARGET_MAX_CHARS} characters.`);
  if (!target.startsWith('/') || target.startsWith('//')) {
    return refuse('only origin-form targets (/<upstream>/<path>) are proxied; absolute URLs are refused.');
  }
  if (target.includes('#')) return refuse('a fragment has no place in a request target.');
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? null : target.slice(q + 1);
  if (path.includes('\\')) return refuse('backslashes are refused in paths.');
  if (!PATH_CHARS.test(path)) return refuse('the path has characters that must be percent-encoded.');
  const refusedEscape = ESCAPE.exec(path);
  if (refusedEscape) {
    return refuse(
      `"${refusedEscape[0]}" is refused in paths (encoded dots, slashes, backslashes, percent signs or control characters).`,
    );
  }
  if (
    query !== null &&
    (!QUERY_CHARS.test(query) || /%(?![0-9A-Fa-f]{2})|%([01][0-9A-Fa-f]|7[fF])/.test(query))
  ) {
    return refuse('the query has characters that must be percent-encoded, or a broken escape.');
  }
  const [, upstream = '', ...segments] = path.split('/');
  if (upstream === '') return refuse('name an upstream: /<upstream>/<path>.', 'proxy.no_route');
  for (const segment of segments) {
    if (segment === '') return refuse('empty path segments (// or a trailing /) are refused.');
    if (segment === '.' || segment === '..') return refuse('dot segments (. and ..) are refused.');
    try {
      decodeURIComponent(segment);
    } catch {
      return refuse('the path has an escape that is not UTF-8.');
    }
  }
  const rest = segments.length === 0 ? '' : `/${segments.join('/')}`;
  return { upstream, segments, rest, query };
}

export function isRefusal(value: ProxyTarget | Refusal): value is Refusal {
  return 'status' in value;
}
