/**
 * The preflight pipeline, first failure wins:
 *   approval (when approval_request_id is given) or else passport (when given, or required in strict)
 *   → tool drift → policy → ledger `decision` event → the Decision.
 * Authentication and validation happen before this, in the HTTP layer. Nothing is answered before its
 * ledger event is durable: if the append fails the caller gets 503 and no decision.
 */
import type { ApprovalService } from '../approvals/index.js';
import { effectiveAgentId, type Principal } from '../auth/index.js';
import { sha256Hex } from '../crypto/hash.js';
import type { FlowService, SessionFlow } from '../flow/index.js';
import type { AppendInput, LedgerEvent, LedgerStore } from '../ledger/index.js';
import type { LimitService } from '../limits/index.js';
import type { PreflightStage } from '../metrics/index.js';
import type { PassportClaims } from '../passport/index.js';
import type { JsonObject } from '../policy/index.js';
import type { ApprovalRecord, LimitCharge, ToolDefinition } from '../store/types.js';
import type { SuspensionService } from '../suspensions/index.js';
import type { ToolService } from '../tools/index.js';
import { actionHash, canonicalAction } from './action.js';
import { type DelegationDeps, inheritedDelegationProblem, peekJti, useDelegation } from './delegation.js';
import type { Lease, LeaseCredential } from './lease.js';
import { chargeLimits, evaluateLimited, refundLimits } from './limits-step.js';
import { decideWithApproval } from './rerun.js';
import { suspensionStep } from './suspension-step.js';
import type { PolicyInForce, TenantPolicies } from './tenant-policies.js';
import {
  applyMode,
  DEFAULT_PASSPORT_NEXT_STEP,
  driftVerdict,
  type Mode,
  modeOutcome,
  PASSPORT_NEXT_STEP,
  policyVerdict,
  refusedDelegation,
  type Verdict,
} from './verdict.js';

export interface PreflightInput {
  goal: string;
  tool: string;
  resource?: string;
  args?: JsonObject;
  mode?: Mode;
  agent_id?: string;
  user_id?: string;
  tenant_id?: string;
  passport?: string;
  approval_request_id?: string;
  tool_definition?: ToolDefinition;
  tool_hash?: string;
  context?: JsonObject;
  /** Outcome records of earlier actions, already checked (see outcomes.ts); not part of the action. */
  outcomes?: JsonObject[];
}

export interface DecideDeps {
  policies: TenantPolicies;
  approvals: ApprovalService;
  tools: ToolService;
  /** The kill switch: checked before anything else. */
  suspensions: Pick<SuspensionService, 'covering'>;
  /** Rate limits and budgets of the policy's limited rules. */
  limits: LimitService;
  ledger: LedgerStore;
  delegation: DelegationDeps;
  leaseCredential: LeaseCredential;
  /** Session labels and run-time flow control; absent: `context.session` is passed through as is. */
  flow?: FlowService;
  nowMs: () => number;
  /** Told how long each stage took, when metrics are on. */
  observe?: (stage: PreflightStage, seconds: number) => void;
}

export interface DecideCall {
  principal: Principal;
  requestId: string;
  idempotencyKey: string | null;
  /** Checked `action.outcome` appends to record just before the decision event (none when absent). */
  outcomes?: AppendInput[];
}

export interface Decision {
  decision: Verdict['decision'];
  reason_code: string;
  risk_tier: Verdict['risk_tier'];
  mode: Mode;
  enforced: boolean;
  source: 'gateway';
  would_decision?: Verdict['decision'];
  explain: { summary: string; matched_rules: string[]; next_steps: string[] };
  evidence_event_id: string;
  approval_request_id?: string;
  action_hash: string;
  policy: PolicyInForce['ref'];
  credential?: Lease;
  request_id: string;
  decided_at: string;
}

