import type { ActPass } from '../client.js';
import type { RequestOptions, Schemas, WithResponse } from '../core/types.js';
import { SuspensionListSchema, SuspensionSchema } from '../schemas/suspensions.js';

export interface ListSuspensionsParams {
  /** `active` (default) lists those in force; `all` adds resumed and expired ones. */
  status?: 'active' | 'all';
  /** 1–500, default 100. */
  limit?: number;
}

/**
 * The kill switch (admin): suspend an agent, a user, a tool glob or the whole tenant. While a
 * suspension is in force every preflight in its scope answers `deny` with a `suspended.*` reason code,
 * on every gateway process sharing the store within one second, until it is resumed or `until` passes.
 */
export class Suspensions {
  constructor(private readonly client: ActPass) {}

  /** Needs the `admin` or `approver` role. Newest first; only those in force unless `status: 'all'`. */
  list(
    params: ListSuspensionsParams = {},
    options?: RequestOptions,
  ): Promise<WithResponse<Schemas['SuspensionList']>> {
    return this.client.request({
      method: 'GET',
      path: '/suspensions',
      query: { status: params.status, limit: params.limit },
      schema: SuspensionListSchema,
      options,
    });
  }

  /** Needs the `admin` or `approver` role. */
  get(id: string, options?: RequestOptions): Promise<WithResponse<Schemas['Suspension']>> {
    const path = `/suspensions/${encodeURIComponent(id)}`;
    return this.client.request({ method: 'GET', path, schema: SuspensionSchema, options });
  }

  /**
   * Needs the `admin` role. Suspends at once: preflights in scope are denied (in `monitor` mode they
   * answer the same with `enforced: false`), held actions in scope cannot be approved and approved ones
   * cannot be re-run. Sealed in the ledger as `suspension.created`.
   */
  create(
    params: Schemas['CreateSuspensionRequest'],
    options?: RequestOptions,
  ): Promise<WithResponse<Schemas['Suspension']>> {
    return this.client.request({
      method: 'POST',
      path: '/suspensions',
      body: params,
      schema: SuspensionSchema,
      options,
    });
  }

  /**
   * Needs the `admin` role. Ends the suspension at once on every process; sealed in the ledger as
   * `suspension.resumed`. Resuming one that already ended answers it unchanged.
   */
  resume(id: string, options?: RequestOptions): Promise<WithResponse<Schemas['Suspension']>> {
    const path = `/suspensions/${encodeURIComponent(id)}`;
    return this.client.request({ method: 'DELETE', path, schema: SuspensionSchema, options });
  }
}
