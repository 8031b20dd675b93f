/**
 * The `policy` command group: `check` and `test` work on files alone; `simulate` asks a served
 * gateway (or a local `--dir`) what a candidate policy would change over the recorded decisions.
 */

import {
  clean,
  EXIT_OK,
  EXIT_PROBLEMS,
  type Output,
  parseCommandArgs,
  readJsonFile,
  safeJson,
  table,
  UsageError,
} from '@actpass/edge/cli';
import type { PolicySimulation } from '@actpass/sdk';
import {
  type CompiledPolicy,
  compilePolicy,
  evaluate,
  findShadowedRules,
  type PolicyInput,
  type PolicyProblem,
} from '../policy/index.js';
import { withRemote } from './remote.js';
import { countFlag, instantFlag } from './time.js';

export function policyCheck(argv: string[], io: Output): number {
  const { positionals, flags } = parseCommandArgs('policy check', argv, { json: { type: 'boolean' } }, 1);
  const file = positionals[0];
  const compiled = compilePolicy(readJsonFile(file, 'policy file'));
  if (flags.json) {
    const shadowed = compiled.ok ? findShadowedRules(compiled.policy) : [];
    const ok = compiled.ok && shadowed.length === 0;
    io.out(safeJson({ file, ok, problems: compiled.ok ? [] : compiled.problems, shadowed }));
    return ok ? EXIT_OK : EXIT_PROBLEMS;
  }
  if (!compiled.ok) {
    io.out(`${file}: ${compiled.problems.length} problem(s)`);
    for (const problem of compiled.problems) io.out(`  ${describeProblem(problem)}`);
    return EXIT_PROBLEMS;
  }
  const shadowed = findShadowedRules(compiled.policy);
  for (const rule of shadowed) {
    io.out(
      `  rule ${rule.rule_id} (rules[${rule.index}]) can never match: rule ${rule.shadowed_by} above it always wins`,
    );
  }
  if (shadowed.length > 0) {
    io.out(`${file}: ${shadowed.length} shadowed rule(s); remove or reorder them`);
    return EXIT_PROBLEMS;
  }
  io.out(
    `${file}: ok (${compiled.policy.id} v${compiled.policy.version}, ${compiled.policy.rules.length} rules)`,
  );
  return EXIT_OK;
}

interface PolicyCase {
  name?: unknown;
  policy?: unknown;
  input?: Record<string, unknown>;
  expect?: Record<string, unknown>;
  expect_problems?: Array<{ rule_id: string | null; path: string; code: string }>;
}

export function policyTest(argv: string[], io: Output): number {
  const { positionals, flags } = parseCommandArgs('policy test', argv, { json: { type: 'boolean' } }, 2);
  const [policyFile, casesFile] = positionals;
  if (!casesFile) throw new UsageError('policy test: give a POLICY file and a CASES file.');
  const compiled = compilePolicy(readJsonFile(policyFile, 'policy file'));
  const document = readJsonFile(casesFile, 'cases file') as { cases?: unknown };
  if (!Array.isArray(document?.cases)) {
    throw new UsageError(`${casesFile}: expected {"cases": [{"name", "input", "expect"}]}; fix the file.`);
  }
  if (document.cases.length === 0) {
    throw new UsageError(`${casesFile}: "cases" is empty, so nothing would be tested; add a case.`);
  }
  let failed = 0;
  const results: Array<{ name: string; ok: boolean; problem?: string }> = [];
  document.cases.forEach((raw: PolicyCase, index: number) => {
    const name = typeof raw?.name === 'string' ? raw.name : `cases[${index}]`;
    const problem = runCase(raw, compiled);
    results.push({ name, ok: problem === null, ...(problem ? { problem } : {}) });
    if (problem) failed += 1;
    if (flags.json) return;
    io.out(problem ? `FAIL ${clean(name)}: ${clean(problem)}` : `ok   ${clean(name)}`);
  });
  if (flags.json) io.out(safeJson({ passed: document.cases.length - failed, failed, cases: results }));
  else io.out(`${document.cases.length - failed} passed, ${failed} failed`);
  return failed === 0 ? EXIT_OK : EXIT_PROBLEMS;
}

/** A case may carry its own policy (the shared vector format); otherwise the POLICY file is tested. */
function runCase(testCase: PolicyCase, fallback: ReturnType<typeof compilePolicy>): string | null {
  const compiled = testCase.policy === undefined ? fallback : compilePolicy(testCase.policy);
  if (testCase.expect_problems) {
    if (compiled.ok) return 'expected problems, the policy loaded';
    const got = compiled.problems.map((p) => `${p.rule_id}|${p.path}|${p.code}`).sort();
    const want = testCase.expect_problems.map((p) => `${p.rule_id}|${p.path}|${p.code}`).sort();
    return JSON.stringify(got) === JSON.stringify(want)
      ? null
      : `problems ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`;
  }
  if (!compiled.ok)
    return `the policy does not load: ${describeProblem(compiled.problems[0] as PolicyProblem)}`;
  if (!testCase.expect || !testCase.input) return 'a case needs "input" and "expect"';
  // A misspelt key would otherwise be ignored and the case pass while testing less than it says.
  const unknown = [
    ...unknownKeys('input', testCase.input, INPUT_KEYS),
    ...unknownKeys('expect', testCase.expect, EXPECT_KEYS),
  ];
  if (unknown.length > 0) return unknown.join('; ');
  return compareOutcome(compiled.policy, testCase.input, testCase.expect);
}

