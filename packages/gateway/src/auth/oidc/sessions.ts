/**
 * People's sessions, held server-side by the process that signed them in. The browser holds a random
 * token; only its SHA-256 is kept, so a heap dump holds no usable session. A session ends at its
 * expiry or when its person signs out, whichever comes first.
 *
 * Between the provider's redirect and the console's first request, the token waits behind a one-time
 * hand-off value (the HttpOnly cookie's): the console claims it once, within a minute.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '../../crypto/hash.js';
import { base64urlEncode } from '../../crypto/index.js';
import type { Actor, Principal } from '../keys.js';
import { SESSION_TOKEN_PREFIX, SIGN_IN_RANDOM_BYTES } from './constants.js';
import type { PersonRole } from './roles.js';

export interface Session {
  tenantId: string;
  roles: readonly PersonRole[];
  actor: Actor;
  /** The ID token's `name` (or e-mail), for display only: never an identity. */
  name: string | null;
  keyId: string;
  expiresAtMs: number;
}

interface StoredSession {
  digest: Buffer;
  session: Session;
}

interface Handoff {
  token: string;
  expiresAtMs: number;
}

export function randomToken(prefix = ''): string {
  return prefix + base64urlEncode(randomBytes(SIGN_IN_RANDOM_BYTES));
}

export class SessionRegistry {
  readonly #byDigest = new Map<string, StoredSession>();
  readonly #handoffs = new Map<string, Handoff>();

  constructor(
    private readonly max: number,
    private readonly handoffTtlMs: number,
    private readonly nowMs: () => number,
  ) {}

  /** A new session; answers the hand-off value the browser's cookie carries to the console. */
  open(session: Session): string {
    const token = randomToken(SESSION_TOKEN_PREFIX);
    const digest = sha256(token);
    this.#byDigest.set(digest.toString('hex'), { digest, session });
    this.#evict();
    const handoff = randomToken();
    this.#handoffs.set(handoff, { token, expiresAtMs: this.nowMs() + this.handoffTtlMs });
    return handoff;
  }

  /** The session token behind a hand-off value, once. */
  claim(handoff: string): { token: string; session: Session } | undefined {
    const waiting = this.#handoffs.get(handoff);
    this.#handoffs.delete(handoff);
    if (!waiting || waiting.expiresAtMs <= this.nowMs()) return undefined;
    const session = this.find(waiting.token);
    return session ? { token: waiting.token, session } : undefined;
  }

  /** The live session of a token, or undefined (unknown, signed out or expired). */
  find(token: string): Session | undefined {
    const digest = sha256(token);
    const key = digest.toString('hex');
    const stored = this.#byDigest.get(key);
    if (!stored || !timingSafeEqual(stored.digest, digest)) return undefined;
    if (stored.session.expiresAtMs <= this.nowMs()) {
      this.#byDigest.delete(key);
      return undefined;
    }
    return stored.session;
  }

  /** Ends a session; true when it was live. */
  close(token: string): boolean {
    const live = this.find(token) !== undefined;
    this.#byDigest.delete(sha256(token).toString('hex'));
    return live;
  }

  principal(session: Session): Principal {
    return {
      tenantId: session.tenantId,
      roles: new Set(session.roles),
      agentId: null,
      keyId: session.keyId,
      actor: session.actor,
    };
  }

  /** Expired sessions and hand-offs go first; past the bound, the oldest sessions end. */
  #evict(): void {
    const now = this.nowMs();
    for (const [code, handoff] of this.#handoffs) if (handoff.expiresAtMs <= now) this.#handoffs.delete(code);
    if (this.#byDigest.size <= this.max) return;
    for (const [key, stored] of this.#byDigest)
      if (stored.session.expiresAtMs <= now) this.#byDigest.delete(key);
    while (this.#byDigest.size > this.max) {
      this.#byDigest.delete(this.#byDigest.keys().next().value as string);
    }
  }
}
