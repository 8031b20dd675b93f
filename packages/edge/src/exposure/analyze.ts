/**
 * Findings per agent: the lethal trifecta (untrusted input + sensitive access + external
 * communication), red+blue mixes (untrusted input beside a critical action), every tool surface that
 * does not go through ActPass, and every surface no rule could classify.
 */
import { sha256Hex } from '../hash.js';
import { visible } from '../inspect/index.js';
import { CATEGORY_LABELS, type Category, isBlue, isRed } from './categories.js';
import type { ClassifiedAgent, ClassifiedSurface, Finding, FindingKind, Severity } from './types.js';

const TRIFECTA: Category[] = ['untrusted_input', 'sensitive_access', 'external_communication'];

export function findExposures(agents: ClassifiedAgent[]): Finding[] {
  return agents.flatMap(agentFindings);
}

function agentFindings(agent: ClassifiedAgent): Finding[] {
  const findings: Finding[] = [];
  const holding = (category: Category) => agent.surfaces.filter((s) => s.categories.includes(category));
  const legs = TRIFECTA.map((category) => ({ category, surfaces: holding(category) }));
  if (legs.every((leg) => leg.surfaces.length > 0)) {
    const involved = unique(legs.flatMap((leg) => leg.surfaces));
    const parts = legs.map((leg) => `${CATEGORY_LABELS[leg.category]} (${names(leg.surfaces)})`);
    findings.push(
      finding(
        'lethal_trifecta',
        'high',
        agent,
        '',
        involved,
        `holds the lethal trifecta: ${parts.join('; ')}; ${gatedShare(involved)}`,
      ),
    );
  }
  const red = agent.surfaces.filter((s) => isRed(s.categories));
  const blue = agent.surfaces.filter((s) => isBlue(s.categories));
  if (red.length > 0 && blue.length > 0) {
    findings.push(
      finding(
        'red_blue_mix',
        'medium',
        agent,
        '',
        unique([...red, ...blue]),
        `mixes untrusted input (${names(red)}) with actions an attacker must not trigger (${names(blue)}); ${gatedShare(blue)}`,
      ),
    );
  }
  for (const surface of agent.surfaces) {
    const inspected = inspectionFinding(agent, surface);
    if (inspected) findings.push(inspected);
    if (surface.gate === null) {
      const serious = isBlue(surface.categories) || surface.categories.includes('sensitive_access');
      const what =
        surface.categories.length > 0
          ? surface.categories.map((c) => CATEGORY_LABELS[c]).join(', ')
          : 'capabilities unknown';
      const carries =
        surface.ownCredentials.length > 0
          ? `; carries its own credential (${surface.ownCredentials.join(', ')})`
          : '';
      findings.push(
        finding(
          'ungated_surface',
          serious ? 'high' : 'medium',
          agent,
          surface.name,
          [surface],
          `${surface.kind} ${surface.name} (${what}) does not go through ActPass${carries}`,
        ),
      );
    }
    if (surface.categories.length === 0) {
      findings.push(
        finding(
          'unclassified_surface',
          'info',
          agent,
          surface.name,
          [surface],
          `no rule classifies ${surface.kind} ${surface.name}; declare its capabilities, add a rule with --rules, or list its tools with --list-tools`,
        ),
      );
    }
  }
  return findings;
}

function finding(
  kind: FindingKind,
  severity: Severity,
  agent: Pick<ClassifiedAgent, 'name' | 'key'>,
  subject: string,
  surfaces: ClassifiedSurface[],
  summary: string,
): Finding {
  // The id names what the finding is about, not its wording (nor how a path was typed), so a
  // baseline survives rule changes and `./ws/x.json` vs `ws/x.json`.
  const id = `exp_${sha256Hex(JSON.stringify([kind, agent.key ?? agent.name, subject])).slice(0, 16)}`;
  return { id, kind, severity, agent: agent.name, summary, surfaces: surfaces.map((s) => s.name), new: true };
}

/** A listed tool whose definition the inspection flags: high holds it, medium only informs. */
function inspectionFinding(agent: ClassifiedAgent, surface: ClassifiedSurface): Finding | undefined {
  const findings = (surface.inspection ?? []).filter((f) => f.severity !== 'low');
  if (findings.length === 0) return undefined;
  const high = findings.some((f) => f.severity === 'high');
  const shown = findings
    .slice(0, 3)
    .map((f) => `${f.severity} ${f.code} in ${visible(f.field)}: ${f.decoded}`)
    .join('; ');
  const more = findings.length > 3 ? `; and ${findings.length - 3} more` : '';
  return finding(
    'suspicious_tool',
    high ? 'high' : 'info',
    agent,
    surface.name,
    [surface],
    `tool ${visible(surface.name)}: ${shown}${more}`,
  );
}

function gatedShare(surfaces: ClassifiedSurface[]): string {
  const gated = surfaces.filter((s) => s.gate !== null).length;
  return gated === surfaces.length
    ? 'every one of these surfaces goes through ActPass'
    : `${surfaces.length - gated} of ${surfaces.length} of these surfaces do not go through ActPass`;
}

function names(surfaces: ClassifiedSurface[]): string {
  return surfaces.map((s) => s.name).join(', ');
}

function unique(surfaces: ClassifiedSurface[]): ClassifiedSurface[] {
  return [...new Set(surfaces)];
}
