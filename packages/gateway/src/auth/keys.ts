/**
 * API keys map, server-side, to one tenant and a set of roles. Only SHA-256 digests of keys
 * are held, so a heap dump or a config file does not leak usable keys. A presented key is hashed and
 * looked up by digest (the digest of a guess reveals nothing about stored keys), then confirmed with a
 * constant-time comparison.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256, sha256Hex } from '../crypto/hash.js';
import { AuthError } from './errors.js';

/** `proxy` is the enforcing proxy's own key: it acts for the agent whose key it presents. */
export type Role = 'agent' | 'approver' | 'admin' | 'proxy';
export const ROLES: readonly Role[] = ['agent', 'approver', 'admin', 'proxy'];

export interface ApiKeyConfig {
  /** The key itself (hashed on load), or… */
  key?: string;
  /** …its hex SHA-256, so configuration never holds the key. */
  keyHash?: string;
  tenantId: string;
  roles: Role[];
  /** An agent key bound to one agent: it can only act as that agent. */
  agentId?: string;
  /** Shown as `decided_by` on approvals; defaults to `key_` and the first 12 hex digits of the hash. */
  name?: string;
}

/** A person signed in through an OpenID provider, as it vouched: recorded with everything they do. */
export interface Actor {
  iss: string;
  sub: string;
}

export interface Principal {
  tenantId: string;
  roles: ReadonlySet<Role>;
  agentId: string | null;
  /** Stable, non-secret identity of the key (never the key). */
  keyId: string;
  /** Set when the enforcing proxy presented this agent's key: the proxy key's id. */
  viaProxyKeyId?: string;
  /** Set for a person's sign-in session (never for an API key): the provider's issuer and subject. */
  actor?: Actor;
}

interface StoredKey {
  digest: Buffer;
  principal: Principal;
}

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export class ApiKeyRegistry {
  readonly #byDigest = new Map<string, StoredKey>();

  constructor(keys: readonly ApiKeyConfig[]) {
    for (const config of keys) {
      const hex = config.keyHash ?? hashApiKey(config.key ?? '');
      if (!HEX_SHA256.test(hex)) throw new TypeError('apiKeys[].keyHash must be a lower-case hex SHA-256');
      this.#byDigest.set(hex, {
        digest: Buffer.from(hex, 'hex'),
        principal: {
          tenantId: config.tenantId,
          roles: new Set(config.roles),
          agentId: config.agentId ?? null,
          keyId: config.name ?? `key_${hex.slice(0, 12)}`,
        },
      });
    }
  }

  /** Resolves the `Authorization` header to a principal, or throws 401-type `AuthError`s. */
  /** Resolves a bare key (no `Bearer`), as the proxy forwards an agent's key. */
  authenticateKey(key: string): Principal {
    const digest = sha256(key);
    const stored = this.#byDigest.get(digest.toString('hex'));
    if (!stored || !timingSafeEqual(stored.digest, digest)) {
      throw new AuthError('auth.invalid_key', 'The API key is not known; check ACTPASS_API_KEY.');
    }
    return stored.principal;
  }

  authenticate(authorization: string | null): Principal {
    if (!authorization) {
      throw new AuthError('auth.missing_key', 'Send the API key as `Authorization: Bearer <key>`.');
    }
    const match = BEARER.exec(authorization);
    if (!match) {
      throw new AuthError('auth.missing_key', 'The Authorization header must be `Bearer <key>`.');
    }
    return this.authenticateKey(match[1] as string);
  }
}