/** Everything one preflight established on its way to a verdict. */
export interface Deliberation {
  tenantId: string;
  mode: Mode;
  input: PreflightInput;
  action: ReturnType<typeof canonicalAction>;
  actionHash: string;
  policy: PolicyInForce;
  delegation?: PassportClaims;
  approval?: ApprovalRecord;
  /** What this preflight spent on its way (a passport's single use, an approval's one run, limits). */
  spent?: { jti?: string; approvalId?: string | undefined; limitCharges?: LimitCharge[] };
  /** The limits the last policy evaluation found this action within: charged if it is allowed. */
  limitCharges?: LimitCharge[];
  /** The session the call belongs to and the labels it carries (null: none named). */
  session?: SessionFlow | null;
}

export async function decide(deps: DecideDeps, call: DecideCall, input: PreflightInput): Promise<Decision> {
  const tenantId = call.principal.tenantId;
  const agentId = effectiveAgentId(call.principal, input.agent_id);
  const action = canonicalAction(tenantId, agentId, input);
  const state: Deliberation = {
    tenantId,
    mode: input.mode ?? 'enforce',
    input,
    action,
    actionHash: actionHash(action),
    policy: await timed(deps, 'policy_load', () => deps.policies.current(tenantId)),
  };
  // A bad `context.session` (or labels the caller tried to set) is refused before anything is decided.
  state.session = deps.flow
    ? await deps.flow.open({
        tenantId,
        keyId: call.principal.keyId,
        viaProxy: call.principal.viaProxyKeyId !== undefined,
        tool: action.tool,
        context: input.context,
      })
    : null;

  const verdict =
    (await suspensionStep(deps, state)) ??
    (input.approval_request_id !== undefined
      ? await timed(deps, 'approval', () =>
          decideWithApproval(deps, state, input.approval_request_id as string, {
            delegation: () => delegationStep(deps, state),
            toolAndPolicy: () => toolAndPolicy(deps, state),
          }),
        )
      : ((await timed(deps, 'passport', () => delegationStep(deps, state))) ??
        (await timed(deps, 'policy', () => toolAndPolicy(deps, state)))));

  return answer(deps, call, state, verdict);
}

/** The passport step; a refusal verdict, or null to continue (with `state.delegation` set if one was used). */
export async function delegationStep(deps: DecideDeps, state: Deliberation): Promise<Verdict | null> {
  const token = state.input.passport;
  const inherited = state.approval?.passport;
  if (inherited && (token === undefined || peekJti(token) === inherited.jti)) {
    const problem = await inheritedDelegationProblem(deps.delegation, inherited.claims);
    if (problem)
      return refusedDelegation(problem.reason_code, problem.message, nextStep(problem.reason_code));
    state.delegation = inherited.claims;
    return null;
  }
  if (token === undefined) {
    if (state.mode !== 'strict') return null;
    return refusedDelegation(
      'passport.missing',
      'strict mode requires a passport',
      nextStep('passport.missing'),
    );
  }
  const used = await useDelegation(
    deps.delegation,
    state.tenantId,
    token,
    Math.floor(deps.nowMs() / 1000),
    {
      tool: state.action.tool,
      resource: state.action.resource,
      args: state.action.args,
      action_hash: state.actionHash,
    },
    { agentId: state.action.agent_id, goal: state.action.goal, userId: state.action.user_id },
  );
  if (!used.ok) {
    if (used.reason_code === 'passport.replayed' && used.claims) {
      // A spent passport shown again: if the process that spent it died before deciding, say so in
      // the ledger. Best effort: the answer is the same refusal either way.
      await deps.delegation.jti
        .settleAbandoned?.(state.tenantId, used.claims.jti, deps.ledger)
        .catch(() => undefined);
    }
    return refusedDelegation(used.reason_code, used.message, nextStep(used.reason_code));
  }
  state.delegation = used.claims;
  state.spent = { ...state.spent, jti: used.claims.jti };
  return null;
}

