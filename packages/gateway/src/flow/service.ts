/**
 * Run-time flow control for one preflight: the session's labels are read before policy (and shown to
 * it as `context.session.labels`, with the call's own labels as `context.session.call_labels`), and
 * once the call may run, the call's labels are added to the session, each new one sealed in the ledger
 * as a `session.labeled` event. Labels come from the gateway's classification of the tool and from an
 * enforcing proxy's, never from the agent.
 */
import type { LedgerStore } from '../ledger/index.js';
import type { CompiledPolicy, JsonObject } from '../policy/index.js';
import { type FlowClassification, ToolClassifier } from './classify.js';
import type { FlowLabel, SessionKey, SessionLabel } from './labels.js';
import { readSessionClaim, type SessionClaim } from './session.js';
import type { SessionLabelStore } from './store.js';

export const SESSION_LABELED_EVENT = 'session.labeled';
const LABELS_PATH = 'context.session.labels';

export interface FlowServiceOptions {
  store: SessionLabelStore;
  ledger: LedgerStore;
  nowMs: () => number;
  /** How long a session keeps its labels after its first one. */
  ttlMs: number;
  /** Each tenant's own classification of tools (tool globs to labels). */
  classification: ReadonlyMap<string, FlowClassification>;
}

/** One preflight's view of its session. */
export interface SessionFlow {
  key: SessionKey;
  claim: SessionClaim;
  /** What the session carried before this call, oldest first. */
  held: SessionLabel[];
  /** This call's labels: the gateway's classification and an enforcing proxy's. */
  call: FlowLabel[];
}

export interface FlowCall {
  tenantId: string;
  keyId: string;
  viaProxy: boolean;
  tool: string;
  context: JsonObject | undefined;
}

export class FlowService {
  readonly #classifiers = new Map<string, ToolClassifier>();

  constructor(private readonly options: FlowServiceOptions) {
    for (const [tenant, classification] of options.classification)
      this.#classifiers.set(tenant, new ToolClassifier(classification));
  }

  /** Checks what the caller said of its session (a bad one is a 400) and reads the session's labels. */
  async open(call: FlowCall): Promise<SessionFlow | null> {
    const claim = readSessionClaim(call.context, call.viaProxy);
    if (claim === null) return null;
    const key: SessionKey = { tenantId: call.tenantId, keyId: call.keyId, sessionId: claim.id };
    const own = this.#classifiers.get(call.tenantId)?.labelsOf(call.tool) ?? [];
    const callLabels = [...new Set([...own, ...claim.categories])].sort();
    const held = await this.options.store.labels(key, this.options.nowMs());
    return { key, claim, held, call: callLabels };
  }

  /** The context policy sees: the caller's, with `session` replaced by the gateway's view of it. */
  policyContext(context: JsonObject | undefined, flow: SessionFlow | null): JsonObject {
    if (flow === null) return context ?? {};
    // The caller's own session memory stays; what the proxy classified becomes `call_labels`.
    const { categories: _classified, ...own } = (context?.session ?? {}) as JsonObject;
    return {
      ...context,
      session: {
        ...own,
        id: flow.claim.id,
        labels: flow.held.map((held) => held.label),
        call_labels: flow.call,
      },
    };
  }

  /**
   * When the winning rule tested the session's labels, the reads that put them there, for the explain
   * summary: `private_data from mcp.files.read_file (ev_…)`.
   */
  triggeringReads(policy: CompiledPolicy, matchedRules: string[], flow: SessionFlow | null): string | null {
    if (flow === null || flow.held.length === 0) return null;
    const rule = policy.source.rules.find((r) => r.id === matchedRules[0]);
    const conditions = [...(rule?.when ?? []), ...(rule?.any ?? [])];
    if (!conditions.some((condition) => condition.path === LABELS_PATH)) return null;
    const reads = flow.held.map((held) => `${held.label} from ${held.tool} (${held.event_id})`).join('; ');
    return `Session ${flow.claim.id} carries ${reads}.`;
  }

  /**
   * The call may run: each of its labels the session lacks is added and sealed as `session.labeled`
   * (session, label, tool and the decision's event; never arguments or values).
   */
  async record(
    flow: SessionFlow | null,
    tool: string,
    agentId: string | null,
    decisionEventId: string,
  ): Promise<void> {
    if (flow === null || flow.call.length === 0) return;
    const now = this.options.nowMs();
    const at = new Date(now).toISOString();
    for (const label of flow.call) {
      if (flow.held.some((held) => held.label === label)) continue;
      const added = await this.options.store.add(
        flow.key,
        { label, tool, event_id: decisionEventId, at },
        now + this.options.ttlMs,
      );
      if (!added) continue;
      await this.options.ledger.append(flow.key.tenantId, {
        type: SESSION_LABELED_EVENT,
        at,
        data: {
          session_id: flow.claim.id,
          session_asserted_by: flow.claim.assertedBy,
          label,
          tool,
          agent_id: agentId,
          decision_event_id: decisionEventId,
        },
      });
    }
  }
}
