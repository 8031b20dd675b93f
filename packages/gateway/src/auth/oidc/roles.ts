/**
 * Roles from the ID token's claims: the configured claim (a dotted path such as `realm_access.roles`
 * reaches into an object) holds a string or an array of strings, and each configured value grants its
 * role. Only the people's roles can be granted this way: approver and admin, never agent or proxy.
 */
import type { Role } from '../keys.js';

export type PersonRole = Extract<Role, 'approver' | 'admin'>;
export const PERSON_ROLES: readonly PersonRole[] = ['approver', 'admin'];

export interface RoleMapping {
  /** The claim holding group or role names. */
  claim: string;
  /** Claim values that grant each role. */
  values: Partial<Record<PersonRole, readonly string[]>>;
}

export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims;
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    if (!Object.hasOwn(value, segment)) return [];
    value = (value as Record<string, unknown>)[segment];
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

export function mapRoles(claims: Record<string, unknown>, mapping: RoleMapping): PersonRole[] {
  const held = new Set(claimValues(claims, mapping.claim));
  return PERSON_ROLES.filter((role) => (mapping.values[role] ?? []).some((value) => held.has(value)));
}
