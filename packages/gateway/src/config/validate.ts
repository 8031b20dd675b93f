/**
 * Configuration is checked up front and every mistake is named with its path, so a gateway never
 * starts half-configured (a key for an unknown tenant would otherwise fail only on first use).
 */
import { ROLES, type Role } from '../auth/index.js';
import { oidcConfigProblems } from '../auth/oidc/index.js';
import { classificationProblems } from '../flow/index.js';
import { compilePolicy, isPackName, PACK_NAMES } from '../policy/index.js';
import type { GatewayConfig } from './types.js';

export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
}

const TENANT_ID = /^[A-Za-z0-9_.-]{1,128}$/;

export function validateConfig(config: GatewayConfig): void {
  const problems: string[] = [];
  if (!config || !Array.isArray(config.tenants) || config.tenants.length === 0) {
    throw new GatewayConfigError('config.tenants: must list at least one tenant, e.g. [{ id: "acme" }].');
  }
  const tenantIds = new Set<string>();
  config.tenants.forEach((tenant, index) => {
    if (typeof tenant?.id !== 'string' || !TENANT_ID.test(tenant.id)) {
      problems.push(`config.tenants[${index}].id: must be 1-128 letters, digits, ".", "_" or "-".`);
    } else if (tenantIds.has(tenant.id)) {
      problems.push(`config.tenants[${index}].id: "${tenant.id}" is listed twice.`);
    } else {
      tenantIds.add(tenant.id);
    }
    problems.push(...policyProblems(tenant?.policy, `config.tenants[${index}].policy`));
    problems.push(...classificationProblems(tenant?.flow?.tools, `config.tenants[${index}].flow.tools`));
  });
  if (!Array.isArray(config.apiKeys)) problems.push('config.apiKeys: must be an array of API keys.');
  (config.apiKeys ?? []).forEach((key, index) => {
    const at = `config.apiKeys[${index}]`;
    const hasKey = typeof key?.key === 'string' && key.key.length > 0;
    const hasHash = typeof key?.keyHash === 'string';
    if (hasKey === hasHash) problems.push(`${at}: give exactly one of key or keyHash.`);
    if (!tenantIds.has(key?.tenantId))
      problems.push(`${at}.tenantId: "${key?.tenantId}" is not in config.tenants.`);
    if (
      !Array.isArray(key?.roles) ||
      key.roles.length === 0 ||
      !key.roles.every((r: Role) => ROLES.includes(r))
    ) {
      problems.push(`${at}.roles: must be a non-empty list of ${ROLES.join(', ')}.`);
    }
    if (key?.agentId !== undefined && (typeof key.agentId !== 'string' || key.agentId.length === 0)) {
      problems.push(`${at}.agentId: must be a non-empty string when given.`);
    }
  });
  if (config.oidc !== undefined) {
    problems.push(...oidcConfigProblems(config.oidc, tenantIds, config.env ?? process.env));
  }
  if (config.approvalTtlSeconds !== undefined && !(config.approvalTtlSeconds > 0)) {
    problems.push('config.approvalTtlSeconds: must be a positive number of seconds.');
  }
  if (
    config.maxBodyBytes !== undefined &&
    !(Number.isSafeInteger(config.maxBodyBytes) && config.maxBodyBytes > 0)
  ) {
    problems.push('config.maxBodyBytes: must be a positive integer.');
  }
  if (problems.length > 0) throw new GatewayConfigError(problems.join('\n'));
}

function policyProblems(policy: unknown, at: string): string[] {
  if (policy === undefined) return [];
  if (typeof policy === 'string') {
    return isPackName(policy)
      ? []
      : [`${at}: unknown pack "${policy}"; known packs: ${PACK_NAMES.join(', ')}.`];
  }
  const compiled = compilePolicy(policy);
  if (compiled.ok) return [];
  return compiled.problems.map((problem) => `${at}.${problem.path}: ${problem.message}`);
}
