import type { ActPass } from '../client.js';
import type {
  Policy,
  PolicyDocument,
  PolicySimulation,
  RequestOptions,
  WithResponse,
} from '../core/types.js';
import { PolicyDocumentSchema } from '../schemas/policy.js';
import { PolicySimulationSchema } from '../schemas/reports.js';
import { instant } from './reports.js';

export interface SimulatePolicyParams {
  /** The candidate policy; it is not put in force. */
  policy: Policy;
  /** Start of the window (RFC 3339 or a Date); default 24 hours before `until`. */
  since?: string | Date;
  /** End of the window, exclusive; default now. */
  until?: string | Date;
  /** Page cursor over the changed decisions: the previous page's `next_after_seq`. */
  after_seq?: number;
  /** Changed decisions per page (1–1000, default 100). */
  limit?: number;
}

/** The tenant's policy. */
export class PolicyResource {
  constructor(private readonly client: ActPass) {}

  /** Needs the `admin` role. */
  get(options?: RequestOptions): Promise<WithResponse<PolicyDocument>> {
    return this.client.request({ method: 'GET', path: '/policy', schema: PolicyDocumentSchema, options });
  }

  /** Needs the `admin` role. Replaces the whole policy; a 400 lists every problem in `error.details`. */
  put(policy: Policy, options?: RequestOptions): Promise<WithResponse<PolicyDocument>> {
    return this.client.request({
      method: 'PUT',
      path: '/policy',
      body: policy,
      schema: PolicyDocumentSchema,
      options,
    });
  }

  /**
   * Needs the `admin` role. What-if: re-runs the policy stage of the window's recorded decisions under
   * `policy` and reports what would change (passport, approval and drift outcomes held as recorded).
   * Writes nothing.
   */
  simulate(params: SimulatePolicyParams, options?: RequestOptions): Promise<WithResponse<PolicySimulation>> {
    const body = {
      policy: params.policy,
      ...(params.since !== undefined ? { since: instant(params.since) } : {}),
      ...(params.until !== undefined ? { until: instant(params.until) } : {}),
      ...(params.after_seq !== undefined ? { after_seq: params.after_seq } : {}),
      ...(params.limit !== undefined ? { limit: params.limit } : {}),
    };
    return this.client.request({
      method: 'POST',
      path: '/policy/simulate',
      body,
      schema: PolicySimulationSchema,
      options,
    });
  }
}
