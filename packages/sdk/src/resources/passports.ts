import type { ActPass } from '../client.js';
import type { PassportVerificationResult } from '../core/decision.js';
import { MisconfiguredError } from '../core/errors.js';
import type {
  IssuedPassport,
  IssuePassportParams,
  IssuePassportRequestParams,
  PassportRevocation,
  RequestOptions,
  VerifyPassportParams,
  WithResponse,
} from '../core/types.js';
import { clientVerification } from '../internal/fail-closed.js';
import { withResponse } from '../internal/request.js';
import {
  IssuedPassportSchema,
  PassportRevocationSchema,
  PassportVerificationSchema,
} from '../schemas/passports.js';

/** Passports; the client exposes these as `issuePassport`, `verifyPassport` and `revokePassport`. */
export class Passports {
  constructor(
    private readonly client: ActPass,
    private readonly defaultAgentId: string | undefined,
  ) {}

  async issue(params: IssuePassportParams, options?: RequestOptions): Promise<WithResponse<IssuedPassport>> {
    const given = snakeCaseIssue(params);
    const body = { ...given, agent_id: given.agent_id ?? this.defaultAgentId };
    return this.client.request({
      method: 'POST',
      path: '/passports',
      body,
      schema: IssuedPassportSchema,
      options,
    });
  }

  async verify(
    params: VerifyPassportParams,
    options?: RequestOptions,
  ): Promise<WithResponse<PassportVerificationResult>> {
    try {
      const schema = PassportVerificationSchema;
      return await this.client.request({
        method: 'POST',
        path: '/passports/verify',
        body: params,
        schema,
        options,
      });
    } catch (error) {
      const verification = clientVerification(error);
      this.client._internals.log.warn('fail-closed passport verification', {
        reason_code: verification.reason_code,
        request_id: verification.request_id ?? null,
      });
      return withResponse(verification, null, verification.request_id ?? null);
    }
  }

  revoke(jti: string, reason: string, options?: RequestOptions): Promise<WithResponse<PassportRevocation>> {
    const path = `/passports/${encodeURIComponent(jti)}/revoke`;
    const schema = PassportRevocationSchema;
    return this.client.request({ method: 'POST', path, body: { reason }, schema, options });
  }
}

/** The camelCase spellings accepted before 1.0, and the wire name each stands for. */
const LEGACY_NAMES = {
  allowedTools: 'allowed_tools',
  allowedResources: 'allowed_resources',
  resourceConstraints: 'resource_constraints',
  ttlSeconds: 'ttl_seconds',
  agentId: 'agent_id',
  userId: 'user_id',
  riskTier: 'risk_tier',
  actionHash: 'action_hash',
} as const;

/** The request body's fields: snake_case as given, or the deprecated camelCase renamed. */
function snakeCaseIssue(params: IssuePassportParams): IssuePassportRequestParams {
  const loose = { ...(params as unknown as Record<string, unknown>) };
  for (const [legacy, wire] of Object.entries(LEGACY_NAMES)) {
    if (!(legacy in loose)) continue;
    const value = loose[legacy];
    delete loose[legacy];
    if (value === undefined) continue;
    if (loose[wire] !== undefined && loose[wire] !== value) {
      throw new MisconfiguredError(`both ${wire} and ${legacy} are set, to different values`, {
        fix: `Pass only ${wire} (the camelCase ${legacy} is the old spelling).`,
      });
    }
    loose[wire] = value;
  }
  return loose as unknown as IssuePassportRequestParams;
}
