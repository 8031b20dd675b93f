/**
 * The report as Markdown (for people and pull-request comments) or JSON (for machines). Config
 * strings are someone else's words: Markdown gets them escaped, invisible characters made visible,
 * and neither form ever carries an environment value, a header value or a command's arguments.
 */

import { type ToolFinding, visible } from '../inspect/index.js';
import { CATEGORY_LABELS } from './categories.js';
import type { ClassifiedAgent, ClassifiedSurface, ExposureReport, Finding } from './types.js';

export interface PublicSurface {
  kind: ClassifiedSurface['kind'];
  name: string;
  source: string;
  /** stdio: the command without its arguments; HTTP: the URL without query or credentials. */
  endpoint?: string;
  capabilities: string[];
  categories: string[];
  gate: string | null;
  own_credentials: string[];
  /** `--list-tools`: what inspecting the tool's definition found. */
  findings?: ToolFinding[];
}

export function toJson(report: ExposureReport): unknown {
  return {
    format: report.format,
    scanned: report.scanned,
    agents: report.agents.map((agent) => ({
      name: agent.name,
      sources: agent.sources,
      surfaces: agent.surfaces.map(publicSurface),
    })),
    findings: report.findings,
  };
}

function publicSurface(surface: ClassifiedSurface): PublicSurface {
  const out: PublicSurface = {
    kind: surface.kind,
    name: surface.name,
    source: surface.source,
    capabilities: surface.capabilities,
    categories: surface.categories,
    gate: surface.gate,
    own_credentials: surface.ownCredentials,
  };
  if (surface.inspection) out.findings = surface.inspection;
  if (surface.launch?.transport === 'stdio') out.endpoint = surface.launch.command;
  if (surface.launch?.transport === 'http') out.endpoint = safeUrl(surface.launch.url);
  return out;
}

function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a valid URL)';
  }
}

export function toMarkdown(report: ExposureReport): string {
  const surfaces = report.agents.reduce((n, a) => n + a.surfaces.length, 0);
  const newCount = report.findings.filter((f) => f.new).length;
  const lines = [
    '# ActPass exposure report',
    '',
    `Scanned ${report.scanned.length} file(s): ${report.agents.length} agent(s), ${surfaces} tool surface(s). ` +
      `${report.findings.length} finding(s), ${newCount} new.`,
  ];
  for (const agent of report.agents) lines.push('', ...agentSection(agent, report.findings));
  return `${lines.join('\n')}\n`;
}

function agentSection(agent: ClassifiedAgent, findings: Finding[]): string[] {
  const lines = [
    `## ${text(agent.name)}`,
    '',
    `Sources: ${agent.sources.map(text).join(', ')}`,
    '',
    '| surface | kind | categories | through ActPass |',
    '| --- | --- | --- | --- |',
  ];
  for (const s of agent.surfaces) {
    const categories =
      s.categories.length > 0 ? s.categories.map((c) => CATEGORY_LABELS[c]).join(', ') : 'unknown';
    lines.push(`| ${text(s.name)} | ${s.kind} | ${categories} | ${s.gate ?? '**no**'} |`);
  }
  const own = findings.filter((f) => f.agent === agent.name);
  lines.push('', own.length > 0 ? '### Findings' : 'No findings.');
  if (own.length > 0) lines.push('');
  for (const f of own) {
    lines.push(
      `- ${f.new ? '**new** ' : ''}${f.severity} · ${f.kind.replaceAll('_', ' ')} · \`${f.id}\`: ${text(f.summary)}`,
    );
  }
  return lines;
}

/**
 * Escapes a config-supplied string for Markdown: control, invisible, tag and bidi characters written
 * as visible `\uXXXX` escapes, then no markup and no HTML.
 */
export function text(value: string): string {
  return visible(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1');
}
