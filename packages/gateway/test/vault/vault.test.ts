import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  MemoryVaultStore,
  openSecret,
  parseVaultKey,
  sealSecret,
  Vault,
  VaultDecryptError,
  VaultInputError,
  VaultKek,
  VaultKeyError,
  VaultNoKeyError,
} from '../../src/vault/index.js';

const SECRET = 'sk_live_51Hsecret_value_never_to_be_seen';
const KEY_B64 = randomBytes(32).toString('base64');
const NOW = new Date('2026-03-01T12:00:00.000Z');

function vault(kek: VaultKek | null = parseVaultKey(KEY_B64), store = new MemoryVaultStore()) {
  return { vault: new Vault({ kek, store, clock: () => NOW }), store };
}

const leaks = (value: unknown) => {
  const text = `${JSON.stringify(value)} ${inspect(value, { depth: 10, showHidden: true })} ${String(value)}`;
  return (
    text.includes(SECRET) ||
    text.includes(KEY_B64) ||
    text.includes(Buffer.from(SECRET).toString('base64url'))
  );
};

describe('ACTPASS_VAULT_KEY parsing', () => {
  it('accepts 32 bytes of base64 (standard or url-safe, surrounding whitespace ignored)', () => {
    const key = randomBytes(32);
    expect(parseVaultKey(key.toString('base64'))?.id).toMatch(/^kek_[0-9a-f]{16}$/);
    expect(parseVaultKey(` ${key.toString('base64url')}\n`)?.id).toBe(
      parseVaultKey(key.toString('base64'))?.id,
    );
    expect(parseVaultKey(undefined)).toBeNull();
    expect(parseVaultKey('')).toBeNull();
  });

  it.each([
    ['too short', randomBytes(16).toString('base64'), /decodes to 16/],
    ['too long', randomBytes(48).toString('base64'), /decodes to 48/],
    ['not base64', 'this is not a key!', /not base64/],
  ])('rejects a key that is %s, naming the variable and the fix but not the value', (_name, value, why) => {
    const error = (() => {
      try {
        parseVaultKey(value);
      } catch (e) {
        return e as VaultKeyError;
      }
    })();
    expect(error).toBeInstanceOf(VaultKeyError);
    expect(error?.message).toMatch(why);
    expect(error?.message).toContain('ACTPASS_VAULT_KEY');
    expect(error?.message).toContain('openssl rand -base64 32');
    expect(error?.message).not.toContain(value);
  });

  it('never shows key bytes when a KEK is logged or serialized', () => {
    const kek = parseVaultKey(KEY_B64)!;
    expect(leaks(kek)).toBe(false);
    expect(JSON.parse(JSON.stringify({ kek }))).toEqual({ kek: { id: kek.id } });
    expect(leaks(vault(kek).vault)).toBe(false);
  });
});

