/**
 * Each tenant's policy in force: read from the policy store, compiled once per distinct hash (the
 * compiled form is cached by hash, so a policy replaced by another process is picked up on the next
 * read without recompiling on every request).
 */
import type { AppendInput, LedgerStore } from '../ledger/index.js';
import { type CompiledPolicy, compilePolicy, type JsonObject, policyHash } from '../policy/index.js';
import { InvalidInputError } from '../store/errors.js';
import type { PolicyDocument, PolicyStore } from '../store/types.js';

export interface PolicyRef {
  id: string;
  version: number;
  hash: string;
}

export interface PolicyInForce {
  compiled: CompiledPolicy;
  ref: PolicyRef;
  document: PolicyDocument;
}

export class TenantPolicies {
  readonly #compiledByHash = new Map<string, CompiledPolicy>();
  readonly #seeding = new Map<string, Promise<PolicyInForce>>();

  constructor(
    private readonly store: PolicyStore,
    private readonly ledger: LedgerStore,
    private readonly nowMs: () => number,
    private readonly fallback: unknown,
  ) {}

  async current(tenantId: string): Promise<PolicyInForce> {
    const document = await this.store.get(tenantId);
    // Never decide without a policy: a tenant with none gets the fallback (deny-all unless configured).
    if (!document) return this.seed(tenantId, this.fallback);
    return this.#inForce(document);
  }

  /**
   * Puts `raw` in force unless the tenant already has a policy: configuration seeds, the store wins,
   * so a policy replaced over the API survives a restart. Concurrent seeds of one tenant share one write.
   */
  seed(tenantId: string, raw: unknown): Promise<PolicyInForce> {
    let seeding = this.#seeding.get(tenantId);
    if (!seeding) {
      seeding = (async () => {
        const existing = await this.store.get(tenantId);
        if (existing) return this.#inForce(existing);
        return (await this.#seedOnce(tenantId, raw)) ?? this.replace(tenantId, raw);
      })().finally(() => this.#seeding.delete(tenantId));
      this.#seeding.set(tenantId, seeding);
    }
    return seeding;
  }

  /**
   * Where the store can, the starter policy is stored only if the tenant still has none, in the same
   * transaction as its event: processes starting together write it (and its `policy.updated`) once,
   * and never over a policy an admin put meanwhile. Undefined when the store cannot.
   */
  async #seedOnce(tenantId: string, raw: unknown): Promise<PolicyInForce | undefined> {
    if (!this.store.createRecorded) return undefined;
    const { compiled, document, event } = this.#change(raw);
    const kept = await this.store.createRecorded(tenantId, document, this.ledger, event);
    if (kept === null) return undefined;
    if (kept.hash === document.hash) this.#compiledByHash.set(document.hash, compiled);
    return this.#inForce(kept);
  }

  /** Validates the whole policy (every problem reported), records the change, then puts it in force. */
  async replace(tenantId: string, raw: unknown): Promise<PolicyInForce> {
    const { compiled, document, event } = this.#change(raw);
    await this.ledger.append(tenantId, event);
    await this.store.put(tenantId, document);
    this.#compiledByHash.set(document.hash, compiled);
    return { compiled, document, ref: refOf(compiled, document.hash) };
  }

  #change(raw: unknown): { compiled: CompiledPolicy; document: PolicyDocument; event: AppendInput } {
    const compiled = compileOrThrow(raw);
    const document: PolicyDocument = {
      policy: compiled.source as unknown as JsonObject,
      hash: policyHash(compiled),
      updated_at: new Date(this.nowMs()).toISOString(),
    };
    const event = {
      type: 'policy.updated',
      data: { policy_id: compiled.id, version: compiled.version, hash: document.hash },
    };
    return { compiled, document, event };
  }

  #inForce(document: PolicyDocument): PolicyInForce {
    let compiled = this.#compiledByHash.get(document.hash);
    if (!compiled) {
      compiled = compileOrThrow(document.policy);
      this.#compiledByHash.set(document.hash, compiled);
    }
    return { compiled, document, ref: refOf(compiled, document.hash) };
  }
}

/**
 * Compiles a policy or throws `InvalidInputError` listing every problem, paths rooted at `at`
 * (`body` for PUT /policy, `body.policy` for a what-if candidate).
 */
export function compileOrThrow(raw: unknown, at = 'body'): CompiledPolicy {
  const result = compilePolicy(raw);
  if (result.ok) return result.policy;
  const details = result.problems.map((problem) => ({
    path: problem.path ? `${at}.${problem.path}` : at,
    message: problem.message,
    ...(problem.rule_id !== null ? { rule_id: problem.rule_id } : {}),
  }));
  const first = details[0];
  const summary = first ? `${first.path}: ${first.message}` : 'the policy is invalid';
  const more = details.length > 1 ? ` (and ${details.length - 1} more problems, see error.details)` : '';
  throw new InvalidInputError(
    at === 'body'
      ? `${summary}${more}. Fix every problem listed, then PUT the policy again.`
      : `${summary}${more}. Fix every problem listed, then run the what-if again.`,
    details,
  );
}

function refOf(compiled: CompiledPolicy, hash: string): PolicyRef {
  return { id: compiled.id, version: compiled.version, hash };
}
