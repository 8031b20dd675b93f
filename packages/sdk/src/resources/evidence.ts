import type { ActPass } from '../client.js';
import type {
  ChainVerification,
  EvidenceExport,
  EvidencePage,
  RequestOptions,
  WithResponse,
} from '../core/types.js';
import { ChainVerificationSchema, EvidenceExportSchema, EvidencePageSchema } from '../schemas/evidence.js';

export interface ListEvidenceParams {
  /** Start after this `seq` (default 0: from the first event). */
  after_seq?: number;
  /** 1–1000, default 100. */
  limit?: number;
}

/** The tenant's hash-chained ledger. To append, use `ActPass.recordEvidence`. */
export class Evidence {
  constructor(private readonly client: ActPass) {}

  /** Needs the `admin` role. Pass `next_after_seq` back as `after_seq` for the next page. */
  list(params: ListEvidenceParams = {}, options?: RequestOptions): Promise<WithResponse<EvidencePage>> {
    const query = { after_seq: params.after_seq, limit: params.limit };
    return this.client.request({
      method: 'GET',
      path: '/evidence',
      query,
      schema: EvidencePageSchema,
      options,
    });
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
