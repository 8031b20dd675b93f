/**
 * Rate limits and budgets on a rule: `limit: {rate: {max, window_seconds}, per?}` counts the actions
 * the rule's conditions cover; `limit: {budget: {arg, max, window_seconds}, per?}` sums an integer
 * argument over them. A rule with a limit matches only when its conditions hold AND this action would
 * pass the limit; until then evaluation goes on to the next rule. Counting happens outside the
 * evaluator (the gateway's `limits/`), which tells it whether each limit is reached.
 */
import { LIMIT_MAX_WINDOW_SECONDS, LIMIT_PER_KEYS } from './constants.js';
import type { PolicyProblem, ProblemCode, RuleLimit } from './types.js';
import { isPlainObject } from './validate-json.js';

type Report = (path: string, code: ProblemCode, message: string) => void;

const LIMIT_KEYS = ['rate', 'budget', 'per'];
const RATE_KEYS = ['max', 'window_seconds'];
const BUDGET_KEYS = ['arg', 'max', 'window_seconds'];
/** An argument path: `args.` and one or more member names. */
const ARG_PATH = /^args(\.[A-Za-z0-9_-]+)+$/;

/** Validates a rule's `limit`, reporting each problem with its field and the fix; a frozen copy. */
export function validateLimit(raw: unknown, at: string, ruleId: string | null, problems: PolicyProblem[]) {
  const report: Report = (path, code, message) => problems.push({ rule_id: ruleId, path, code, message });
  const before = problems.length;
  if (!isPlainObject(raw)) {
    report(at, 'invalid_type', 'limit must be an object: {"rate": {...}} or {"budget": {...}}, with "per"');
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!LIMIT_KEYS.includes(key)) {
      report(`${at}.${key}`, 'unknown_key', `unknown key "${key}"; a limit has rate or budget, and per`);
    }
  }
  const kinds = ['rate', 'budget'].filter((kind) => Object.hasOwn(raw, kind));
  if (kinds.length !== 1) {
    report(
      at,
      kinds.length === 0 ? 'missing_field' : 'invalid_value',
      'limit needs exactly one of rate ({max, window_seconds}) or budget ({arg, max, window_seconds})',
    );
    return undefined;
  }
  const kind = kinds[0] as 'rate' | 'budget';
  const body = raw[kind];
  const where = `${at}.${kind}`;
  if (!isPlainObject(body)) {
    report(where, 'invalid_type', `${kind} must be an object`);
    return undefined;
  }
  const allowed = kind === 'rate' ? RATE_KEYS : BUDGET_KEYS;
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      report(`${where}.${key}`, 'unknown_key', `unknown key "${key}"; ${kind} takes ${allowed.join(', ')}`);
    }
  }
  positiveInteger(body.max, `${where}.max`, 'max', Number.MAX_SAFE_INTEGER, report);
  positiveInteger(
    body.window_seconds,
    `${where}.window_seconds`,
    'window_seconds',
    LIMIT_MAX_WINDOW_SECONDS,
    report,
  );
  if (kind === 'budget' && (typeof body.arg !== 'string' || !ARG_PATH.test(body.arg))) {
    report(
      `${where}.arg`,
      body.arg === undefined ? 'missing_field' : 'invalid_value',
      'arg must name the integer argument to sum, e.g. "args.amount"',
    );
  }
  const per = raw.per ?? ['agent_id'];
  if (
    !Array.isArray(per) ||
    per.length === 0 ||
    per.some((key) => !(LIMIT_PER_KEYS as readonly unknown[]).includes(key)) ||
    new Set(per).size !== per.length
  ) {
    report(
      `${at}.per`,
      'invalid_value',
      `per must list distinct ones of ${LIMIT_PER_KEYS.join(', ')} (default ["agent_id"]): what the limit is counted per`,
    );
  }
  if (problems.length > before) return undefined;
  const copy =
    kind === 'rate'
      ? { rate: Object.freeze({ max: body.max, window_seconds: body.window_seconds }) }
      : { budget: Object.freeze({ arg: body.arg, max: body.max, window_seconds: body.window_seconds }) };
  return Object.freeze({
    ...copy,
    ...(Object.hasOwn(raw, 'per') ? { per: Object.freeze([...(per as string[])]) } : {}),
  }) as RuleLimit;
}

function positiveInteger(value: unknown, path: string, name: string, most: number, report: Report): void {
  if (value === undefined) report(path, 'missing_field', `${name} is required: a whole number ≥ 1`);
  else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > most) {
    report(path, 'invalid_value', `${name} must be a whole number from 1 to ${most}`);
  }
}
