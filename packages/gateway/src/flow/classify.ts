/**
 * The gateway's own classification of tools, per tenant: tool-name globs (the policy's glob syntax)
 * mapped to flow labels, e.g. `{"crm.contacts.*": ["private_data"], "email.send": ["external_comm"]}`.
 * A call's labels are the union of every matching entry and what an enforcing proxy classified.
 */
import { compileGlob, type GlobMatcher } from '../policy/index.js';
import { type FlowLabel, isFlowLabel } from './labels.js';

export type FlowClassification = Readonly<Record<string, readonly FlowLabel[]>>;

export class ToolClassifier {
  readonly #entries: Array<{ matches: GlobMatcher; labels: readonly FlowLabel[] }>;

  constructor(classification: FlowClassification = {}) {
    this.#entries = Object.entries(classification).map(([pattern, labels]) => ({
      matches: compileGlob(pattern),
      labels,
    }));
  }

  labelsOf(tool: string): FlowLabel[] {
    const found = new Set<FlowLabel>();
    for (const entry of this.#entries)
      if (entry.matches(tool)) for (const label of entry.labels) found.add(label);
    return [...found];
  }
}

/** Every problem of a tenant's `flow.tools`, each naming its path; empty when it is usable. */
export function classificationProblems(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [`${path}: must map tool-name globs to lists of flow labels`];
  const problems: string[] = [];
  for (const [pattern, labels] of Object.entries(value)) {
    if (pattern === '' || pattern.length > 256)
      problems.push(`${path}["${pattern.slice(0, 64)}"]: must be a tool glob of 1-256 characters`);
    if (!Array.isArray(labels) || labels.length === 0 || !labels.every(isFlowLabel))
      problems.push(
        `${path}["${pattern.slice(0, 64)}"]: must be a non-empty list of private_data, untrusted_content, external_comm`,
      );
  }
  return problems;
}
