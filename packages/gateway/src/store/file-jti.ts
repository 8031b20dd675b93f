/**
 * A file-backed `JtiClaimStore` (the passport folder ships only the memory one): single use and
 * revocation survive a restart of `actpass dev`, so restarting is not a way to replay a passport.
 */
import { type JtiClaimStore, MemoryJtiClaimStore } from '../passport/index.js';
import { Journal, LoadOnce } from './journal.js';

type JtiEntry =
  | { op: 'claim'; tenant_id: string; jti: string; expires_at: number }
  | { op: 'release'; tenant_id: string; jti: string }
  | { op: 'revoke'; tenant_id: string; jti: string; reason: string; expires_at: number | null };

export class FileJtiClaimStore implements JtiClaimStore {
  readonly #memory = new MemoryJtiClaimStore();
  readonly #journal: Journal;
  readonly #loaded: LoadOnce;

  constructor(file: string, nowSeconds: () => number = () => Date.now() / 1000) {
    this.#journal = new Journal(file);
    this.#loaded = new LoadOnce(async () => {
      for (const entry of (await this.#journal.readAll()) as JtiEntry[]) {
        if (entry.op === 'claim') await this.#memory.claim(entry.tenant_id, entry.jti, entry.expires_at);
        else if (entry.op === 'release') await this.#memory.release(entry.tenant_id, entry.jti);
        else
          await this.#memory.revoke(entry.tenant_id, entry.jti, entry.reason, entry.expires_at ?? undefined);
      }
      await this.#memory.purgeExpired(nowSeconds());
    });
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  async claim(tenantId: string, jti: string, expiresAtSeconds: number): Promise<boolean> {
    await this.#loaded.ready();
    const first = await this.#memory.claim(tenantId, jti, expiresAtSeconds);
    // A failed write leaves the claim in place (fail closed): the passport is spent, the caller gets 503.
    if (first)
      await this.#journal.append({ op: 'claim', tenant_id: tenantId, jti, expires_at: expiresAtSeconds });
    return first;
  }

  async release(tenantId: string, jti: string): Promise<void> {
    await this.#loaded.ready();
    await this.#journal.append({ op: 'release', tenant_id: tenantId, jti });
    await this.#memory.release(tenantId, jti);
  }

  async isClaimed(tenantId: string, jti: string): Promise<boolean> {
    await this.#loaded.ready();
    return this.#memory.isClaimed(tenantId, jti);
  }

  async revoke(tenantId: string, jti: string, reason: string, expiresAtSeconds?: number): Promise<void> {
    await this.#loaded.ready();
    await this.#journal.append({
      op: 'revoke',
      tenant_id: tenantId,
      jti,
      reason,
      expires_at: expiresAtSeconds ?? null,
    });
    await this.#memory.revoke(tenantId, jti, reason, expiresAtSeconds);
  }

  async isRevoked(tenantId: string, jti: string): Promise<boolean> {
    await this.#loaded.ready();
    return this.#memory.isRevoked(tenantId, jti);
  }

  async purgeExpired(nowSeconds: number): Promise<number> {
    await this.#loaded.ready();
    return this.#memory.purgeExpired(nowSeconds);
  }
}
