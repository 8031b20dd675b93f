/** Turns each surface's capabilities (declared, or inferred from names by the rules) into categories. */
import { CATEGORIES, type Category } from './categories.js';
import type { ExposureRules, NameRule } from './rules.js';
import { launchIdentity } from './sources/launch-identity.js';
import type { Agent, ClassifiedAgent, ClassifiedSurface, Surface } from './types.js';
import { wildcardMatch } from './wildcard.js';

export function classifyAgents(agents: Agent[], rules: ExposureRules): ClassifiedAgent[] {
  return agents.map((agent) => ({
    ...agent,
    surfaces: agent.surfaces.map((s) => classifySurface(s, rules)),
  }));
}

export function classifySurface(surface: Surface, rules: ExposureRules): ClassifiedSurface {
  const capabilities =
    surface.capabilities.length > 0 ? surface.capabilities : inferCapabilities(surface, rules);
  const found = new Set<Category>();
  for (const capability of capabilities) {
    for (const category of categoriesOf(capability, rules)) found.add(category);
  }
  // Annotations come from the server itself, so they can add risk but never take it away: a server
  // that says `readOnlyHint: true` about a tool that writes would otherwise hide it.
  if (surface.annotations?.destructiveHint === true) found.add('critical_action');
  if (surface.annotations?.openWorldHint === true) {
    found.add('untrusted_input');
    found.add('external_communication');
  }
  return { ...surface, capabilities, categories: CATEGORIES.filter((c) => found.has(c)) };
}

function inferCapabilities(surface: Surface, rules: ExposureRules): string[] {
  if (surface.kind === 'mcp-server') {
    const identity = surface.launch ? launchIdentity(surface.launch) : surface.name;
    return matching(rules.mcp_servers, identity);
  }
  const bare = surface.name.slice(surface.name.lastIndexOf('.') + 1);
  return matching(rules.tool_names, bare);
}

function matching(rules: NameRule[], text: string): string[] {
  const found = new Set<string>();
  for (const rule of rules) {
    if (wildcardMatch(rule.match, text)) for (const capability of rule.capabilities) found.add(capability);
  }
  return [...found];
}

function categoriesOf(capability: string, rules: ExposureRules): Category[] {
  const exact = rules.capabilities[capability];
  if (exact) return exact;
  const found = new Set<Category>();
  for (const [pattern, categories] of Object.entries(rules.capabilities)) {
    if (pattern.includes('*') && wildcardMatch(pattern, capability)) for (const c of categories) found.add(c);
  }
  return [...found];
}