/** Tool drift, then policy. */
export async function toolAndPolicy(deps: DecideDeps, state: Deliberation): Promise<Verdict> {
  const drift = await deps.tools.findDrift(state.tenantId, {
    tool: state.input.tool,
    ...(state.input.tool_definition ? { tool_definition: state.input.tool_definition } : {}),
    ...(state.input.tool_hash ? { tool_hash: state.input.tool_hash } : {}),
    strict: state.mode === 'strict',
  });
  if (drift) return driftVerdict(drift.reason_code, drift.message, drift.next_step);
  const { input, action } = state;
  const limits = await deps.limits.prepare(state.tenantId, state.policy.compiled, action);
  const outcome = evaluateLimited(limits, state.policy.compiled, {
    tool: action.tool,
    goal: action.goal,
    mode: state.mode,
    args: action.args,
    context: deps.flow
      ? deps.flow.policyContext(input.context, state.session ?? null)
      : (input.context ?? {}),
    ...(action.resource !== null ? { resource: action.resource } : {}),
    ...(action.agent_id !== null ? { agent_id: action.agent_id } : {}),
    ...(action.user_id !== null ? { user_id: action.user_id } : {}),
    ...(state.delegation ? { passport: state.delegation as unknown as JsonObject } : {}),
  });
  state.limitCharges = limits?.within ?? [];
  const verdict = policyVerdict(state.policy.compiled, outcome);
  const reads = deps.flow?.triggeringReads(
    state.policy.compiled,
    verdict.matched_rules,
    state.session ?? null,
  );
  return reads ? { ...verdict, summary: `${verdict.summary} ${reads}` } : verdict;
}

async function answer(
  deps: DecideDeps,
  call: DecideCall,
  state: Deliberation,
  reached: Verdict,
): Promise<Decision> {
  const tenantId = state.tenantId;
  let verdict = reached;
  let told = modeOutcome(verdict, state.mode);
  if (told.decision === 'allow' && (state.limitCharges?.length ?? 0) > 0) {
    verdict = await chargeLimits(deps, state, verdict, () => toolAndPolicy(deps, state));
    told = modeOutcome(verdict, state.mode);
  }
  let credential: Lease | null = null;
  if (told.decision === 'allow') {
    const toProxy = call.principal.viaProxyKeyId !== undefined;
    const leased = await deps.leaseCredential(tenantId, state.action.tool, toProxy);
    if ('refusal' in leased) {
      verdict = leased.refusal;
      told = applyMode(verdict.decision, state.mode);
      await refundLimits(deps, state);
    } else {
      credential = leased.lease;
    }
  }
  let approvalId = state.approval?.id;
  const explain = {
    summary: verdict.summary,
    matched_rules: verdict.matched_rules,
    next_steps: verdict.next_steps,
  };

  // Only an enforced hold asks a person: monitor and warn let the action run, so nobody needs to approve.
  if (told.decision === 'require_approval' && told.enforced && approvalId === undefined) {
    const held = await deps.approvals.request({
      tenantId,
      action: state.action,
      actionHash: state.actionHash,
      reasonCode: verdict.reason_code,
      summary: verdict.summary,
      riskTier: verdict.risk_tier,
      requestedByKey: call.principal.keyId,
      requestId: call.requestId,
      ...(state.delegation ? { passport: { jti: state.delegation.jti, claims: state.delegation } } : {}),
    });
    approvalId = held.id;
    explain.next_steps = [
      `Ask an approver to approve ${held.id}, then re-run preflight with approval_request_id.`,
      ...explain.next_steps,
    ];
  }

  const decidedAt = new Date(deps.nowMs()).toISOString();
  const event = await recorded(deps, state, call.outcomes ?? [], {
    type: 'decision',
    at: decidedAt,
    data: {
      request_id: call.requestId,
      decision: told.decision,
      reason_code: verdict.reason_code,
      risk_tier: verdict.risk_tier,
      mode: state.mode,
      enforced: told.enforced,
      ...(told.would_decision !== undefined ? { would_decision: told.would_decision } : {}),
      action_hash: state.actionHash,
      // The action is recorded whole (args included) so an auditor can recompute action_hash from the
      // ledger alone. Secrets belong in the vault, never in args.
      action: state.action as unknown as JsonObject,
      // Recorded so a policy what-if can re-run rules that test `context.*`; with a session, the
      // context as policy saw it (the session's labels, not what the caller sent about them).
      ...(state.session
        ? { context: deps.flow?.policyContext(state.input.context, state.session) ?? {} }
        : state.input.context !== undefined
          ? { context: state.input.context }
          : {}),
      policy: { ...state.policy.ref },
      matched_rules: verdict.matched_rules,
      passport_jti: state.delegation?.jti ?? null,
      approval_request_id: approvalId ?? null,
      credential_name: credential?.name ?? null,
      key_id: call.principal.keyId,
      ...(call.principal.viaProxyKeyId !== undefined
        ? { via_proxy_key_id: call.principal.viaProxyKeyId }
        : {}),
      idempotency_key_sha256: call.idempotencyKey === null ? null : sha256Hex(call.idempotencyKey),
      // The time the client is told; a store stamping events with its own clock may give `at` another.
      decided_at: decidedAt,
    },
  });
  // The call may run (allowed, or observed only): its labels stick to the session from now on.
  if (told.decision === 'allow' || told.decision === 'warn' || !told.enforced)
    await deps.flow?.record(state.session ?? null, state.action.tool, state.action.agent_id, event.id);

  return {
    decision: told.decision,
    reason_code: verdict.reason_code,
    risk_tier: verdict.risk_tier,
    mode: state.mode,
    enforced: told.enforced,
    source: 'gateway',
    ...(told.would_decision !== undefined ? { would_decision: told.would_decision } : {}),
    explain,
    evidence_event_id: event.id,
    ...(approvalId !== undefined ? { approval_request_id: approvalId } : {}),
    action_hash: state.actionHash,
    policy: state.policy.ref,
    ...(credential ? { credential } : {}),
    request_id: call.requestId,
    decided_at: decidedAt,
  };
}

