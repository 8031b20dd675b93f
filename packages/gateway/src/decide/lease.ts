/**
 * Credential leases on `allow`. The lease travels only in the response: the ledger event
 * names the credential, never its value.
 */
import type { CredentialLease, Vault } from '../vault/index.js';
import { VaultNoKeyError } from '../vault/index.js';
import type { Verdict } from './verdict.js';

export type Lease = CredentialLease;

/** A lease for the tool, null when no credential is bound, or a refusal when one is bound but unusable. */
export type LeaseCredential = (
  tenantId: string,
  tool: string,
  toProxy: boolean,
) => Promise<{ lease: Lease | null } | { refusal: Verdict }>;

/**
 * The lease a replayed answer carries: a fresh one for the same credential, or null when that
 * credential was deleted, unbound from the tool, or can no longer be opened. A replay never resurrects
 * a secret the vault no longer hands out.
 */
export async function leaseAgain(
  leaseCredential: LeaseCredential,
  tenantId: string,
  carried: { tool: string; name: string },
  toProxy: boolean,
): Promise<Lease | null> {
  const leased = await leaseCredential(tenantId, carried.tool, toProxy);
  if ('refusal' in leased || leased.lease === null) return null;
  return leased.lease.name === carried.name ? leased.lease : null;
}

export function vaultLeaser(vault: Vault, nowMs: () => number): LeaseCredential {
  return async (tenantId, tool, toProxy) => {
    try {
      return { lease: await vault.leaseForTool(tenantId, tool, new Date(nowMs()), { toProxy }) };
    } catch (error) {
      if (!(error instanceof VaultNoKeyError)) throw error;
      // The tool needs its credential and the vault cannot open it: running it without one is not an allow.
      return {
        refusal: {
          decision: 'deny',
          reason_code: 'vault.no_key',
          risk_tier: 'high',
          matched_rules: [],
          summary: `A credential is bound to ${tool} but the vault has no key to open it.`,
          next_steps: [
            'Start the gateway with ACTPASS_VAULT_KEY set to the key the credential was stored with.',
          ],
        },
      };
    }
  };
}
