/**
 * What an admin may ask to suspend. Bounds match the contract; beyond it, a reason carries no control
 * or bidi-override characters (it is read by people in terminals and the console), and a tool match is
 * a tool name or a tool glob.
 */
import { toolGlobProblem } from '../policy/index.js';
import { InvalidInputError } from '../store/errors.js';
import type { SuspensionScope } from '../store/types.js';

export interface SuspensionInput {
  scope: SuspensionScope;
  match?: string;
  reason: string;
  until?: string;
}

export const TENANT_MATCH = '*';
/** Same alphabet as the contract's tool names: a literal tool is matched exactly. */
const TOOL_LITERAL = /^[A-Za-z0-9_.:/-]{1,256}$/;
/** C0 and C1 controls, line/paragraph separators, bidi marks, embeddings, overrides, isolates, BOM. */
function unsafeCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
    if (code === 0x2028 || code === 0x2029 || code === 0x200e || code === 0x200f || code === 0xfeff)
      return true;
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
  }
  return false;
}

export interface ValidSuspension {
  scope: SuspensionScope;
  match: string;
  reason: string;
  untilMs?: number;
}

export function validateSuspension(input: SuspensionInput, nowMs: number): ValidSuspension {
  const reason = input.reason.trim();
  if (reason.length === 0) throw invalid('body.reason', 'is blank; say why the suspension is needed');
  if (unsafeCharacter(reason)) {
    throw invalid(
      'body.reason',
      'holds a control or bidi-override character; write the reason as plain text',
    );
  }
  const match = matchFor(input.scope, input.match);
  if (input.until === undefined) return { scope: input.scope, match, reason };
  const untilMs = Date.parse(input.until);
  if (!Number.isFinite(untilMs)) throw invalid('body.until', 'is not an RFC 3339 time');
  if (untilMs <= nowMs) {
    throw invalid('body.until', 'is not in the future; leave it out to suspend until resumed');
  }
  return { scope: input.scope, match, reason, untilMs };
}

function matchFor(scope: SuspensionScope, match: string | undefined): string {
  if (scope === 'tenant') {
    if (match !== undefined && match !== TENANT_MATCH) {
      throw invalid('body.match', 'must be left out (or "*") for scope tenant: the tenant is the key\'s');
    }
    return TENANT_MATCH;
  }
  if (match === undefined) {
    throw invalid('body.match', `is required for scope ${scope}: give the ${SUBJECT[scope]}`);
  }
  if (scope === 'tool' && !TOOL_LITERAL.test(match) && toolGlobProblem(match) !== null) {
    throw invalid(
      'body.match',
      `is not a tool name or glob; use dot-separated segments with "*" or "**", e.g. "stripe.refund.*"`,
    );
  }
  // Agent and user ids are matched exactly as preflights send them, whatever they hold: an agent whose
  // id carries odd characters must still be stoppable. Outputs escape them.
  return match;
}

const SUBJECT: Record<Exclude<SuspensionScope, 'tenant'>, string> = {
  agent: 'agent id to stop',
  user: 'user id to stop',
  tool: 'tool name or glob to stop, e.g. "stripe.refund.*"',
};

function invalid(path: string, problem: string): InvalidInputError {
  return new InvalidInputError(`${path} ${problem}.`, [{ path, message: problem }]);
}