/**
 * Appends the decision event. A passport or approval is spent only together with it: if the append
 * fails, what this preflight spent is given back before the caller gets its 503, so a retry can run.
 */
async function recorded(
  deps: DecideDeps,
  state: Deliberation,
  outcomes: readonly AppendInput[],
  input: AppendInput,
): Promise<LedgerEvent> {
  try {
    if (outcomes.length === 0)
      return await timed(deps, 'ledger', () => deps.ledger.append(state.tenantId, input));
    // Outcomes of earlier actions go first, all appended in the same turn of the event loop: the file
    // store writes them and the decision with one write and one flush (they are durable together or
    // not at all), the memory store in order. Their data was checked before (outcomes.ts). Once the
    // decision is durable it is the answer, whatever became of an outcome beside it.
    return await timed(deps, 'ledger', async () => {
      const appends = [...outcomes, input].map((each) => deps.ledger.append(state.tenantId, each));
      const settled = await Promise.allSettled(appends);
      const decision = settled.at(-1) as PromiseSettledResult<LedgerEvent>;
      if (decision.status === 'rejected') throw decision.reason;
      return decision.value;
    });
  } catch (error) {
    const { jti, approvalId } = state.spent ?? {};
    if (jti !== undefined) await deps.delegation.jti.release(state.tenantId, jti).catch(() => undefined);
    if (approvalId !== undefined) {
      await deps.approvals.unconsume(state.tenantId, approvalId).catch(() => undefined);
    }
    await refundLimits(deps, state);
    throw error;
  }
}

/** Runs one stage, telling `deps.observe` its duration when metrics are on (no clock read otherwise). */
async function timed<T>(deps: DecideDeps, stage: PreflightStage, run: () => Promise<T>): Promise<T> {
  const observe = deps.observe;
  if (!observe) return run();
  const started = performance.now();
  try {
    return await run();
  } finally {
    observe(stage, (performance.now() - started) / 1000);
  }
}

function nextStep(reasonCode: string): string {
  return PASSPORT_NEXT_STEP[reasonCode] ?? DEFAULT_PASSPORT_NEXT_STEP;
}