const INPUT_KEYS = ['tool', 'resource', 'goal', 'agent_id', 'user_id', 'mode', 'args', 'context', 'passport'];
const EXPECT_KEYS = ['decision', 'reason_code', 'risk_tier', 'matched_rules'];

function unknownKeys(where: string, value: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => `${where}.${clean(key)} is not a known key (use ${known.join(', ')})`);
}

function compareOutcome(
  policy: CompiledPolicy,
  input: Record<string, unknown>,
  expected: Record<string, unknown>,
) {
  const outcome = evaluate(policy, {
    mode: 'enforce',
    args: {},
    context: {},
    ...input,
  } as unknown as PolicyInput);
  const actual: Record<string, unknown> = {
    decision: outcome.decision,
    reason_code: outcome.reason_code,
    risk_tier: outcome.risk_tier,
    matched_rules: outcome.matched_rule === null ? [] : [outcome.matched_rule],
  };
  const differences = Object.keys(expected)
    .filter((key) => JSON.stringify(actual[key]) !== JSON.stringify(expected[key]))
    .map((key) => `${key} ${JSON.stringify(actual[key])}, expected ${JSON.stringify(expected[key])}`);
  return differences.length === 0 ? null : differences.join('; ');
}

function describeProblem(problem: PolicyProblem): string {
  const rule = problem.rule_id === null ? '' : ` (rule ${problem.rule_id})`;
  return `${problem.path}${rule}: ${problem.message} [${problem.code}]`;
}

/** `actpass policy simulate FILE [--since 24h]`: the what-if, exactly `POST /api/v1/policy/simulate`. */
export async function policySimulate(argv: string[], io: Output): Promise<number> {
  const command = 'policy simulate';
  const { positionals, flags } = parseCommandArgs(
    command,
    argv,
    {
      dir: { type: 'string' },
      tenant: { type: 'string' },
      json: { type: 'boolean' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      'after-seq': { type: 'string' },
    },
    1,
  );
  const file = positionals[0];
  const raw = readJsonFile(file, 'candidate policy file');
  const compiled = compilePolicy(raw);
  if (!compiled.ok) {
    io.out(`${file}: ${compiled.problems.length} problem(s); fix them before a what-if`);
    for (const problem of compiled.problems) io.out(`  ${describeProblem(problem)}`);
    return EXIT_PROBLEMS;
  }
  const since = instantFlag(command, 'since', flags.since);
  const until = instantFlag(command, 'until', flags.until);
  const params = {
    policy: compiled.policy.source,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    limit: countFlag(command, 'limit', flags.limit, 50),
    ...(flags['after-seq'] !== undefined
      ? { after_seq: countFlag(command, 'after-seq', flags['after-seq'], 0) }
      : {}),
  };
  const simulation = await withRemote(command, flags, 'admin', (client) =>
    client.policy.simulate(params as Parameters<typeof client.policy.simulate>[0]),
  );
  if (flags.json) io.out(safeJson(simulation));
  else for (const line of renderSimulation(simulation)) io.out(line);
  return EXIT_OK;
}

export function renderSimulation(simulation: PolicySimulation): string[] {
  const { summary, candidate, window } = simulation;
  const lines = [
    `What-if: ${clean(candidate.id)} v${candidate.version} over ${clean(window.since)} → ${clean(window.until)}`,
    `  ${summary.decisions} recorded decisions: ${summary.evaluated} re-evaluated, ${summary.held} held as recorded (passport, approval, drift, vault).`,
    `  ${summary.changed} would change, ${summary.unchanged} would not.`,
  ];
  for (const transition of summary.transitions) {
    lines.push(`    ${clean(transition.from)} → ${clean(transition.to)}: ${transition.count}`);
  }
  if (simulation.changes.length > 0) {
    lines.push(
      '',
      ...table(
        ['SEQ', 'AT', 'TOOL', 'RESOURCE', 'MODE', 'RECORDED', 'WOULD BE', 'BY RULE'],
        simulation.changes.map((change) => [
          change.seq,
          change.at,
          change.action.tool,
          change.action.resource ?? '-',
          change.mode,
          `${change.recorded.decision} (${change.recorded.reason_code})`,
          `${change.simulated.decision} (${change.simulated.reason_code})`,
          change.simulated.matched_rules[0] ?? 'default',
        ]),
      ),
    );
  }
  if (simulation.next_after_seq !== null) {
    lines.push(`More changes: add --after-seq ${simulation.next_after_seq}`);
  }
  return lines;
}
