/**
 * The approvals inbox in a real browser: a refund held by the gateway is approved (or denied) in the
 * console while the agent's guard({ waitForApproval }) waits, through the TypeScript SDK on loopback.
 */
import { ActPass } from '@actpass/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  launchBrowser,
  openConsole,
  type ServedGateway,
  serveDevGateway,
} from './browser.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const REFUND = {
  goal: 'resolve_refund_request',
  tool: 'stripe.refund.create',
  resource: 'stripe:charge:ch_9',
};

describe.runIf(browserAvailable())('console approvals (Chromium)', { timeout: 60_000 }, () => {
  let browser: Browser;
  let served: ServedGateway;

  beforeAll(async () => {
    browser = await launchBrowser();
    served = await serveDevGateway();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  function agent() {
    return new ActPass({ apiKey: served.dev.keys.agent, baseUrl: served.url, logger: silent });
  }

  function heldRefund(amount: number, onExecute: () => void) {
    return agent().guard({
      ...REFUND,
      args: { amount, order: `ord_${amount}` },
      execute: () => {
        onExecute();
        return 'refunded';
      },
      waitForApproval: { timeoutMs: 60_000, pollIntervalMs: 100 },
    });
  }

  it('approving a held refund lets the waiting guard() proceed', async () => {
    const console = await openConsole(browser, served.url);
    await console.signIn(served.dev.keys.approver);
    let ran = false;
    const guarded = heldRefund(25_000, () => {
      ran = true;
    });

    const card = console.page.locator('li.card', { hasText: 'ord_25000' });
    await card.waitFor();
    await expect(card.locator('.time-left').textContent()).resolves.toMatch(/\d+h \d\dm left/);
    await expect(card.textContent()).resolves.toContain('refund.medium_needs_approval');
    await card.getByLabel('Note (optional)').fill('verified with the customer');
    await console.screenshot('approvals');
    await card.getByRole('button', { name: 'Approve' }).click();

    const result = await guarded;
    expect(result.executed).toBe(true);
    expect(ran).toBe(true);
    expect(result.decision).toMatchObject({ decision: 'allow', reason_code: 'approval.granted' });
    await console.page.getByRole('status').filter({ hasText: 'approved' }).waitFor();
    await expect(card.count()).resolves.toBe(0);

    const approvalId = result.decision.approval_request_id!;
    const approval = await new ActPass({
      apiKey: served.dev.keys.approver,
      baseUrl: served.url,
      logger: silent,
    }).approvals.get(approvalId);
    expect(approval).toMatchObject({ note: 'verified with the customer' });
    expect(console.errors).toEqual([]);
    expect(console.foreignRequests()).toEqual([]);
    await console.page.context().close();
  });

  it('denying keeps the action blocked', async () => {
    const console = await openConsole(browser, served.url);
    await console.signIn(served.dev.keys.approver);
    let ran = false;
    const guarded = heldRefund(30_000, () => {
      ran = true;
    });
    const card = console.page.locator('li.card', { hasText: 'ord_30000' });
    await card.getByRole('button', { name: 'Deny' }).click();

    const result = await guarded;
    expect(result.executed).toBe(false);
    expect(ran).toBe(false);
    expect(result.decision.decision).not.toBe('allow');
    expect(console.errors).toEqual([]);
    await console.page.context().close();
  });

  it('says clearly when someone else decided first (409)', async () => {
    const console = await openConsole(browser, served.url);
    await console.signIn(served.dev.keys.approver);
    const held = await agent().preflight({ ...REFUND, args: { amount: 40_000, order: 'ord_40000' } });
    const card = console.page.locator('li.card', { hasText: 'ord_40000' });
    await card.waitFor();
    // Another approver denies it before this console's click lands.
    const response = await fetch(`${served.url}/api/v1/approvals/${held.approval_request_id}/deny`, {
      method: 'POST',
      headers: { authorization: `Bearer ${served.dev.keys.approver}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    await card.getByRole('button', { name: 'Approve' }).click();
    const alert = console.page.getByRole('alert').filter({ hasText: 'Someone else decided first' });
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/Someone else decided first: .* is already denied/);
    await console.screenshot('approvals-conflict');
    expect(console.errors).toEqual([]);
    expect(console.failures).toContainEqual(`409 POST /api/v1/approvals/${held.approval_request_id}/approve`);
    await console.page.context().close();
  });

  it('is usable from the keyboard alone', async () => {
    const console = await openConsole(browser, served.url);
    const { page } = console;
    await page.keyboard.press('Tab');
    await page.keyboard.type(served.dev.keys.approver);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    let ran = false;
    const guarded = heldRefund(20_000, () => {
      ran = true;
    });
    const card = page.locator('li.card', { hasText: 'ord_20000' });
    await card.waitFor();
    await card.getByLabel('Note (optional)').focus();
    await page.keyboard.type('by keyboard');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Approve');
    await page.keyboard.press('Enter');
    expect((await guarded).executed).toBe(true);
    expect(ran).toBe(true);
    await console.page.context().close();
  });

  it('shows the delegation a held action inherited, and when its passport is revoked', async () => {
    const client = agent();
    const passport = await client.issuePassport({
      audience: 'mcp://stripe-production',
      goal: REFUND.goal,
      allowedTools: [REFUND.tool],
      allowedResources: [REFUND.resource],
      ttlSeconds: 600,
    });
    const held = await client.preflight({
      ...REFUND,
      args: { amount: 15_000, order: 'ord_15000' },
      passport: passport.token,
    });
    expect(held.decision).toBe('require_approval');

    const console = await openConsole(browser, served.url);
    await console.signIn(served.dev.keys.approver);
    const card = console.page.locator('li.card', { hasText: 'ord_15000' });
    const status = card.locator('[data-delegation-status]');
    await expect(status.textContent()).resolves.toBe('active');
    await expect(card.locator('.delegation').textContent()).resolves.toContain(passport.jti);

    await client.revokePassport(passport.jti, 'task cancelled');
    await card.locator('[data-delegation-status="revoked"]').waitFor();
    await expect(card.locator('.delegation').textContent()).resolves.toContain('approving will not release');
    await console.screenshot('approvals-delegation');
    expect(console.errors).toEqual([]);
    await console.page.context().close();
  });
});
