/**
 * The proxy's link to the gateway keeps one SDK client per agent key. What must hold whatever it
 * keeps: each decision is made as the agent whose key came with the request (never as one whose client
 * happens to be kept), a key dropped from the bound works again, and a key that cannot be sent as a
 * header fails closed as "no decision" instead of throwing.
 */
import { createGateway, type Gateway } from '@actpass/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_AGENT_CLIENTS_MAX } from '../../src/constants.js';
import { GatewayLink } from '../../src/proxy/gateway-link.js';

const PROXY = 'ak_link_proxy_0123456789abcdef';
const ACME_AGENT = 'ak_link_acme_agent_0123456789';
const GLOBEX_AGENT = 'ak_link_globex_agent_01234567';

let gateway: Gateway;
let link: GatewayLink;
let requests = 0;

beforeAll(() => {
  gateway = createGateway({
    tenants: [
      { id: 'acme', policy: 'refunds' },
      { id: 'globex', policy: 'refunds' },
    ],
    apiKeys: [
      { key: PROXY, tenantId: 'acme', roles: ['proxy'] },
      { key: ACME_AGENT, tenantId: 'acme', roles: ['agent'], name: 'acme_agent' },
      { key: GLOBEX_AGENT, tenantId: 'globex', roles: ['agent'], name: 'globex_agent' },
    ],
    vaultKey: null,
  });
  const counted: typeof fetch = (input, init) => {
    requests += 1;
    return gateway.fetch(input as Request, init);
  };
  link = new GatewayLink({ proxyKey: PROXY, fetch: counted });
});
afterAll(async () => {
  await gateway.close();
});

const refund = { goal: 'resolve_refund_request', tool: 'stripe.refund.create', args: { amount: 49 } };

describe('GatewayLink clients per agent key', () => {
  it('decides each call as the agent whose key it carries, alternating keys', async () => {
    for (let i = 0; i < 3; i += 1) {
      const acme = await link.decide(ACME_AGENT, refund);
      const globex = await link.decide(GLOBEX_AGENT, refund);
      expect(acme.reachable).toBe(true);
      // A proxy acts within its own tenant: acme's agent is decided, globex's is refused, every time.
      expect(acme.decision.source).toBe('gateway');
      expect(acme.decision.decision).toBe('allow');
      expect(globex.decision.decision).toBe('deny');
      expect(globex.decision.source).toBe('client');
      // Refused by the gateway (the key is not the proxy's tenant's): a real no, not an outage.
      expect(globex.reachable).toBe(true);
    }
  });

  it('a key dropped past the bound is decided again, as itself', async () => {
    for (let i = 0; i <= PROXY_AGENT_CLIENTS_MAX; i += 1) {
      await link.checkAgentKey(`ak_link_unknown_${String(i).padStart(6, '0')}_0123456789`);
    }
    const again = await link.decide(ACME_AGENT, refund);
    expect(again).toMatchObject({ reachable: true, decision: { source: 'gateway', decision: 'allow' } });
  }, 60_000);

  it('a key with a line break fails closed as no decision, and reaches no gateway', async () => {
    const before = requests;
    const hostile = await link.decide('ak_link_evil\r\nx-actpass-tenant: globex', refund);
    expect(hostile.reachable).toBe(false);
    expect(hostile.decision).toMatchObject({ source: 'client', decision: 'deny' });
    expect(requests).toBe(before);
  });
});
