/**
 * Policy what-if: the policy stage of recorded decisions re-run under a candidate policy.
 *
 * Pure: it reads the events it is handed and returns a summary; nothing is written anywhere. Only the
 * policy stage is re-run. A decision settled before the policy (a refused passport, an approval
 * re-run, a drifted or unregistered tool, a vault refusal) is held as recorded; such verdicts carry no
 * matched rule and a reason in one of the gateway's own namespaces. Answers are compared as enforce
 * gives them: for monitor and warn traffic, the recorded `would_decision`.
 *
 * The policy input is rebuilt from the decision event: the action (recorded whole), its mode and
 * context, and, when a passport was used, the claims its `passport.issued` event recorded (the
 * issuance-time claims; `iss`, `iat` and `nbf` are not recorded and read as missing).
 */
import { PRE_POLICY_REASON_PREFIXES } from '../constants.js';
import { evaluate } from './evaluate.js';
import { policyHash } from './hash.js';
import type { CompiledPolicy, DecisionValue, JsonObject, PolicyInput, RiskTier } from './types.js';

/** A ledger event as the what-if reads it (structurally a `LedgerEvent`). */
export interface RecordedEvent {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly data: JsonObject;
}

export interface SimulationWindow {
  sinceMs: number;
  untilMs: number;
}

export interface SimulationPage {
  /** Changes with `seq` greater than this. */
  afterSeq: number;
  limit: number;
}

export interface SimulatedOutcome {
  decision: DecisionValue;
  reason_code: string;
  risk_tier?: RiskTier;
  matched_rules: string[];
}

export interface SimulatedChange {
  seq: number;
  event_id: string;
  at: string;
  mode: string;
  action_hash: string;
  action: JsonObject;
  recorded: SimulatedOutcome;
  simulated: SimulatedOutcome;
}

export interface DecisionTransition {
  from: DecisionValue;
  to: DecisionValue;
  count: number;
}

export interface PolicySimulation {
  window: { since: string; until: string };
  candidate: { id: string; version: number; hash: string };
  summary: {
    decisions: number;
    evaluated: number;
    held: number;
    unchanged: number;
    changed: number;
    transitions: DecisionTransition[];
  };
  changes: SimulatedChange[];
  next_after_seq: number | null;
}

export async function simulatePolicy(
  candidate: CompiledPolicy,
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  window: SimulationWindow,
  page: SimulationPage,
): Promise<PolicySimulation> {
  const passports = new Map<string, JsonObject>();
  const transitions = new Map<string, DecisionTransition>();
  const changes: SimulatedChange[] = [];
  let decisions = 0;
  let held = 0;
  let changed = 0;
  let more = false;

  for await (const event of events) {
    if (event.type === 'passport.issued') {
      rememberPassport(passports, event.data);
      continue;
    }
    if (event.type !== 'decision') continue;
    const at = Date.parse(event.at);
    if (!(at >= window.sinceMs && at < window.untilMs)) continue;
    decisions += 1;
    const recorded = recordedOutcome(event.data);
    const input = recorded && !isHeld(recorded) ? policyInput(event.data, passports) : null;
    if (!recorded || !input) {
      held += 1;
      continue;
    }
    const outcome = evaluate(candidate, input);
    if (outcome.decision === recorded.decision) continue;
    changed += 1;
    const key = `${recorded.decision}\u0000${outcome.decision}`;
    const transition = transitions.get(key);
    if (transition) transition.count += 1;
    else transitions.set(key, { from: recorded.decision, to: outcome.decision, count: 1 });
    if (event.seq <= page.afterSeq) continue;
    if (changes.length >= page.limit) {
      more = true;
      continue;
    }
    changes.push({
      seq: event.seq,
      event_id: event.id,
      at: event.at,
      mode: String(event.data.mode),
      action_hash: String(event.data.action_hash),
      action: event.data.action as JsonObject,
      recorded,
      simulated: {
        decision: outcome.decision,
        reason_code: outcome.reason_code,
        risk_tier: outcome.risk_tier,
        matched_rules: outcome.matched_rule === null ? [] : [outcome.matched_rule],
      },
    });
  }

  const evaluated = decisions - held;
  return {
    window: { since: new Date(window.sinceMs).toISOString(), until: new Date(window.untilMs).toISOString() },
    candidate: { id: candidate.id, version: candidate.version, hash: policyHash(candidate) },
    summary: {
      decisions,
      evaluated,
      held,
      unchanged: evaluated - changed,
      changed,
      transitions: [...transitions.values()].sort(
        (a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
      ),
    },
    changes,
    next_after_seq: more ? (changes.at(-1)?.seq ?? null) : null,
  };
}

const DECISIONS: ReadonlySet<string> = new Set([
  'allow',
  'deny',
  'require_approval',
  'require_tool_reapproval',
  'warn',
]);

/** What enforce answered, or would have answered, when the decision was recorded; null if unreadable. */
function recordedOutcome(data: JsonObject): SimulatedOutcome | null {
  const enforce = data.would_decision ?? data.decision;
  if (typeof enforce !== 'string' || !DECISIONS.has(enforce) || typeof data.reason_code !== 'string') {
    return null;
  }
  const rules = Array.isArray(data.matched_rules) ? data.matched_rules.filter(isString) : [];
  return { decision: enforce as DecisionValue, reason_code: data.reason_code, matched_rules: rules };
}

function isHeld(recorded: SimulatedOutcome): boolean {
  if (recorded.matched_rules.length > 0) return false;
  return PRE_POLICY_REASON_PREFIXES.some((prefix) => recorded.reason_code.startsWith(prefix));
}

/** The policy input the pipeline built for this decision, or null when the event cannot say. */
function policyInput(data: JsonObject, passports: ReadonlyMap<string, JsonObject>): PolicyInput | null {
  const action = data.action;
  if (typeof action !== 'object' || action === null || Array.isArray(action)) return null;
  const { tool, goal, args, resource, agent_id, user_id } = action;
  if (typeof tool !== 'string' || typeof goal !== 'string') return null;
  const context = data.context;
  const jti = data.passport_jti;
  const passport = typeof jti === 'string' ? passports.get(jti) : undefined;
  return {
    tool,
    goal,
    mode: typeof data.mode === 'string' ? data.mode : 'enforce',
    args: isObject(args) ? args : {},
    context: isObject(context) ? context : {},
    ...(typeof resource === 'string' ? { resource } : {}),
    ...(typeof agent_id === 'string' ? { agent_id } : {}),
    ...(typeof user_id === 'string' ? { user_id } : {}),
    ...(passport ? { passport } : {}),
  };
}

function rememberPassport(passports: Map<string, JsonObject>, data: JsonObject): void {
  if (typeof data.jti !== 'string') return;
  const { audience, expires_at: _expiresAt, key_id: _keyId, ...claims } = data;
  passports.set(data.jti, { ...claims, ...(audience !== undefined ? { aud: audience } : {}) });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
