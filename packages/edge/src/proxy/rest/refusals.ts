/**
 * Every request the proxy refuses is logged at warn, counted, and — when the agent's key was accepted
 * — recorded as evidence (`proxy.request_refused`, written as that agent, as the outcome record is),
 * so a probe for SSRF, traversal or unrouted paths leaves a trace an operator can query. What is
 * written is the method, the path (escaped, cut short) and a digest of the query, never the query
 * itself nor any header value: those are where a secret would travel. Log lines are capped per code
 * and second, so a flood of refusals cannot flood the log; the counters still count every one.
 */
import { PROXY_REFUSAL_EVIDENCE_TYPE } from '../../constants.js';
import { sha256Hex } from '../../hash.js';
import type { GatewayLink } from '../gateway-link.js';
import { shown } from './action.js';
import type { ProxyLogger } from './handler.js';
import { countCode, emptyStats, type RestProxyStats } from './stats.js';

export interface RefusalContext {
  method: string;
  target: string;
  clientAddress: string | undefined;
  agentKey?: string;
  keyId?: string;
  upstream?: string;
}

/** Log lines per refusal code per second; the rest are counted in the next line's `suppressed`. */
const LOG_LINES_PER_SECOND = 10;

export class RefusalReporter {
  readonly stats: RestProxyStats = emptyStats();
  readonly #gates = new Map<string, { second: number; lines: number; suppressed: number }>();

  constructor(
    private readonly link: GatewayLink,
    private readonly logger: ProxyLogger,
    private readonly track: (work: Promise<unknown>) => void,
    private readonly now: () => number,
  ) {}

  /** A request refused before any decision (400/404/405/413). */
  refused(context: RefusalContext, status: number, code: string, extra: Record<string, unknown>): void {
    this.stats.refused += 1;
    countCode(this.stats, code);
    const described = describe(context);
    const details = Object.fromEntries(
      Object.entries(extra).map(([name, value]) => [name, typeof value === 'string' ? shown(value) : value]),
    );
    this.#warn('proxy refused a request', { status, code, ...described, ...details });
    if (context.agentKey === undefined) return;
    const data = { via: 'proxy', status, code, ...described, ...details };
    delete (data as Record<string, unknown>).client;
    this.track(
      this.link.recordEvidence(context.agentKey, PROXY_REFUSAL_EVIDENCE_TYPE, data).then((recorded) => {
        if (!recorded) this.logger.warn('proxy could not record a refusal', { code });
      }),
    );
  }

  /** A request without an accepted key (401), over a rate limit (429), or with no gateway (503). */
  notAdmitted(context: RefusalContext, status: number, code: string): void {
    if (status === 401) this.stats.unauthenticated += 1;
    else if (status === 429) this.stats.rateLimited += 1;
    else this.stats.blocked += 1;
    countCode(this.stats, code);
    this.#warn('proxy refused a request', { status, code, ...describe(context) });
  }

  blocked(code: string): void {
    this.stats.blocked += 1;
    countCode(this.stats, code);
  }

  upstreamFailed(code: string): void {
    this.stats.upstreamFailed += 1;
    countCode(this.stats, code);
  }

  forwarded(): void {
    this.stats.forwarded += 1;
  }

  #warn(message: string, fields: Record<string, unknown>): void {
    const code = String(fields.code);
    const second = Math.floor(this.now() / 1000);
    let gate = this.#gates.get(code);
    if (!gate || gate.second !== second) {
      gate = { second, lines: 0, suppressed: gate?.suppressed ?? 0 };
      this.#gates.set(code, gate);
    }
    if (gate.lines >= LOG_LINES_PER_SECOND) {
      gate.suppressed += 1;
      return;
    }
    gate.lines += 1;
    const suppressed = gate.suppressed;
    gate.suppressed = 0;
    this.logger.warn(message, suppressed > 0 ? { ...fields, suppressed } : fields);
  }
}

function describe(context: RefusalContext): Record<string, unknown> {
  const q = context.target.indexOf('?');
  const path = q === -1 ? context.target : context.target.slice(0, q);
  return {
    method: shown(context.method.slice(0, 16)),
    path: shown(path),
    ...(q !== -1 ? { query_sha256: sha256Hex(context.target.slice(q + 1)) } : {}),
    ...(context.upstream !== undefined ? { upstream: context.upstream } : {}),
    ...(context.keyId !== undefined ? { key_id: context.keyId } : {}),
    ...(context.clientAddress !== undefined ? { client: context.clientAddress } : {}),
  };
}
