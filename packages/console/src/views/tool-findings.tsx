/**
 * What the inspection found in a tool definition, shown so a person can judge it: code, severity,
 * where, the excerpt and the decoded hidden text (what tag characters spell, what a bidi override
 * hides). All of it is the tool author's text: rendered as text, every invisible character escaped.
 */
import type { ApiError } from '../api/errors.js';
import type { ToolFinding } from '../api/types.js';
import { text } from '../format.js';

const SEVERITY_ORDER: Record<string, number> = { high: 0, medium: 1, low: 2 };
// How the gateway's 409 `tool.suspicious` names each finding in its details: "<code> (<severity>): <decoded>".
const DETAIL = /^([a-z_]+\.[a-z_.]+) \((high|medium|low)\): ([\s\S]*)$/;

/** The findings a 409 `tool.suspicious` names, read from its details (the excerpt is not sent there). */
export function findingsFromConflict(error: ApiError): ToolFinding[] {
  const findings: ToolFinding[] = [];
  for (const detail of error.details) {
    const match = DETAIL.exec(detail.message);
    if (!match || !detail.path.startsWith('body.')) continue;
    findings.push({
      code: match[1] as ToolFinding['code'],
      severity: match[2] as ToolFinding['severity'],
      field: detail.path.slice('body.'.length),
      excerpt: '',
      decoded: match[3] as string,
    });
  }
  return findings;
}

export function bySeverity(findings: readonly ToolFinding[]): ToolFinding[] {
  return [...findings].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
}

export function severityCounts(findings: readonly ToolFinding[]): string {
  if (findings.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  return ['high', 'medium', 'low']
    .filter((severity) => counts.has(severity))
    .map((severity) => `${counts.get(severity)} ${severity}`)
    .join(', ');
}

export function FindingsTable({ findings, caption }: { findings: readonly ToolFinding[]; caption: string }) {
  if (findings.length === 0) return <p class="empty">The inspection found nothing.</p>;
  return (
    <table class="rows findings">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Severity</th>
          <th scope="col">Finding</th>
          <th scope="col">Where</th>
          <th scope="col">Hidden or flagged text (decoded)</th>
        </tr>
      </thead>
      <tbody>
        {bySeverity(findings).map((finding, index) => (
          <tr key={`${finding.code}|${finding.field}|${index}`} data-severity={finding.severity}>
            <td>
              <span class={`pill severity-${finding.severity}`}>{text(finding.severity)}</span>
            </td>
            <td>
              <code>{text(finding.code)}</code>
            </td>
            <td>
              <code>{text(finding.field)}</code>
            </td>
            <td>
              <pre class="decoded">{text(finding.decoded)}</pre>
              {finding.excerpt ? <p class="muted excerpt">as written: {text(finding.excerpt)}</p> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
