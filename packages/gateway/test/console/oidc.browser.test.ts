/**
 * People's sign-in in a real browser: Chromium opens the console, clicks "Sign in with Local SSO",
 * signs in on the local OpenID provider's own page (oidc-provider on loopback), comes back signed in,
 * and approves a held refund; the ledger names the person by the provider's issuer and their subject.
 * A person whose name and subject are markup and bidi controls is shown as text, never run.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_GROUP,
  AGENT_KEY,
  APPROVER_GROUP,
  type SignInGateway,
  startSignInGateway,
} from '../auth/oidc/harness.js';
import { browserAvailable, launchBrowser, openConsole } from './browser.js';

const HOSTILE_SUB = 'eve<img src=x onerror=alert(1)>\u202Efdp.exe';
const HOSTILE_NAME = '<script>alert("name")</script>\u202Eevil';
const USERS = {
  alice: { name: 'Alice Approver', groups: [APPROVER_GROUP] },
  [HOSTILE_SUB]: { name: HOSTILE_NAME, groups: [APPROVER_GROUP, ADMIN_GROUP] },
  bob: { name: 'Bob Staff', groups: ['staff'] },
};

type LedgerEvent = { type: string; data: Record<string, unknown> };

async function signInThroughProvider(page: Page, login: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in with Local SSO' }).click();
  await page.getByRole('heading', { name: 'Local provider' }).waitFor();
  await page.getByLabel('User name').fill(login);
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function holdRefund(env: SignInGateway, order: string): Promise<string> {
  const response = await fetch(`${env.url}/api/v1/actions/preflight`, {
    method: 'POST',
    headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      resource: 'stripe:charge:ch_9',
      args: { amount: 25_000, order },
    }),
  });
  const decision = (await response.json()) as { decision: string; approval_request_id: string };
  expect(decision.decision).toBe('require_approval');
  return decision.approval_request_id;
}

describe.runIf(browserAvailable())(
  'console sign-in through an OpenID provider (Chromium)',
  { timeout: 90_000 },
  () => {
    let browser: Browser;
    let env: SignInGateway;

    beforeAll(async () => {
      browser = await launchBrowser();
      env = await startSignInGateway(USERS);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await env?.close();
    });

    it('signs an approver in from the console and records the approval under their issuer and subject', async () => {
      const console = await openConsole(browser, env.url);
      await signInThroughProvider(console.page, 'alice');
      await console.page.getByRole('navigation', { name: 'Views' }).waitFor();
      // The navigation shows before whoami's answer fills the header: wait for the text itself.
      await expect
        .poll(() => console.page.getByTestId('whoami').textContent(), { timeout: 15_000 })
        .toMatch(/acme · oidc_[0-9a-f]{16} · approver/);
      // The token sits in this tab's sessionStorage; the one-time hand-off cookie is gone.
      const stored = await console.page.evaluate(() => sessionStorage.getItem('actpass.console.key'));
      expect(stored).toMatch(/^aps_/);
      // (The provider's own cookies share the host: cookies do not separate ports.)
      const ours = (await console.page.context().cookies(env.url)).filter((c) =>
        c.name.startsWith('actpass'),
      );
      expect(ours).toEqual([]);

      const approvalId = await holdRefund(env, 'ord_oidc_1');
      const card = console.page.locator('li.card', { hasText: 'ord_oidc_1' });
      await card.waitFor();
      await card.getByRole('button', { name: /^Approve/ }).click();
      await console.page.getByRole('status').filter({ hasText: 'approved' }).first().waitFor();
      await console.screenshot('oidc-approved');

      const events = (await env.gateway.stores.ledger.list('acme', {})) as LedgerEvent[];
      const verdict = events.find(
        (event) => event.type === 'approval.approved' && event.data.approval_request_id === approvalId,
      );
      expect(verdict?.data.written_by).toMatchObject({
        roles: ['approver'],
        actor: { iss: env.provider.issuer, sub: 'alice' },
      });

      // Signing out ends the session at the gateway, not only in the tab.
      await console.page.getByRole('button', { name: 'Sign out' }).click();
      await console.page.getByRole('button', { name: 'Sign in with Local SSO' }).waitFor();
      await expect
        .poll(
          async () =>
            (await fetch(`${env.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${stored}` } }))
              .status,
        )
        .toBe(401);
      expect(console.errors).toEqual([]);
      // Outside the gateway, only the page navigations to the provider's sign-in.
      const foreign = new Set(console.foreignRequests().map((url) => new URL(url).origin));
      expect([...foreign]).toEqual([env.provider.issuer]);
    });

    it('refuses a person without the approver group with a message saying why', async () => {
      const console = await openConsole(browser, env.url);
      await signInThroughProvider(console.page, 'bob');
      await console.page.getByText(/grant an ActPass role/).waitFor();
      const text = (await console.page.textContent('body')) ?? '';
      expect(text).toContain('auth.oidc_no_role');
      expect(text).toContain(APPROVER_GROUP);
      // The state cookie of the refused sign-in is all there is: no hand-off, so no session to claim.
      const ours = (await console.page.context().cookies(env.url)).filter((c) =>
        c.name.startsWith('actpass'),
      );
      expect(ours).toEqual([
        expect.objectContaining({ name: 'actpass_signin', httpOnly: true, sameSite: 'Lax' }),
      ]);
      const claim = await fetch(`${env.url}/api/v1/auth/session`, {
        method: 'POST',
        headers: { origin: env.url, cookie: `actpass_signin=${ours[0]?.value}` },
      });
      expect(claim.status).toBe(401);
    });

    it('shows a hostile subject and name as text: no markup runs, nothing is fetched from them', async () => {
      const console = await openConsole(browser, env.url);
      await signInThroughProvider(console.page, HOSTILE_SUB);
      await console.page.getByRole('navigation', { name: 'Views' }).waitFor();
      const approvalId = await holdRefund(env, 'ord_oidc_2');
      await console.open('approvals');
      const card = console.page.locator('li.card', { hasText: 'ord_oidc_2' });
      await card.waitFor();
      await card.getByRole('button', { name: /^Approve/ }).click();
      await console.page.getByRole('status').filter({ hasText: 'approved' }).first().waitFor();

      // Every admin view renders with this person signed in.
      for (const view of ['decisions', 'policy', 'ledger'] as const) await console.open(view);
      const events = (await env.gateway.stores.ledger.list('acme', {})) as LedgerEvent[];
      const verdict = events.find(
        (event) => event.type === 'approval.approved' && event.data.approval_request_id === approvalId,
      );
      expect(verdict?.data.written_by).toMatchObject({
        actor: { iss: env.provider.issuer, sub: HOSTILE_SUB },
      });
      await console.screenshot('oidc-hostile');

      expect(await console.page.locator('img[src="x"]').count()).toBe(0);
      expect(await console.page.locator('script:not([src])').count()).toBe(0);
      expect(console.dialogs).toEqual([]);
      expect(console.errors).toEqual([]);
      expect(console.requests.some((url) => new URL(url).pathname === '/x')).toBe(false);
    });
  },
);