describe('Vault', () => {
  it('refuses to store without a key, with reason vault.no_key and how to set one', async () => {
    const { vault: keyless } = vault(null);
    const error = await keyless
      .put('t1', 'stripe', SECRET, { boundTools: ['stripe.*'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultNoKeyError);
    expect(error).toMatchObject({ reason_code: 'vault.no_key' });
    expect((error as Error).message).toContain('ACTPASS_VAULT_KEY');
    expect((error as Error).message).toContain('openssl rand -base64 32');
    expect(Vault.fromEnv({}).hasKey).toBe(false);
    expect(Vault.fromEnv({ ACTPASS_VAULT_KEY: KEY_B64 }).hasKey).toBe(true);
    expect(() => Vault.fromEnv({ ACTPASS_VAULT_KEY: 'short' })).toThrow(VaultKeyError);
  });

  it('returns metadata only, and versions each put', async () => {
    const { vault: v, store } = vault();
    const first = await v.put('t1', 'stripe', SECRET, { boundTools: ['stripe.refund'] });
    expect(first).toEqual({
      name: 'stripe',
      bound_tools: ['stripe.refund'],
      delivery: 'sdk',
      version: 1,
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
      lease_ttl_seconds: 300,
    });
    const second = await v.put('t1', 'stripe', `${SECRET}-2`, {
      boundTools: ['stripe.*'],
      ttlSeconds: 99999,
    });
    expect(second).toMatchObject({ version: 2, lease_ttl_seconds: 3600 });
    const listed = await v.list('t1');
    expect(listed).toEqual([second]);
    expect(await v.get('t1', 'stripe')).toEqual(second);
    for (const value of [first, second, listed, await store.list('t1')]) expect(leaks(value)).toBe(false);
    expect(await v.list('t2')).toEqual([]);
  });

  it('leases only for bound tools (exact or glob), with an expiry from the lease TTL', async () => {
    const { vault: v } = vault();
    await v.put('t1', 'stripe', SECRET, { boundTools: ['stripe.*'], ttlSeconds: 60 });
    await v.put('t1', 'github', 'ghp_other', { boundTools: ['github.create_pr'] });
    expect(await v.leaseForTool('t1', 'stripe.refund', NOW)).toEqual({
      name: 'stripe',
      value: SECRET,
      expires_at: '2026-03-01T12:01:00.000Z',
    });
    expect(await v.leaseForTool('t1', 'github.create_pr', NOW)).toMatchObject({
      name: 'github',
      value: 'ghp_other',
    });
    expect(await v.leaseForTool('t1', 'github.merge', NOW)).toBeNull();
    expect(await v.leaseForTool('t1', 'Stripe.refund', NOW)).toBeNull();
    expect(await v.leaseForTool('t2', 'stripe.refund', NOW)).toBeNull();
  });

  it('leases a proxy-delivered credential only to the proxy, and refuses an unknown delivery', async () => {
    const { vault: v } = vault();
    const stored = await v.put('t1', 'stripe', SECRET, { boundTools: ['stripe.*'], delivery: 'proxy' });
    expect(stored.delivery).toBe('proxy');
    expect(await v.leaseForTool('t1', 'stripe.refund', NOW)).toBeNull();
    expect(await v.leaseForTool('t1', 'stripe.refund', NOW, { toProxy: false })).toBeNull();
    expect(await v.leaseForTool('t1', 'stripe.refund', NOW, { toProxy: true })).toMatchObject({
      name: 'stripe',
      value: SECRET,
    });
    await v.put('t1', 'github', 'ghp_other', { boundTools: ['github.*'] });
    expect(await v.leaseForTool('t1', 'github.merge', NOW, { toProxy: true })).toMatchObject({
      value: 'ghp_other',
    });
    await expect(v.put('t1', 'x', SECRET, { boundTools: ['x'], delivery: 'agent' as never })).rejects.toThrow(
      /delivery/,
    );
  });

  it('prefers an exact binding over a glob', async () => {
    const { vault: v } = vault();
    await v.put('t1', 'a-wide', 'wide', { boundTools: ['*'] });
    await v.put('t1', 'z-exact', 'exact', { boundTools: ['deploy'] });
    expect((await v.leaseForTool('t1', 'deploy', NOW))?.value).toBe('exact');
    expect((await v.leaseForTool('t1', 'other', NOW))?.value).toBe('wide');
  });

  it('binds with the tool globs of policies and passports: * inside one segment, ** across', async () => {
    const { vault: v } = vault();
    await v.put('t1', 'stripe-one', 'one', { boundTools: ['stripe.*'] });
    await v.put('t1', 'stripe-all', 'all', { boundTools: ['github.**', 'stripe.refund.**'] });
    expect((await v.leaseForTool('t1', 'stripe.refund', NOW))?.value).toBe('all');
    expect((await v.leaseForTool('t1', 'stripe.charge', NOW))?.value).toBe('one');
    // `stripe.*` used to reach any depth; a lease for a deeper tool now needs a `**` binding.
    expect((await v.leaseForTool('t1', 'stripe.refund.create', NOW))?.value).toBe('all');
    expect(await v.leaseForTool('t1', 'stripe.admin.wipe', NOW)).toBeNull();
    // Not tool names: no binding reaches them.
    for (const tool of ['stripe.', 'stripe..refund', 'stripe.refund/../x', 'stripe.ref und']) {
      expect(await v.leaseForTool('t1', tool, NOW)).toBeNull();
    }
  });

  it('refuses a binding that is neither a tool name nor a tool glob, naming the entry', async () => {
    const { vault: v } = vault();
    for (const pattern of ['stripe/*', '.*', 'stripe.re**', '../secrets', 'a b', 'stripe.[ab]']) {
      const error = await v
        .put('t1', 'k', SECRET, { boundTools: ['stripe.refund', pattern] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultInputError);
      expect((error as Error).message).toMatch(/^bound_tools\[1\] is not a tool name or tool glob/);
      expect((error as Error).message).not.toContain(SECRET);
    }
    expect(await v.list('t1')).toEqual([]);
  });

  it('deletes', async () => {
    const { vault: v } = vault();
    await v.put('t1', 'stripe', SECRET, { boundTools: ['stripe.*'] });
    expect(await v.delete('t1', 'stripe')).toBe(true);
    expect(await v.delete('t1', 'stripe')).toBe(false);
    expect(await v.leaseForTool('t1', 'stripe.refund', NOW)).toBeNull();
  });

  it('a ciphertext moved to another tenant, name or version fails to decrypt, without leaking', async () => {
    const { vault: v, store } = vault();
    await v.put('t1', 'stripe', SECRET, { boundTools: ['stripe.*'] });
    const original = (await store.get('t1', 'stripe'))!;
    const moves = [
      { ...original, tenant_id: 't2' },
      { ...original, name: 'stripe2' },
    ];
    await store.delete('t1', 'stripe');
    for (const moved of moves) {
      await store.put(moved);
      const error = await v.leaseForTool(moved.tenant_id, 'stripe.refund', NOW).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultDecryptError);
      expect(leaks(error)).toBe(false);
      expect(leaks((error as Error).stack)).toBe(false);
    }
    // Same row, but the record claims another version: both the pre-check and the AAD refuse it.
    await store.delete('t1', 'stripe2');
    await store.put({ ...original, version: 2 });
    await expect(v.leaseForTool('t1', 'stripe.refund', NOW)).rejects.toThrow(VaultDecryptError);
    const kek = parseVaultKey(KEY_B64)!;
    const forgedVersion = { ...original.envelope, version: 2 };
    expect(() => openSecret(kek, { tenant_id: 't1', name: 'stripe', version: 2 }, forgedVersion)).toThrow(
      /authentication failed/,
    );
  });

  it('a wrong KEK fails with a clear, secret-free error', async () => {
    const store = new MemoryVaultStore();
    await vault(parseVaultKey(KEY_B64), store).vault.put('t1', 'stripe', SECRET, { boundTools: ['x'] });
    const other = vault(new VaultKek(randomBytes(32)), store).vault;
    const error = await other.leaseForTool('t1', 'x', NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultDecryptError);
    expect((error as Error).message).toMatch(/different ACTPASS_VAULT_KEY/);
    expect(leaks(error)).toBe(false);

    // Even with a forged kek_id the GCM tag refuses the wrong key.
    const record = (await store.get('t1', 'stripe'))!;
    const wrong = new VaultKek(randomBytes(32));
    const envelope = { ...record.envelope, kek_id: wrong.id };
    expect(() => openSecret(wrong, { tenant_id: 't1', name: 'stripe', version: 1 }, envelope)).toThrow(
      /authentication failed/,
    );
  });

  it('detects any flipped bit in the envelope', () => {
    const kek = parseVaultKey(KEY_B64)!;
    const binding = { tenant_id: 't1', name: 'n', version: 1 };
    const envelope = sealSecret(kek, binding, Buffer.from(SECRET));
    for (const field of ['wrapped_key', 'wrap_iv', 'wrap_tag', 'ciphertext', 'iv', 'tag'] as const) {
      const bytes = Buffer.from(envelope[field], 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      expect(() => openSecret(kek, binding, { ...envelope, [field]: bytes.toString('base64url') })).toThrow(
        VaultDecryptError,
      );
    }
    expect(openSecret(kek, binding, envelope).toString()).toBe(SECRET);
  });

  it('uses a fresh data key and IVs per version', () => {
    const kek = parseVaultKey(KEY_B64)!;
    const binding = { tenant_id: 't1', name: 'n', version: 1 };
    const a = sealSecret(kek, binding, Buffer.from(SECRET));
    const b = sealSecret(kek, binding, Buffer.from(SECRET));
    expect(a.wrapped_key).not.toBe(b.wrapped_key);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it.each([
    ['a bad name', 't1', '../etc', SECRET, ['x']],
    ['no bound tools list', 't1', 'ok', SECRET, undefined],
    ['an empty tool', 't1', 'ok', SECRET, ['']],
    ['an empty secret', 't1', 'ok', '', ['x']],
    ['an oversize secret', 't1', 'ok', 'x'.repeat(64 * 1024 + 1), ['x']],
  ])('rejects %s', async (_name, tenant, name, secret, boundTools) => {
    const { vault: v } = vault();
    await expect(v.put(tenant, name, secret, { boundTools: boundTools as string[] })).rejects.toThrow(
      VaultInputError,
    );
  });
});
