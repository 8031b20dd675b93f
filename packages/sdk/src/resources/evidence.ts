import type { ActPass } from '../client.js';
import type {
  ChainVerification,
  DecisionValue,
  EvidenceEvent,
  EvidenceExport,
  EvidencePage,
  RequestOptions,
  WithResponse,
} from '../core/types.js';
import { ChainVerificationSchema, EvidenceExportSchema, EvidencePageSchema } from '../schemas/evidence.js';
import { instant } from './reports.js';

/** Which events to return; every filter given must hold. */
export interface EvidenceFilters {
  /** An exact type (`decision`), or a namespace (`approval.*`). */
  type?: string;
  /** The decision's `action.tool`, or the event's own `tool`. */
  tool?: string;
  /** Only decision events that answered this. */
  decision?: DecisionValue;
  /** The decision's `action.agent_id`, or the event's own `agent_id`. */
  agent_id?: string;
  /** Events at or after this instant. */
  since?: string | Date;
  /** Events before this instant. */
  until?: string | Date;
}

export interface ListEvidenceParams extends EvidenceFilters {
  /** Start after this `seq` (default 0: from the first event). */
  after_seq?: number;
  /** 1–1000, default 100. */
  limit?: number;
}

/** The tenant's hash-chained ledger. To append, use `ActPass.recordEvidence`. */
export class Evidence {
  constructor(private readonly client: ActPass) {}

  /** Needs the `admin` role. Pass `next_after_seq` back as `after_seq` (same filters) for the next page. */
  list(params: ListEvidenceParams = {}, options?: RequestOptions): Promise<WithResponse<EvidencePage>> {
    const query = {
      after_seq: params.after_seq,
      limit: params.limit,
      type: params.type,
      tool: params.tool,
      decision: params.decision,
      agent_id: params.agent_id,
      since: instant(params.since),
      until: instant(params.until),
    };
    return this.client.request({
      method: 'GET',
      path: '/evidence',
      query,
      schema: EvidencePageSchema,
      options,
    });
  }

  /**
   * Every matching event, page after page: `for await (const event of client.evidence.iterate({type:
   * 'decision'}))`. Pages are fetched as the loop reaches them; `limit` is the page size.
   */
  async *iterate(params: ListEvidenceParams = {}, options?: RequestOptions): AsyncGenerator<EvidenceEvent> {
    let afterSeq: number | null = params.after_seq ?? 0;
    while (afterSeq !== null) {
      const page: EvidencePage = await this.list({ ...params, after_seq: afterSeq }, options);
      yield* page.events;
      afterSeq = page.next_after_seq;
    }
  }

  /** Needs the `admin` role. The gateway recomputes every hash and link. */
  verify(options?: RequestOptions): Promise<WithResponse<ChainVerification>> {
    const schema = ChainVerificationSchema;
    return this.client.request({ method: 'GET', path: '/evidence/verify', schema, options });
  }

  /** Needs the `admin` role. Signed; verifies offline with the JWKS alone. */
  export(options?: RequestOptions): Promise<WithResponse<EvidenceExport>> {
    return this.client.request({
      method: 'GET',
      path: '/evidence/export',
      schema: EvidenceExportSchema,
      options,
    });
  }
}
