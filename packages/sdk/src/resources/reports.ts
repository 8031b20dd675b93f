import type { ActPass } from '../client.js';
import type { ReportBucket, RequestOptions, RolloutReport, WithResponse } from '../core/types.js';
import { RolloutReportSchema } from '../schemas/reports.js';

export interface RolloutReportParams {
  /** Start of the window (RFC 3339 or a Date); default 24 hours before `until`. */
  since?: string | Date;
  /** End of the window, exclusive; default now. */
  until?: string | Date;
  /** Bucket width, default `hour`. */
  bucket?: ReportBucket;
  /** How many would-block actions to list (1–100, default 10). */
  top?: number;
}

/** Reports over the recorded decisions. */
export class Reports {
  constructor(private readonly client: ActPass) {}

  /**
   * Needs the `admin` or `approver` role. Counts of the window's decisions by tool × reason × mode ×
   * decision with what `enforce` would have answered, in time buckets, plus the monitor and warn
   * actions enforce would block.
   */
  rollout(params: RolloutReportParams = {}, options?: RequestOptions): Promise<WithResponse<RolloutReport>> {
    const query = {
      since: instant(params.since),
      until: instant(params.until),
      bucket: params.bucket,
      top: params.top,
    };
    return this.client.request({
      method: 'GET',
      path: '/reports/rollout',
      query,
      schema: RolloutReportSchema,
      options,
    });
  }
}

/** RFC 3339 text for the wire. */
export function instant(value: string | Date | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}
