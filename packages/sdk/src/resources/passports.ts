import type { ActPass } from '../client.js';
import type { PassportVerificationResult } from '../core/decision.js';
import type {
  IssuedPassport,
  IssuePassportParams,
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

  issue(params: IssuePassportParams, options?: RequestOptions): Promise<WithResponse<IssuedPassport>> {
    const body = {
      audience: params.audience,
      goal: params.goal,
      allowed_tools: params.allowedTools,
      allowed_resources: params.allowedResources,
      resource_constraints: params.resourceConstraints,
      ttl_seconds: params.ttlSeconds,
      agent_id: params.agentId ?? this.defaultAgentId,
      user_id: params.userId,
      risk_tier: params.riskTier,
      action_hash: params.actionHash,
    };
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
