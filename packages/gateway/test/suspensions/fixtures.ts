/** The policy the kill-switch and limit tests share: one rate limit, one budget, holds and allows. */
export const RATE_MAX = 7;
export const BUDGET_MAX = 10_000;
export const HOLD_ABOVE = 5_000;

export const LIMITS_POLICY = {
  id: 'kill-switch-test',
  version: 1,
  default: { decision: 'deny', reason: 'policy.no_match' },
  rules: [
    {
      id: 'mail-rate',
      description: 'At most seven e-mails per agent per hour.',
      when: [{ path: 'tool', operator: '==', value: 'mail.send' }],
      limit: { rate: { max: RATE_MAX, window_seconds: 3600 }, per: ['agent_id'] },
      decision: 'deny',
      reason: 'limit.rate',
    },
    {
      id: 'refund-budget',
      description: 'Refunds up to $100.00 per agent per day; past that a person decides.',
      when: [{ path: 'tool', operator: '==', value: 'stripe.refund.create' }],
      limit: { budget: { arg: 'args.amount', max: BUDGET_MAX, window_seconds: 86_400 } },
      decision: 'require_approval',
      reason: 'limit.budget',
    },
    {
      id: 'refund-large',
      when: [
        { path: 'tool', operator: '==', value: 'stripe.refund.create' },
        { path: 'args.amount', operator: '>', value: HOLD_ABOVE },
      ],
      decision: 'require_approval',
      reason: 'refund.large',
    },
    {
      id: 'allow-known',
      when: [{ path: 'tool', operator: 'in', value: ['stripe.refund.create', 'mail.send', 'kb.search'] }],
      decision: 'allow',
      reason: 'tool.known',
    },
  ],
};

export const search = (agentId: string, extra: object = {}) => ({
  goal: 'answer the customer',
  tool: 'kb.search',
  args: { q: 'refund policy' },
  agent_id: agentId,
  ...extra,
});

export const mail = (agentId: string) => ({
  goal: 'tell the customer',
  tool: 'mail.send',
  args: { to: 'c@example.com' },
  agent_id: agentId,
});

export const refund = (agentId: string, amount: number) => ({
  goal: 'refund a duplicate charge',
  tool: 'stripe.refund.create',
  resource: 'stripe:charge:ch_1',
  args: { amount, currency: 'usd' },
  agent_id: agentId,
});
