/**
 * Stands in for the Stripe SDK so the example runs offline. It insists on an API key, like the real
 * one, which makes the vault lease visible: without the credential from `execute`, no refund.
 */
export interface Refund {
  id: string;
  charge: string;
  amount: number;
}

export class FakeStripe {
  readonly created: Refund[] = [];
  lastKey: string | undefined;

  readonly refunds = {
    create: async (params: { charge: string; amount: number }, apiKey: string): Promise<Refund> => {
      if (!apiKey.startsWith('sk_')) throw new Error('Stripe: invalid API key');
      this.lastKey = apiKey;
      const refund = { id: `re_${this.created.length + 1}`, ...params };
      this.created.push(refund);
      return refund;
    },
  };
}
