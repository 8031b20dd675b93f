/**
 * Header hygiene both ways. Toward the upstream: hop-by-hop headers (RFC 9110 §7.6.1 and whatever
 * `Connection` names), every credential the agent sends (its ActPass key included) and every ActPass
 * control header are dropped, then the vaulted credential is set from the route's template. Toward the
 * agent: hop-by-hop headers and framing are dropped; the length is recomputed.
 */
import { PROXY_SECRET_PLACEHOLDER } from '../../constants.js';
import { canonicalHeaderName } from './overrides.js';

export type HeaderList = Array<[string, string]>;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** Headers through which an agent could smuggle its own credential or spoof where a call came from. */
const AGENT_CREDENTIALS = new Set([
  'authorization',
  'cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
  'private-token',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);
const FRAMING = new Set(['host', 'content-length', 'expect']);

function connectionTokens(headers: HeaderList): Set<string> {
  const named = new Set<string>();
  for (const [name, value] of headers) {
    if (name === 'connection')
      for (const token of value.split(',')) named.add(canonicalHeaderName(token.trim()));
  }
  return named;
}

/** Headers to send upstream: the agent's, cleaned, plus the injected credential (if any). */
export function upstreamHeaders(
  agent: HeaderList,
  strip: readonly string[],
  injected: { header: string; template: string; secret: string } | null,
): HeaderList {
  const named = connectionTokens(agent);
  const extra = new Set(strip);
  if (injected) extra.add(injected.header);
  // Names are compared as an upstream framework may read them (`X_Api_Key` is `x-api-key` there).
  const out: HeaderList = agent.filter(([raw]) => {
    const name = canonicalHeaderName(raw);
    return (
      !HOP_BY_HOP.has(name) &&
      !named.has(name) &&
      !AGENT_CREDENTIALS.has(name) &&
      !FRAMING.has(name) &&
      !extra.has(name) &&
      !name.startsWith('x-actpass-') &&
      name !== 'accept-encoding'
    );
  });
  // The upstream answers unencoded where it can, so redaction reads plain bytes; whatever it encodes
  // anyway is decoded before redaction, or refused.
  out.push(['accept-encoding', 'identity']);
  if (injected) {
    out.push([injected.header, injected.template.replace(PROXY_SECRET_PLACEHOLDER, () => injected.secret)]);
  }
  return out;
}

/** Headers to return to the agent from the upstream's response. */
export function agentHeaders(upstream: HeaderList): HeaderList {
  const named = connectionTokens(upstream);
  return upstream.filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name) && name !== 'content-length');
}
