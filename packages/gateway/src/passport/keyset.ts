/**
 * A signing keyset of keys with ids and one primary: rotation is an ordinary state change, not an incident.
 *
 * - exactly one `primary` key signs (the newest one, after `rotate()`);
 * - `active` keys no longer sign but still verify, so tokens and exports already in flight stay valid;
 * - `retired` keys neither sign nor verify and are left out of the JWKS; they stay in the serialized
 *   keyset only as a record (delete the file entry to forget them).
 *
 * The serialized form holds private keys (JWK `d`): the CLI keeps it in `./.actpass/keyset.json`, which
 * must be treated like any other secret file.
 */
import { createPublicKey, type KeyObject, sign } from 'node:crypto';
import {
  type Ed25519PrivateJwk,
  type Ed25519PublicJwk,
  exportPrivateJwk,
  exportPublicJwk,
  generateEd25519KeyPair,
  importPrivateJwk,
  jwkThumbprint,
} from '../crypto/index.js';
import type { KeyResolver } from './jwks.js';

export type KeyStatus = 'primary' | 'active' | 'retired';

export interface PublishedJwk extends Ed25519PublicJwk {
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface Jwks {
  keys: PublishedJwk[];
}

export interface KeyInfo {
  kid: string;
  status: KeyStatus;
  created_at: string;
}

export interface SerializedKeyset {
  format: 'actpass.keyset/v1';
  keys: Array<KeyInfo & { jwk: Ed25519PrivateJwk }>;
}

interface KeyEntry extends KeyInfo {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: Ed25519PublicJwk;
}

export interface Signature {
  kid: string;
  signature: Buffer;
}

export class Keyset implements KeyResolver {
  // Insertion order is creation order; kept small (a handful of keys), so linear scans are fine.
  readonly #keys = new Map<string, KeyEntry>();

  private constructor() {}

  /** A fresh keyset with one primary key. */
  static generate(now: Date = new Date()): Keyset {
    const keyset = new Keyset();
    keyset.#add(generateEd25519KeyPair().privateKey, 'primary', now.toISOString());
    return keyset;
  }

  /** Builds a keyset from private JWKs, oldest first; the last one becomes primary (vectors, tests). */
  static fromPrivateJwks(jwks: Ed25519PrivateJwk[], now: Date = new Date()): Keyset {
    if (jwks.length === 0) throw new TypeError('a keyset needs at least one key');
    const keyset = new Keyset();
    jwks.forEach((jwk, index) => {
      const status = index === jwks.length - 1 ? 'primary' : 'active';
      keyset.#add(importPrivateJwk(jwk).privateKey, status, now.toISOString());
    });
    return keyset;
  }

  static fromJSON(input: SerializedKeyset | string): Keyset {
    const parsed = (typeof input === 'string' ? JSON.parse(input) : input) as SerializedKeyset;
    if (parsed?.format !== 'actpass.keyset/v1' || !Array.isArray(parsed.keys)) {
      throw new TypeError('not an actpass.keyset/v1 document');
    }
    const keyset = new Keyset();
    for (const stored of parsed.keys) {
      if (!['primary', 'active', 'retired'].includes(stored.status)) {
        throw new TypeError(`key ${stored.kid}: unknown status ${String(stored.status)}`);
      }
      const entry = keyset.#add(importPrivateJwk(stored.jwk).privateKey, stored.status, stored.created_at);
      // A kid that does not match its key would let one key impersonate another in the JWKS.
      if (entry.kid !== stored.kid) throw new TypeError(`key ${stored.kid}: kid is not the key's thumbprint`);
    }
    const primaries = [...keyset.#keys.values()].filter((key) => key.status === 'primary');
    if (primaries.length !== 1) throw new TypeError('a keyset must have exactly one primary key');
    return keyset;
  }

  toJSON(): SerializedKeyset {
    return {
      format: 'actpass.keyset/v1',
      keys: [...this.#keys.values()].map((key) => ({
        kid: key.kid,
        status: key.status,
        created_at: key.created_at,
        jwk: exportPrivateJwk(key.privateKey),
      })),
    };
  }

  get primaryKid(): string {
    return this.#primary().kid;
  }

  list(): KeyInfo[] {
    return [...this.#keys.values()].map(({ kid, status, created_at }) => ({ kid, status, created_at }));
  }

  /** Adds a new primary key; the previous primary becomes `active` (still verifies). Returns the new kid. */
  rotate(now: Date = new Date()): string {
    this.#primary().status = 'active';
    return this.#add(generateEd25519KeyPair().privateKey, 'primary', now.toISOString()).kid;
  }

  /** Retires a non-primary key: it stops verifying and leaves the JWKS. Rotate first to retire the primary. */
  retire(kid: string): void {
    const key = this.#keys.get(kid);
    if (!key) throw new RangeError(`unknown key ${kid}`);
    if (key.status === 'primary') throw new RangeError('cannot retire the primary key; rotate() first');
    key.status = 'retired';
  }

  /** Ed25519 signature over `data` with the primary key. */
  sign(data: Uint8Array): Signature {
    const primary = this.#primary();
    return { kid: primary.kid, signature: sign(null, data, primary.privateKey) };
  }

  /** The public key for `kid` if it may verify (primary or active); never consults anything else. */
  verificationKey(kid: string): KeyObject | undefined {
    const key = this.#keys.get(kid);
    return key && key.status !== 'retired' ? key.publicKey : undefined;
  }

  jwks(): Jwks {
    const keys: PublishedJwk[] = [];
    for (const key of this.#keys.values()) {
      if (key.status === 'retired') continue;
      keys.push({ ...key.publicJwk, kid: key.kid, alg: 'EdDSA', use: 'sig' });
    }
    return { keys };
  }

  #primary(): KeyEntry {
    for (const key of this.#keys.values()) if (key.status === 'primary') return key;
    throw new Error('keyset has no primary key');
  }

  #add(privateKey: KeyObject, status: KeyStatus, createdAt: string): KeyEntry {
    const publicJwk = exportPublicJwk(privateKey);
    const kid = jwkThumbprint(publicJwk);
    if (this.#keys.has(kid)) throw new TypeError(`duplicate key ${kid}`);
    const entry: KeyEntry = {
      kid,
      status,
      created_at: createdAt,
      privateKey,
      // A dedicated public KeyObject: verification never re-derives it from the private key.
      publicKey: createPublicKey(privateKey),
      publicJwk,
    };
    this.#keys.set(kid, entry);
    return entry;
  }
}
