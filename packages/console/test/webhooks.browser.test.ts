/**
 * The Webhooks view in Chromium against a real gateway whose endpoint is down: the endpoint listed with
 * its URL shortened and no secret anywhere on the page, the dead delivery with the gateway's own error,
 * a retry from the button named after the delivery, one h1 and no serious axe-core violation.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { browserAvailable, launchBrowser, openConsole } from './browser.js';

const GATEWAY_SOURCE = fileURLToPath(new URL('../../gateway/src/index.ts', import.meta.url));
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ADMIN = 'ak_test_admin_webhooks_view_0123456789';
const AGENT = 'ak_test_agent_webhooks_view_0123456789';

interface Served {
  url: string;
  close(): Promise<void>;
}

/** A loopback port where nothing listens: every delivery is refused. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hooks/very-secret-path-token`;
}

describe.runIf(browserAvailable())('console webhooks view (Chromium)', { timeout: 60_000 }, () => {
  let browser: Browser;
  let served: Served;

  beforeAll(async () => {
    browser = await launchBrowser();
    const { createGateway } = (await import(/* @vite-ignore */ GATEWAY_SOURCE)) as {
      createGateway(config: Record<string, unknown>): {
        listen(options: { host: string; port: number }): Promise<{ url: string }>;
        close(): Promise<void>;
      };
    };
    const gateway = createGateway({
      tenants: [{ id: 'acme', policy: 'refunds' }],
      apiKeys: [
        { key: ADMIN, tenantId: 'acme', roles: ['admin'], name: 'acme_admin' },
        { key: AGENT, tenantId: 'acme', roles: ['agent'], name: 'acme_agent' },
      ],
      vaultKey: null,
      env: {},
      console: { assetsDir: inject('consoleBuild') },
      webhooks: {
        endpoints: [
          {
            id: 'on-call',
            tenantId: 'acme',
            url: await refusedUrl(),
            events: ['decision.blocked'],
            secret: SECRET,
          },
        ],
        delivery: { maxAttempts: 1 },
      },
    });
    const server = await gateway.listen({ host: '127.0.0.1', port: 0 });
    served = { url: server.url, close: () => gateway.close() };
    const denied = await fetch(`${served.url}/api/v1/actions/preflight`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' },
      body: JSON.stringify({ goal: 'refund', tool: 'stripe.refund.create', args: { amount: 90000 } }),
    });
    expect(((await denied.json()) as { decision: string }).decision).toBe('deny');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('lists the endpoint and the dead delivery, and retries it from its own button', async () => {
    const console = await openConsole(browser, served.url);
    await console.signIn(ADMIN);
    await console.open('webhooks');
    const { page } = console;
    const endpoint = page.locator('tr[data-webhook="on-call"]');
    await endpoint.waitFor();
    expect(await endpoint.textContent()).toContain('http://127.0.0.1');
    const delivery = page.locator('tr[data-delivery]', { hasText: 'decision.blocked' });
    await delivery.waitFor();
    await expect(delivery.textContent()).resolves.toMatch(/dead.*1\/1.*connection refused/);
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).not.toContain('very-secret-path-token');
    expect(body).not.toContain(SECRET.slice(6));
    expect(await page.locator('h1').count()).toBe(1);
    expect(await console.axe()).toEqual([]);

    const id = await delivery.getAttribute('data-delivery');
    await page.getByRole('button', { name: `Retry delivery ${id} of decision.blocked to on-call` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Delivery ${id} is queued again for on-call.` })
      .waitFor();
    expect(console.errors).toEqual([]);
    expect(console.foreignRequests()).toEqual([]);
    await console.close();
  });
});
