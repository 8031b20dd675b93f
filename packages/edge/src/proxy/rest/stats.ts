/**
 * What the REST proxy has done since it started, in counters an operator can read
 * (`proxy.stats()`) or export: every refusal is counted by its code.
 */
export interface RestProxyStats {
  /** Calls forwarded to an upstream after an `allow`. */
  forwarded: number;
  /** Calls answered 403/503 with a decision other than `allow` (or none). */
  blocked: number;
  /** Requests refused before any decision (a bad target, no route, an override, an unmapped field…). */
  refused: number;
  /** Requests without an accepted key (401). */
  unauthenticated: number;
  /** Requests over a rate limit (429). */
  rateLimited: number;
  /** Forwarded calls whose upstream failed or answered what the proxy cannot relay (502/504). */
  upstreamFailed: number;
  /** Gateway round trips made to check keys the proxy did not know yet. */
  gatewayKeyChecks: number;
  /** Relayed answers in which the response filter redacted at least one credential. */
  filteredResponses: number;
  /** Credentials redacted from relayed answers, by kind (`github_token`, `jwt`, …). */
  redactedByKind: Record<string, number>;
  /** Every answer the proxy gave itself (not the upstream's), by error or reason code. */
  byCode: Record<string, number>;
}

export function emptyStats(): RestProxyStats {
  return {
    forwarded: 0,
    blocked: 0,
    refused: 0,
    unauthenticated: 0,
    rateLimited: 0,
    upstreamFailed: 0,
    gatewayKeyChecks: 0,
    filteredResponses: 0,
    redactedByKind: {},
    byCode: {},
  };
}

export function countCode(stats: RestProxyStats, code: string): void {
  stats.byCode[code] = (stats.byCode[code] ?? 0) + 1;
}
