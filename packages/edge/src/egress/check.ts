/**
 * `actpass egress check`: proves, from the agent's host, that the proxy is the only way out. Every
 * upstream the proxy configs name must NOT be reachable directly (a reachable one is a route around the
 * chokepoint, and ActPass enforces nothing on it); the proxy itself must be reachable. This is the
 * deployment property no code inside the proxy can guarantee, so it is checked where the agent runs.
 */
import { type ProbeResult, probe } from './probe.js';

export interface EgressTarget {
  /** Where it comes from: `rest:<upstream>` or `mcp:<server>`. */
  source: string;
  url: URL;
}

export interface EgressFinding {
  code: 'egress.upstream_reachable' | 'egress.proxy_unreachable';
  source: string;
  url: string;
  probe: ProbeResult;
  message: string;
}

export interface EgressReport {
  upstreams: Array<{ source: string; url: string; probe: ProbeResult }>;
  proxy: { url: string; probe: ProbeResult } | null;
  findings: EgressFinding[];
}

export interface EgressCheckOptions {
  targets: EgressTarget[];
  /** The proxy as the agent reaches it; null to skip that half. */
  proxyUrl: URL | null;
  timeoutMs: number;
}

export async function checkEgress(options: EgressCheckOptions): Promise<EgressReport> {
  const [proxyProbe, ...probes] = await Promise.all([
    options.proxyUrl ? probe(options.proxyUrl, options.timeoutMs) : Promise.resolve(null),
    ...options.targets.map((target) => probe(target.url, options.timeoutMs)),
  ]);
  const findings: EgressFinding[] = [];
  const upstreams = options.targets.map((target, i) => {
    const result = probes[i] as ProbeResult;
    if (result.outcome === 'connected') {
      findings.push({
        code: 'egress.upstream_reachable',
        source: target.source,
        url: target.url.origin,
        probe: result,
        message: `${target.url.origin} is reachable directly (${result.detail}): an agent here can call it without the proxy; allow egress only to the proxy`,
      });
    }
    return { source: target.source, url: target.url.origin, probe: result };
  });
  let proxy: EgressReport['proxy'] = null;
  if (options.proxyUrl && proxyProbe) {
    proxy = { url: options.proxyUrl.origin, probe: proxyProbe };
    if (proxyProbe.outcome !== 'connected') {
      findings.push({
        code: 'egress.proxy_unreachable',
        source: 'proxy',
        url: options.proxyUrl.origin,
        probe: proxyProbe,
        message: `the proxy at ${options.proxyUrl.origin} is not reachable (${proxyProbe.outcome}: ${proxyProbe.detail}); agents here could not make any allowed call`,
      });
    }
  }
  return { upstreams, proxy, findings };
}
