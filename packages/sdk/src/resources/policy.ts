import type { ActPass } from '../client.js';
import type { Policy, PolicyDocument, RequestOptions, WithResponse } from '../core/types.js';
import { PolicyDocumentSchema } from '../schemas/policy.js';

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
}
