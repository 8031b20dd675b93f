import type { components } from '../generated/openapi.js';

/** Every request and response shape of the API, generated from `packages/contract/openapi.yaml`. */
export type Schemas = components['schemas'];

export type Decision = Schemas['Decision'];
export type DecisionValue = Schemas['DecisionValue'];
export type Mode = Schemas['Mode'];
export type RiskTier = Schemas['RiskTier'];
export type ReasonCode = Schemas['ReasonCode'];
export type Explain = Schemas['Explain'];
export type CredentialLease = Schemas['CredentialLease'];
export type PreflightRequest = Schemas['PreflightRequest'];
export type IssuedPassport = Schemas['IssuedPassport'];
export type PassportClaims = Schemas['PassportClaims'];
export type PassportVerification = Schemas['PassportVerification'];
export type PassportRevocation = Schemas['PassportRevocation'];
export type ApprovalRequest = Schemas['ApprovalRequest'];
export type ApprovalStatus = Schemas['ApprovalStatus'];
export type ApprovalList = Schemas['ApprovalList'];
export type EvidenceEvent = Schemas['EvidenceEvent'];
export type EvidencePage = Schemas['EvidencePage'];
export type ChainVerification = Schemas['ChainVerification'];
export type EvidenceExport = Schemas['EvidenceExport'];
export type ToolDefinition = Schemas['ToolDefinition'];
export type ApprovedTool = Schemas['ApprovedTool'];
export type ToolList = Schemas['ToolList'];
export type PutCredentialRequest = Schemas['PutCredentialRequest'];
export type CredentialMetadata = Schemas['CredentialMetadata'];
export type CredentialList = Schemas['CredentialList'];
export type CredentialDeletion = Schemas['CredentialDeletion'];
export type Policy = Schemas['Policy'];
export type PolicyDocument = Schemas['PolicyDocument'];
export type Jwks = Schemas['Jwks'];
export type Health = Schemas['Health'];
export type ErrorBody = Schemas['Error'];
export type FixedReasonCode = Schemas['FixedReasonCode'];
export type WhoAmI = Schemas['WhoAmI'];
export type Role = Schemas['Role'];
export type RolloutReport = Schemas['RolloutReport'];
export type ReportBucket = Schemas['ReportBucket'];
export type PolicySimulation = Schemas['PolicySimulation'];
export type SimulatePolicyRequest = Schemas['SimulatePolicyRequest'];

type IssueBody = Schemas['IssuePassportRequest'];

/**
 * `issuePassport()` input: the `IssuePassportRequest` fields as the wire names them, snake_case like
 * every other request parameter (`preflight()`'s `agent_id`, `approval_request_id`). `agent_id`
 * defaults to the client's `agentId`; the client sends the tenant hint itself.
 */
export type IssuePassportRequestParams = Omit<IssueBody, 'tenant_id'>;

/**
 * @deprecated The camelCase spelling of {@link IssuePassportRequestParams} (`allowedTools`,
 * `ttlSeconds`, …), still accepted before 1.0; use the snake_case names.
 */
export interface LegacyIssuePassportParams {
  audience: IssueBody['audience'];
  goal: IssueBody['goal'];
  allowedTools: IssueBody['allowed_tools'];
  allowedResources?: IssueBody['allowed_resources'];
  resourceConstraints?: IssueBody['resource_constraints'];
  ttlSeconds?: IssueBody['ttl_seconds'];
  agentId?: IssueBody['agent_id'];
  userId?: IssueBody['user_id'];
  riskTier?: IssueBody['risk_tier'];
  actionHash?: IssueBody['action_hash'];
}

export type IssuePassportParams = IssuePassportRequestParams | LegacyIssuePassportParams;

/** `verifyPassport()` input: the wire request without the tenant hint (the client sends that). */
export type VerifyPassportParams = Omit<Schemas['VerifyPassportRequest'], 'tenant_id'>;

/** `preflight()` input: the wire request; `agent_id` defaults to the client's `agentId`. */
export type PreflightParams = Omit<PreflightRequest, 'tenant_id'>;

/** `recordEvidence()` input. */
export type RecordEvidenceParams = Schemas['RecordEvidenceRequest'];

/** Per-call transport options, accepted as the last argument of every method. */
export interface RequestOptions {
  /** Aborts the call (including its retries and backoff waits). */
  signal?: AbortSignal;
  /** Per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Retries for this call. */
  maxRetries?: number;
  /** Overall deadline of this call across its retries, in ms. */
  deadlineMs?: number;
  /** Response size cap of this call, in bytes after decompression. */
  maxResponseBytes?: number;
  /** Idempotency key for a POST; by default one random key per call, reused on its retries. */
  idempotencyKey?: string;
  /**
   * Headers for this call, on top of the client's `defaultHeaders`; `null` removes one. Names are
   * case-insensitive; a value with a line break is refused (`MisconfiguredError`).
   */
  headers?: Record<string, string | null | undefined>;
}

/**
 * How every result exposes the HTTP exchange behind it. The two properties are non-enumerable, so they
 * stay out of `JSON.stringify`, spreads, `Object.keys` and canonical JSON: results still read and
 * serialise like the plain API objects.
 */
export interface ResponseMeta {
  /** The `x-request-id` of the last response, or null when no response arrived. */
  readonly _requestId: string | null;
  /** The last raw `Response` (its body already read), or null when none arrived. */
  readonly _response: Response | null;
}

export type WithResponse<T> = T & ResponseMeta;
