import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluate, evaluateLinear, type PolicyInput } from '../../src/policy/index.js';

const VECTOR_DIR = path.resolve(import.meta.dirname, '../../../contract/vectors/policy');

interface DecisionCase {
  name: string;
  /** `file › case` of the vector that replaces this one; a superseded case is not run. */
  superseded_by?: string;
  policy: unknown;
  input: PolicyInput;
  expect: { decision: string; reason_code: string; risk_tier: string; matched_rules: string[] };
}
interface InvalidCase {
  name: string;
  superseded_by?: string;
  policy: unknown;
  expect_problems: { rule_id: string | null; path: string; code: string }[];
}
type VectorCase = DecisionCase | InvalidCase;

const files = readdirSync(VECTOR_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();
const suites = files.map((file) => {
  // JSON.parse, not import: `__proto__` members in vectors must stay own members.
  const parsed = JSON.parse(readFileSync(path.join(VECTOR_DIR, file), 'utf8')) as { cases: VectorCase[] };
  return { file, cases: parsed.cases };
});

const byKey = (a: { path: string; code: string }, b: { path: string; code: string }) =>
  `${a.path}\u0000${a.code}` < `${b.path}\u0000${b.code}` ? -1 : 1;

describe('policy vectors', () => {
  it('has the shared vector files and enough cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    const total = suites.reduce((n, s) => n + s.cases.length, 0);
    expect(total).toBeGreaterThanOrEqual(60);
  });

  for (const { file, cases } of suites) {
    describe(file, () => {
      for (const vector of cases) {
        if (vector.superseded_by !== undefined) {
          it(`${vector.name} (superseded by ${vector.superseded_by})`, () => {
            const [target, name] = vector.superseded_by!.split(' › ');
            const replacement = suites
              .find((suite) => suite.file === target)
              ?.cases.find((c) => c.name === name);
            expect(replacement, 'the superseding case exists').toBeDefined();
          });
          continue;
        }
        it(vector.name, () => {
          const compiled = compilePolicy(vector.policy);
          if ('expect_problems' in vector) {
            expect(compiled.ok).toBe(false);
            const problems = compiled.ok ? [] : compiled.problems;
            const actual = problems.map(({ rule_id, path, code }) => ({ rule_id, path, code })).sort(byKey);
            expect(actual).toEqual([...vector.expect_problems].sort(byKey));
            return;
          }
          if (!compiled.ok) throw new Error(`vector policy rejected: ${JSON.stringify(compiled.problems)}`);
          for (const run of [evaluate, evaluateLinear]) {
            const outcome = run(compiled.policy, vector.input);
            expect({
              decision: outcome.decision,
              reason_code: outcome.reason_code,
              risk_tier: outcome.risk_tier,
              matched_rules: outcome.matched_rule === null ? [] : [outcome.matched_rule],
            }).toEqual(vector.expect);
          }
        });
      }
    });
  }
});
