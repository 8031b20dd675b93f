import type { Decision } from '../../src/index.js';

export const BASE_URL = 'http://gateway.test';

/** The contract's `allow` example decision. */
export function allowDecision(overrides: Partial<Decision> = {}): Decision {
  return {
    decision: 'allow',
    reason_code: 'refund.small_in_scope',
    risk_tier: 'low',
    mode: 'enforce',
    enforced: true,
    source: 'gateway',
    explain: {
      summary: 'Refunds up to $100.00 are allowed.',
      matched_rules: ['refund-small'],
      next_steps: [],
    },
    evidence_event_id: 'ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3',
    action_hash: '9f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544',
    policy: {
      id: 'refunds',
      version: 1,
      hash: '3b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    },
    request_id: 'req_ok',
    decided_at: '2026-11-23T18:00:00.000Z',
    ...overrides,
  };
}

export function decisionOf(value: Decision['decision'], overrides: Partial<Decision> = {}): Decision {
  return allowDecision({ decision: value, reason_code: `test.${value}`, ...overrides });
}

export const REFUND = {
  goal: 'resolve_refund_request',
  tool: 'stripe.refund.create',
  resource: 'stripe:charge:ch_123',
  args: { amount: 4900, currency: 'usd' },
} as const;

export function evidenceEvent(data: Record<string, unknown>) {
  return {
    v: 1,
    seq: 2,
    id: 'ev_outcome',
    tenant_id: 'acme',
    type: 'action.outcome',
    at: '2026-11-23T18:00:00.200Z',
    data,
    prev_hash: '7c4a8d09ca3762af61e59520943dc26494f8941b7c4a8d09ca3762af61e59520',
    hash: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
  };
}
