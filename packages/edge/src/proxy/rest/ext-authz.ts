/**
 * ActPass as the decision service of a data plane that forwards by itself (Envoy's HTTP `ext_authz`,
 * and gateways that speak it, such as agentgateway). Envoy sends the checked request to
 * `<path_prefix><original path>` with the original method, headers and (with `with_request_body`)
 * body. The upstream is the one whose `base_url` authority is the request's Host; from there the check
 * runs the REST proxy's own pipeline (the agent's key, the raw-target gate, routes, args, goal and
 * user, preflight), and nothing is forwarded here:
 *   allow    → 200; the decision and evidence id as headers, the vaulted credential (when the upstream
 *              takes one) as the header to set upstream, and the agent's ActPass key named for removal;
 *   deny/held → 403 with the decision (Envoy relays status and body to the agent);
 *   no decision → 503 (configure Envoy with failure_mode_allow: false, so it fails closed too).
 */
import { PROXY_HEADER_DECISION, PROXY_HEADER_EVIDENCE, PROXY_SECRET_PLACEHOLDER } from '../../constants.js';
import type { RestProxyConfig, UpstreamConfig } from './config.js';
import { type ProxyRequest, type ProxyResponse, type RestHandler, refusal, secretFor } from './handler.js';
import { checkTarget, type Refusal } from './target.js';

/** Envoy removes the headers this response header lists from the request it forwards upstream. */
const HEADERS_TO_REMOVE = 'x-envoy-auth-headers-to-remove';

export function isExtAuthzTarget(config: RestProxyConfig, target: string): boolean {
  const prefix = config.extAuthz?.pathPrefix;
  return (
    prefix !== undefined &&
    (target === prefix || target.startsWith(`${prefix}/`) || target.startsWith(`${prefix}?`))
  );
}

export async function checkExtAuthz(
  config: RestProxyConfig,
  handler: RestHandler,
  request: ProxyRequest,
): Promise<ProxyResponse> {
  const prefix = config.extAuthz?.pathPrefix ?? '';
  const decided = await handler.decide(request, (method, target, header) => {
    const original = target.slice(prefix.length) || '/';
    const upstream = upstreamForHost(config, header('host'));
    if (!upstream)
      return refused(404, 'proxy.no_route', 'no configured upstream has this Host; nothing was decided.');
    const base = upstream.baseUrl.pathname.replace(/\/$/, '');
    if (
      base !== '' &&
      original !== base &&
      !original.startsWith(`${base}/`) &&
      !original.startsWith(`${base}?`)
    )
      return refused(404, 'proxy.no_route', `this upstream is served under ${base}/; nothing was decided.`);
    // The same raw-target gate as the proxy's, on the path as the upstream will receive it.
    return checkTarget(method, `/${upstream.name}${original.slice(base.length)}`, null, []);
  });
  if (decided.kind === 'answer') return decided.response;
  const { upstream, decision } = decided;
  const secret = secretFor(upstream, decision);
  if (secret === null) {
    return refusal(
      503,
      'proxy.credential_unavailable',
      `the credential ${upstream.credential?.name} was not leased to the proxy; bind it to ${decided.plan.tool} and give the proxy a key with the proxy role.`,
    );
  }
  const headers: Array<[string, string]> = [
    ['content-type', 'application/json; charset=utf-8'],
    ['cache-control', 'no-store'],
    [PROXY_HEADER_DECISION, 'allow'],
  ];
  if (decision.evidence_event_id) headers.push([PROXY_HEADER_EVIDENCE, decision.evidence_event_id]);
  const credential = upstream.credential;
  if (credential && secret)
    headers.push([credential.header, credential.template.replace(PROXY_SECRET_PLACEHOLDER, secret)]);
  // The agent's ActPass key is for ActPass only; a credential header of the same name replaces it anyway.
  if (credential?.header !== 'authorization') headers.push([HEADERS_TO_REMOVE, 'authorization']);
  return { status: 200, headers, body: Buffer.from(JSON.stringify({ decision: 'allow' }), 'utf8') };
}

function upstreamForHost(config: RestProxyConfig, host: string | null): UpstreamConfig | undefined {
  const parsed =
    host === null ? null : /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host.toLowerCase());
  if (!parsed) return undefined;
  const [, hostname, port] = parsed;
  for (const upstream of config.upstreams.values()) {
    const url = upstream.baseUrl;
    if (url.hostname.toLowerCase() !== hostname) continue;
    // A Host without a port means the scheme's default, which is what an upstream URL without one uses.
    const upstreamPort = url.port || (url.protocol === 'http:' ? '80' : '443');
    if (port === undefined ? url.port === '' : port === upstreamPort) return upstream;
  }
  return undefined;
}

function refused(status: number, code: string, message: string): Refusal {
  return { status, code, message };
}
