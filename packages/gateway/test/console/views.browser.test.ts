/**
 * The console's read views in a real browser, fed by real agent traffic: the decision stream and its
 * detail, the ledger (chain status, head hash, signed export download), the policy, and hostile agent
 * strings that must render as text and run nothing.
 */
import { readFileSync } from 'node:fs';
import { ActPass } from '@actpass/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExport } from '../../src/index.js';
import {
  browserAvailable,
  launchBrowser,
  openConsole,
  type ServedGateway,
  serveDevGateway,
} from './browser.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const PWNED = '<img src=x onerror="window.__pwned=\'img\'">';
const SCRIPT = "<script>window.__pwned='script'</script>";
const LINK = "javascript:window.__pwned='link'";
const SVG = '<svg onload="window.__pwned=\'svg\'"></svg>';

describe.runIf(browserAvailable())('console views (Chromium)', { timeout: 60_000 }, () => {
  let browser: Browser;
  let served: ServedGateway;
  let agent: ActPass;

  beforeAll(async () => {
    browser = await launchBrowser();
    served = await serveDevGateway();
    agent = new ActPass({ apiKey: served.dev.keys.agent, baseUrl: served.url, logger: silent });
    await agent.preflight({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      resource: 'stripe:charge:ch_1',
      args: { amount: 4900 },
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('renders hostile agent strings as text and runs none of them', async () => {
    const held = await agent.preflight({
      goal: `refund ${SVG}`,
      tool: 'stripe.refund.create',
      resource: `stripe:charge:${PWNED}`,
      user_id: LINK,
      args: { amount: 20_000, note: PWNED, link: LINK, [SCRIPT]: SCRIPT, nested: { html: SVG } },
    });
    expect(held.decision).toBe('require_approval');

    const approver = await openConsole(browser, served.url);
    await approver.signIn(served.dev.keys.approver);
    const card = approver.page.locator('li.card', { hasText: 'onerror' });
    await card.waitFor();
    const shown = (await card.textContent()) ?? '';
    for (const payload of [PWNED, LINK, SVG]) expect(shown).toContain(payload);
    expect(shown).toContain(JSON.stringify(SCRIPT).slice(1, -1));
    await approver.screenshot('xss-as-text');

    const admin = await openConsole(browser, served.url);
    await admin.signIn(served.dev.keys.admin);
    await admin.open('decisions');
    const row = admin.page.locator('tbody tr', { hasText: 'require_approval' }).first();
    await row.waitFor();
    await row.getByRole('button').click();
    const detail = admin.page.locator('aside.detail');
    // The ledger event is shown as JSON text, so the payload appears JSON-escaped, still as text.
    await expect(detail.textContent()).resolves.toContain(JSON.stringify(PWNED).slice(1, -1));

    for (const { page, dialogs, errors, requests } of [approver, admin]) {
      // Nothing the payloads asked for happened: no element, no script, no dialog, no request.
      await expect(
        page.locator('main img, main svg:not(.u-over svg), main script, a[href^="javascript:"]').count(),
      ).resolves.toBe(0);
      await expect(page.evaluate(() => (window as { __pwned?: string }).__pwned)).resolves.toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      expect(requests.filter((url) => url.endsWith('/x') || url.startsWith('javascript:'))).toEqual([]);
    }
    await approver.page.context().close();
    await admin.page.context().close();
  });

  it('streams decisions live and opens each one with its ledger event and explain trace', async () => {
    const admin = await openConsole(browser, served.url);
    await admin.signIn(served.dev.keys.admin);
    await admin.open('decisions');
    const denied = await agent.preflight({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      resource: 'stripe:charge:ch_live',
      args: { amount: 90_000 },
    });
    expect(denied.decision).toBe('deny');
    const page = admin.page;
    const row = page.locator('tbody tr', { hasText: 'refund.large_denied' });
    await row.waitFor();

    await page.getByLabel('Decision', { exact: true }).selectOption('allow');
    await expect(row.count()).resolves.toBe(0);
    await page.getByLabel('Decision', { exact: true }).selectOption('deny');
    await row.getByRole('button').click();
    const detail = page.locator('aside.detail');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('detail-title');
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain('refund.large_denied');
    expect(text).toContain('refund-large');
    expect(text).toContain(denied.evidence_event_id);
    expect(text).toContain(denied.policy?.hash);
    await admin.screenshot('decisions');
    expect(admin.errors).toEqual([]);
    expect(admin.foreignRequests()).toEqual([]);
    await page.context().close();
  });

  it('shows the chain status and head hash, and downloads a signed export that verifies', async () => {
    const admin = await openConsole(browser, served.url);
    await admin.signIn(served.dev.keys.admin);
    await admin.open('ledger');
    const page = admin.page;
    const verified = (await (
      await fetch(`${served.url}/api/v1/evidence/verify`, {
        headers: { authorization: `Bearer ${served.dev.keys.admin}` },
      })
    ).json()) as { ok: boolean; head: { seq: number; hash: string } };
    await page.locator('[data-chain-ok="true"]').waitFor();
    await expect(page.locator('.head-hash').textContent()).resolves.toBe(verified.head.hash);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download signed export' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^actpass-evidence-acme-\d+\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    const result = verifyExport(exported, served.dev.gateway.jwks());
    expect(result.ok).toBe(true);
    await admin.screenshot('ledger');
    expect(admin.errors).toEqual([]);
    expect(admin.foreignRequests()).toEqual([]);
    await page.context().close();
  });

  it('shows the current policy', async () => {
    const admin = await openConsole(browser, served.url);
    await admin.signIn(served.dev.keys.admin);
    await admin.open('policy');
    await expect(admin.page.locator('.policy-id').textContent()).resolves.toBe('actpass.pack.refunds v1');
    expect(admin.errors).toEqual([]);
    await admin.page.context().close();
  });

  it('loads nothing from outside the gateway and keeps the key out of cookies and localStorage', async () => {
    const admin = await openConsole(browser, served.url);
    await admin.signIn(served.dev.keys.admin);
    for (const view of ['approvals', 'decisions', 'rollout', 'policy', 'ledger'] as const) {
      await admin.open(view);
      // Every control has a label (or, for buttons, its text) a screen reader can announce.
      const unlabelled = await admin.page.evaluate(() =>
        Array.from(document.querySelectorAll('input, select, textarea, button'))
          .filter((control) => {
            const labelled = (control as HTMLInputElement).labels?.length ?? 0;
            const named = control.getAttribute('aria-label') || (control.textContent ?? '').trim();
            return labelled === 0 && !named;
          })
          .map((control) => control.outerHTML.slice(0, 80)),
      );
      expect([view, unlabelled]).toEqual([view, []]);
    }
    expect(admin.requests.length).toBeGreaterThan(4);
    expect(admin.foreignRequests()).toEqual([]);
    const context = admin.page.context();
    expect(await context.cookies()).toEqual([]);
    const storage = await admin.page.evaluate(() => ({
      local: Object.keys(localStorage),
      session: Object.keys(sessionStorage),
    }));
    expect(storage).toEqual({ local: [], session: ['actpass.console.key'] });
    await admin.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(admin.page.evaluate(() => sessionStorage.length)).resolves.toBe(0);
    await context.close();
  });
});
