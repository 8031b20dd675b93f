import { createHash } from 'node:crypto';
import { canonicalize } from '@actpass/sdk/canonical';
import type { CompiledPolicy, Policy } from './types.js';

/**
 * The policy hash every decision records (SPEC §5, §10): hex SHA-256 of the RFC 8785 canonical form of
 * the policy as written and validated. Member order and whitespace do not change it; any edit does.
 */
export function policyHash(policy: Policy | CompiledPolicy): string {
  const source = 'source' in policy ? policy.source : policy;
  return createHash('sha256').update(canonicalize(source), 'utf8').digest('hex');
}
