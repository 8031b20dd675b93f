/**
 * Who may be routed at all, before the proxy says anything about its upstreams or routes: the agent's
 * key is checked with the gateway (then remembered for a short while, valid or not), and each key gets
 * a token bucket. A key the proxy has not seen costs a gateway round trip, paid from the client
 * address's failed-auth budget (given back when the key turns out valid), so made-up bearer strings
 * are answered 429 after a burst without reaching the gateway. Every preflight still authenticates
 * the key afresh: what is remembered here only decides whether to route, never what is allowed.
 */
import {
  PROXY_ADMISSION_MAX_ENTRIES,
  PROXY_KEY_INVALID_TTL_MS,
  PROXY_KEY_VALID_TTL_MS,
} from '../../constants.js';
import { sha256Hex } from '../../hash.js';
import type { GatewayLink } from '../gateway-link.js';
import type { RestProxyConfig } from './config.js';
import { clientBucketName, TokenBuckets } from './rate-limit.js';

export type Admitted =
  | { ok: true; keyId: string }
  | {
      ok: false;
      status: 401 | 429 | 503;
      code: string;
      message: string;
      retryAfterSeconds?: number;
      /** Whether the gateway was asked for this answer. */
      asked: boolean;
    };

export interface AdmissionCounters {
  gatewayKeyChecks: number;
}

interface Remembered {
  keyId: string | null;
  until: number;
}

export class Admission {
  readonly #link: GatewayLink;
  readonly #now: () => number;
  readonly #keys = new Map<string, Remembered>();
  readonly #inFlight = new Map<string, Promise<Remembered | 'unavailable'>>();
  readonly #perKey: TokenBuckets;
  readonly #failedAuth: TokenBuckets;
  readonly counters: AdmissionCounters = { gatewayKeyChecks: 0 };

  constructor(config: RestProxyConfig, link: GatewayLink, now: () => number) {
    this.#link = link;
    this.#now = now;
    this.#perKey = new TokenBuckets(config.rateLimits.perAgentKey, PROXY_ADMISSION_MAX_ENTRIES, now);
    this.#failedAuth = new TokenBuckets(
      config.rateLimits.failedAuthPerClient,
      PROXY_ADMISSION_MAX_ENTRIES,
      now,
    );
  }

  async admit(agentKey: string | undefined, clientAddress: string | undefined): Promise<Admitted> {
    if (agentKey === undefined) {
      return {
        ok: false,
        status: 401,
        code: 'auth.missing_key',
        message: 'send your ActPass API key as `Authorization: Bearer <key>`.',
        asked: false,
      };
    }
    const digest = sha256Hex(agentKey);
    let known = this.#remembered(digest);
    if (known?.keyId == null) {
      // Unknown or refused: either way it is paid from the client's failed-auth budget.
      const client = clientBucketName(clientAddress);
      const taken = this.#failedAuth.take(client);
      if (!taken.ok) {
        return {
          ok: false,
          status: 429,
          code: 'proxy.auth_rate_limited',
          message: `too many requests with keys that are not accepted; retry after ${taken.retryAfterSeconds} s.`,
          retryAfterSeconds: taken.retryAfterSeconds,
          asked: false,
        };
      }
      let asked = false;
      if (known === undefined) {
        asked = true;
        const checked = await this.#check(digest, agentKey);
        if (checked === 'unavailable') {
          this.#failedAuth.refund(client);
          return {
            ok: false,
            status: 503,
            code: 'proxy.gateway_unavailable',
            message: 'the key could not be checked with the gateway; nothing was forwarded. Retry later.',
            asked,
          };
        }
        known = checked;
      }
      if (known.keyId === null) {
        return {
          ok: false,
          status: 401,
          code: 'auth.invalid_key',
          message:
            'the ActPass API key is not accepted; check the key you send as `Authorization: Bearer <key>`.',
          asked,
        };
      }
      this.#failedAuth.refund(client);
    }
    const taken = this.#perKey.take(known.keyId);
    if (!taken.ok) {
      return {
        ok: false,
        status: 429,
        code: 'proxy.rate_limited',
        message: `this key has used its call budget; retry after ${taken.retryAfterSeconds} s.`,
        retryAfterSeconds: taken.retryAfterSeconds,
        asked: false,
      };
    }
    return { ok: true, keyId: known.keyId };
  }

  #remembered(digest: string): Remembered | undefined {
    const entry = this.#keys.get(digest);
    if (entry === undefined) return undefined;
    if (entry.until > this.#now()) return entry;
    this.#keys.delete(digest);
    return undefined;
  }

  /** One gateway round trip per key at a time: concurrent requests with the same key share it. */
  #check(digest: string, agentKey: string): Promise<Remembered | 'unavailable'> {
    const pending = this.#inFlight.get(digest);
    if (pending) return pending;
    const work = (async () => {
      this.counters.gatewayKeyChecks += 1;
      const checked = await this.#link.checkAgentKey(agentKey);
      if (checked.status === 'unavailable') return 'unavailable' as const;
      const valid = checked.status === 'valid';
      const entry: Remembered = {
        keyId: valid ? checked.keyId : null,
        until: this.#now() + (valid ? PROXY_KEY_VALID_TTL_MS : PROXY_KEY_INVALID_TTL_MS),
      };
      if (this.#keys.size >= PROXY_ADMISSION_MAX_ENTRIES) {
        const oldest = this.#keys.keys().next().value;
        if (oldest !== undefined) this.#keys.delete(oldest);
      }
      this.#keys.set(digest, entry);
      return entry;
    })().finally(() => this.#inFlight.delete(digest));
    this.#inFlight.set(digest, work);
    return work;
  }
}
