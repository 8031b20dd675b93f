import type { PolicyProblem } from './types.js';

const SHOWN_PROBLEMS = 5;

/** Thrown by `loadPolicy` for callers who prefer exceptions; carries every problem found. */
export class PolicyError extends Error {
  readonly code = 'policy.invalid';
  readonly problems: readonly PolicyProblem[];

  constructor(problems: readonly PolicyProblem[]) {
    const listed = problems.slice(0, SHOWN_PROBLEMS).map((p) => `${p.path}: ${p.message}`);
    const more = problems.length > SHOWN_PROBLEMS ? `; and ${problems.length - SHOWN_PROBLEMS} more` : '';
    super(`invalid policy (${problems.length} problem(s)): ${listed.join('; ')}${more}`);
    this.name = 'PolicyError';
    this.problems = problems;
  }
}
