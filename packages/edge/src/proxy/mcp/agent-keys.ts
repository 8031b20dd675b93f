/**
 * Over HTTP every request carries the agent's key; before anything is listed or called the gateway
 * must accept it as an agent key. What the gateway said is remembered by the key's SHA-256 (never the
 * key): an accepted key for a short while, so a session's requests do not each cost a round trip, and
 * a refused one as long, so repeating it costs nothing. A key not seen yet is paid for from the client
 * address's budget (given back when the key is accepted), the same budget the REST proxy keeps, so a
 * stream of made-up bearer strings is answered 429 without reaching the gateway. Every preflight still
 * authenticates the key afresh: what is remembered only decides whether to serve at all.
 */
import {
  MCP_AGENT_KEY_VALID_TTL_MS,
  PROXY_ADMISSION_MAX_ENTRIES,
  PROXY_FAILED_AUTH_BURST,
  PROXY_FAILED_AUTH_PER_MINUTE,
  PROXY_KEY_INVALID_TTL_MS,
} from '../../constants.js';
import { sha256Hex } from '../../hash.js';
import type { GatewayLink } from '../gateway-link.js';
import { TokenBuckets } from '../rest/rate-limit.js';

export type KeyVerdict =
  | { status: 'valid' }
  | { status: 'invalid' }
  | { status: 'unavailable' }
  | { status: 'throttled'; retryAfterSeconds: number };

export class AgentKeys {
  readonly #remembered = new Map<string, { valid: boolean; until: number }>();
  readonly #unknownKeyBudget = new TokenBuckets(
    { perMinute: PROXY_FAILED_AUTH_PER_MINUTE, burst: PROXY_FAILED_AUTH_BURST },
    PROXY_ADMISSION_MAX_ENTRIES,
    Date.now,
  );

  constructor(private readonly link: GatewayLink) {}

  async check(agentKey: string, clientAddress: string): Promise<KeyVerdict> {
    const id = sha256Hex(agentKey);
    const known = this.#remembered.get(id);
    if (known && known.until > Date.now()) return { status: known.valid ? 'valid' : 'invalid' };
    this.#remembered.delete(id);
    const taken = this.#unknownKeyBudget.take(clientAddress);
    if (!taken.ok) return { status: 'throttled', retryAfterSeconds: taken.retryAfterSeconds };
    const verdict = await this.link.checkAgentKey(agentKey);
    if (verdict.status === 'unavailable') {
      this.#unknownKeyBudget.refund(clientAddress);
      return { status: 'unavailable' };
    }
    const valid = verdict.status === 'valid';
    if (valid) this.#unknownKeyBudget.refund(clientAddress);
    this.#remember(id, valid);
    return { status: valid ? 'valid' : 'invalid' };
  }

  #remember(id: string, valid: boolean): void {
    if (this.#remembered.size >= PROXY_ADMISSION_MAX_ENTRIES) {
      const oldest = this.#remembered.keys().next().value;
      if (oldest !== undefined) this.#remembered.delete(oldest);
    }
    const ttl = valid ? MCP_AGENT_KEY_VALID_TTL_MS : PROXY_KEY_INVALID_TTL_MS;
    this.#remembered.set(id, { valid, until: Date.now() + ttl });
  }
}
