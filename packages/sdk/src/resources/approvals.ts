import type { ActPass } from '../client.js';
import { DEFAULT_APPROVAL_POLL_INTERVAL_MS } from '../constants.js';
import { APIUserAbortError } from '../core/errors.js';
import type {
  ApprovalList,
  ApprovalRequest,
  ApprovalStatus,
  RequestOptions,
  Schemas,
  WithResponse,
} from '../core/types.js';
import { ApprovalListSchema, ApprovalRequestSchema } from '../schemas/approvals.js';

export interface ListApprovalsParams {
  status?: ApprovalStatus;
  /** 1–500, default 100. */
  limit?: number;
}

export interface WaitForApprovalOptions {
  /** Give up after this long and return the request as last read (still `pending`). */
  timeoutMs: number;
  /** Default 1 000 ms. */
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

/** Human approval of held actions. */
export class Approvals {
  constructor(private readonly client: ActPass) {}

  /** Needs the `approver` role. Newest first. */
  list(params: ListApprovalsParams = {}, options?: RequestOptions): Promise<WithResponse<ApprovalList>> {
    const query = { status: params.status, limit: params.limit };
    return this.client.request({
      method: 'GET',
      path: '/approvals',
      query,
      schema: ApprovalListSchema,
      options,
    });
  }

  /**
   * The requests `list` returns, one at a time: `for await (const request of client.approvals.iterate({
   * status: 'pending' }))`. The approvals list is one page (newest first, up to `limit`).
   */
  async *iterate(
    params: ListApprovalsParams = {},
    options?: RequestOptions,
  ): AsyncGenerator<ApprovalRequest> {
    const page: ApprovalList = await this.list(params, options);
    yield* page.items;
  }

  /** Agents may read the requests their own decisions created. */
  get(id: string, options?: RequestOptions): Promise<WithResponse<ApprovalRequest>> {
    const path = `/approvals/${encodeURIComponent(id)}`;
    return this.client.request({ method: 'GET', path, schema: ApprovalRequestSchema, options });
  }

  /** Needs the `approver` role; only a `pending` request can be approved (409 otherwise). */
  approve(
    id: string,
    params: Schemas['ApprovalDecisionRequest'] = {},
    options?: RequestOptions,
  ): Promise<WithResponse<ApprovalRequest>> {
    return this.#decide(id, 'approve', params, options);
  }

  /** Needs the `approver` role; only a `pending` request can be denied (409 otherwise). */
  deny(
    id: string,
    params: Schemas['ApprovalDecisionRequest'] = {},
    options?: RequestOptions,
  ): Promise<WithResponse<ApprovalRequest>> {
    return this.#decide(id, 'deny', params, options);
  }

  /**
   * Polls until the request leaves `pending` and returns it. When `timeoutMs` passes first it returns
   * the request as last read — still `pending` — rather than throwing: running out of patience is an
   * expected outcome, not an error. Transport errors while polling do throw.
   */
  async waitFor(id: string, options: WaitForApprovalOptions): Promise<WithResponse<ApprovalRequest>> {
    const { sleep, now } = this.client._internals;
    const interval = options.pollIntervalMs ?? DEFAULT_APPROVAL_POLL_INTERVAL_MS;
    const deadline = now() + options.timeoutMs;
    for (;;) {
      const request = await this.get(id, { signal: options.signal });
      const remaining = deadline - now();
      if (request.status !== 'pending' || remaining <= 0) return request;
      try {
        await sleep(Math.min(interval, remaining), options.signal);
      } catch (error) {
        throw new APIUserAbortError({ cause: options.signal?.reason ?? error });
      }
    }
  }

  #decide(
    id: string,
    action: 'approve' | 'deny',
    body: Schemas['ApprovalDecisionRequest'],
    options?: RequestOptions,
  ): Promise<WithResponse<ApprovalRequest>> {
    const path = `/approvals/${encodeURIComponent(id)}/${action}`;
    return this.client.request({ method: 'POST', path, body, schema: ApprovalRequestSchema, options });
  }
}
