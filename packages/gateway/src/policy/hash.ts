import { canonicalize } from '@actpass/sdk/canonical';
import { sha256Hex } from '../crypto/hash.js';
import type { CompiledPolicy, Policy } from './types.js';

/**
 * The policy hash every decision records: hex SHA-256 of the RFC 8785 canonical form of
 * the policy as written and validated. Member order and whitespace do not change it; any edit does.
 */
export function policyHash(policy: Policy | CompiledPolicy): string {
  const source = 'source' in policy ? policy.source : policy;
  return sha256Hex(canonicalize(source));
}
