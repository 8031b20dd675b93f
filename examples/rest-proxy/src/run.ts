/**
 * An agent behind the enforcing REST proxy. The payments API key lives in the gateway's vault with
 * `delivery: "proxy"`: the agent never holds it, and only calls the gateway allows reach the API.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, createRestProxy } from '@actpass/gateway';

const KEYS = {
  agent: 'ak_example_agent_key_1',
  admin: 'ak_example_admin_key_1',
  proxy: 'ak_example_proxy_key_1',
};
const PAYMENTS_KEY = 'sk_example_payments_only_the_proxy_sees';

export interface Summary {
  calls: Array<{ call: string; status: number; outcome: string }>;
  upstreamRequests: number;
  upstreamSawKey: boolean;
  agentSawKey: boolean;
}

export async function run(log: (line: string) => void): Promise<Summary> {
  // The payments API: counts requests and remembers the Authorization header it got.
  const seen: Array<{ url: string; authorization: string | undefined }> = [];
  const payments = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"refund":"re_1","status":"succeeded"}'),
    );
  });
  await new Promise<void>((resolve) => payments.listen(0, '127.0.0.1', resolve));
  const paymentsUrl = `http://127.0.0.1:${(payments.address() as AddressInfo).port}`;

  const gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'refunds' }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'], name: 'support_agent' },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin', 'approver'], name: 'admin' },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'], name: 'payments_proxy' },
    ],
    vaultKey: Buffer.alloc(32, 1).toString('base64'),
  });
  await gateway.fetch(
    new Request('http://gateway/api/v1/credentials/payments_key', {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        value: PAYMENTS_KEY,
        bound_tools: ['payments.refund.create'],
        delivery: 'proxy',
      }),
    }),
  );
  log('admin stores the payments key in the vault with delivery "proxy" (never leased to an agent)');

  const proxy = createRestProxy(
    {
      upstreams: [
        {
          name: 'payments',
          base_url: paymentsUrl,
          credential: { name: 'payments_key', header: 'authorization', template: 'Bearer {secret}' },
          routes: [
            {
              method: 'POST',
              path: '/charges/{charge}/refunds',
              tool: 'payments.refund.create',
              goal: 'resolve_refund_request',
              resource: 'payments:charge:{charge}',
              args: { amount: 'body.amount', currency: 'body.currency' },
            },
          ],
        },
      ],
    },
    { gateway: { proxyKey: KEYS.proxy, fetch: gateway.fetch } },
  );
  const running = await proxy.listen({ port: 0 });
  log(`proxy listening on ${running.url}; the agent can reach only the proxy`);

  const summary: Summary = { calls: [], upstreamRequests: 0, upstreamSawKey: false, agentSawKey: false };
  const agentCall = async (label: string, path: string, amount: number) => {
    const response = await fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount, currency: 'usd' }),
    });
    const text = await response.text();
    if (text.includes(PAYMENTS_KEY)) summary.agentSawKey = true;
    const body = JSON.parse(text) as {
      blocked?: boolean;
      decision?: { decision: string; reason_code: string };
      error?: { code: string };
    };
    const outcome = body.blocked
      ? `blocked: ${body.decision ? `${body.decision.decision} (${body.decision.reason_code})` : body.error?.code}`
      : 'forwarded';
    summary.calls.push({ call: label, status: response.status, outcome });
    log(`agent ${label.padEnd(38)} → ${response.status} ${outcome}`);
  };
  await agentCall('refunds $49.00', '/payments/charges/ch_1/refunds', 4900);
  await agentCall('refunds $900.00', '/payments/charges/ch_2/refunds', 90000);
  await agentCall('refunds $200.00', '/payments/charges/ch_3/refunds', 20000);
  await agentCall('tries /charges/x%2f..%2fadmin/refunds', '/payments/charges/x%2f..%2fadmin/refunds', 100);

  summary.upstreamRequests = seen.length;
  summary.upstreamSawKey = seen.some((request) => request.authorization === `Bearer ${PAYMENTS_KEY}`);
  log(`payments API received ${seen.length} request(s), with the vaulted key: ${summary.upstreamSawKey}`);
  log(`the agent ever saw the key: ${summary.agentSawKey}`);

  await proxy.close();
  await gateway.close();
  await new Promise<void>((resolve) => payments.close(() => resolve()));
  return summary;
}
