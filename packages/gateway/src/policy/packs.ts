import codeDeploys from '../../packs/code-deploys.json';
import codingAgent from '../../packs/coding-agent.json';
import codingAgents from '../../packs/coding-agents.json';
import crmWrites from '../../packs/crm-writes.json';
import outboundEmail from '../../packs/outbound-email.json';
import refunds from '../../packs/refunds.json';
import { loadPolicy } from './compile.js';
import type { CompiledPolicy } from './types.js';

/**
 * Prebuilt policies. Each is a plain JSON file in `packages/gateway/packs/`, shipped with the
 * package so the CLI and users can copy and edit it; the JSON is bundled here too, so loading a pack
 * needs no file system.
 */
export const PACK_NAMES = [
  'refunds',
  'code-deploys',
  'outbound-email',
  'crm-writes',
  'coding-agent',
  'coding-agents',
] as const;
export type PackName = (typeof PACK_NAMES)[number];

const PACKS: Readonly<Record<PackName, unknown>> = {
  refunds,
  'code-deploys': codeDeploys,
  'outbound-email': outboundEmail,
  'crm-writes': crmWrites,
  'coding-agent': codingAgent,
  'coding-agents': codingAgents,
};

export function isPackName(name: string): name is PackName {
  return (PACK_NAMES as readonly string[]).includes(name);
}

/** A pack as raw JSON (a fresh copy), e.g. to write out for editing. */
export function packSource(name: PackName): unknown {
  return structuredClone(PACKS[known(name)]);
}

/** A pack, compiled. Throws a RangeError for an unknown name. */
export function loadPack(name: PackName): CompiledPolicy {
  return loadPolicy(PACKS[known(name)]);
}

function known(name: string): PackName {
  if (!isPackName(name))
    throw new RangeError(`unknown policy pack "${name}"; known: ${PACK_NAMES.join(', ')}`);
  return name;
}
