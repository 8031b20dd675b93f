/** A baseline records accepted findings by id, so CI fails only on findings that are new. */
import type { Finding } from './types.js';

export interface Baseline {
  format: 'actpass.exposure-baseline/v1';
  findings: Array<{ id: string; kind: string; agent: string; summary: string }>;
}

export class BaselineError extends Error {
  override readonly name = 'BaselineError';
}

export function toBaseline(findings: Finding[]): Baseline {
  return {
    format: 'actpass.exposure-baseline/v1',
    findings: findings.map(({ id, kind, agent, summary }) => ({ id, kind, agent, summary })),
  };
}

export function readBaseline(json: unknown): Set<string> {
  const baseline = json as Partial<Baseline> | null;
  if (baseline?.format !== 'actpass.exposure-baseline/v1' || !Array.isArray(baseline.findings)) {
    throw new BaselineError(
      'not an exposure baseline (format actpass.exposure-baseline/v1); write one with `actpass exposure … --write-baseline FILE`',
    );
  }
  const ids = baseline.findings.map((f) => (f as { id?: unknown } | null)?.id);
  const bad = ids.findIndex((id) => typeof id !== 'string' || !/^exp_[0-9a-f]{16}$/.test(id));
  if (bad !== -1)
    throw new BaselineError(`findings[${bad}].id: must be an exp_… id written by --write-baseline`);
  return new Set(ids as string[]);
}

export function markNew(findings: Finding[], accepted: Set<string>): Finding[] {
  return findings.map((f) => ({ ...f, new: !accepted.has(f.id) }));
}
