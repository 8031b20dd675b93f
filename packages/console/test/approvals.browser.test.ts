/**
 * The inbox an on-call approver can trust, in Chromium against a real gateway: agent strings with bidi
 * and invisible characters shown escaped, amounts in their currency with the raw value, the rule's
 * words beside its code, pending count and order, expired requests that cannot be clicked, the
 * gateway's own 409 text, a second step for high-risk approvals, history with who decided and the
 * note, stale data when the gateway is unreachable, named buttons, focus kept in the list, and axe.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  type ConsolePage,
  call,
  hold,
  launchBrowser,
  openConsole,
  type ServedGateway,
  serveGateway,
} from './browser.js';

// Characters that reorder or hide text; none may reach the page raw.
const HIDING = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff\u{e0000}-\u{e007f}]/u;
const DAY_MS = 24 * 3600_000;

describe.runIf(browserAvailable())('approvals inbox (Chromium)', { timeout: 60_000 }, () => {
  let browser: Browser;
  let served: ServedGateway;

  beforeAll(async () => {
    browser = await launchBrowser();
    served = await serveGateway();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  /**
   * Stops the page's clock once what the test needs is on screen: no refresh (and no effect, which
   * Preact runs from a timer) happens until the test moves the clock.
   */
  async function pause(opened: ConsolePage): Promise<void> {
    await opened.page.clock.pauseAt(Date.now() + 1000);
  }

  async function signedIn(key: string, clock?: 'fake'): Promise<ConsolePage> {
    const opened = await openConsole(browser, served.url, { fakeClock: clock === 'fake' });
    await opened.signIn(key);
    return opened;
  }

  async function pendingIds(): Promise<string[]> {
    const { body } = await call(served, served.keys.approver, 'GET', '/approvals?status=pending&limit=500');
    return ((body?.items ?? []) as { id: string }[]).map((item) => item.id);
  }

  async function settle(): Promise<void> {
    // Every test starts from an empty inbox: deny what earlier tests left pending.
    for (const id of await pendingIds())
      await call(served, served.keys.approver, 'POST', `/approvals/${id}/deny`, {});
  }

  it('shows bidi and invisible characters escaped, amounts in their currency, the rule in words, the count and the order', async () => {
    await settle();
    const first = await hold(served, {
      tool: 'stripe.refund.create',
      agent_id: 'bot\u202Elive',
      resource: 'inv\u202Efdp.exe',
      user_id: 'cust\u200B1\u{E0041}',
      args: { amount: 25000, currency: 'usd', order: 'ord_first' },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await hold(served, {
      tool: 'stripe.refund.create',
      agent_id: 'bot-2',
      args: { amount: 1999, currency: 'jpy', order: 'ord_second' },
    });
    const approver = await signedIn(served.keys.approver);
    const { page } = approver;
    const cards = page.locator('li.card');
    await expect.poll(() => cards.count()).toBe(2);

    const card = page.locator(`li.card[data-approval-id="${first}"]`);
    await expect(card.locator('.agent-id').textContent()).resolves.toBe('bot\\u202elive');
    await expect(card.locator('.resource').textContent()).resolves.toBe('inv\\u202efdp.exe');
    const shown = (await card.textContent()) ?? '';
    expect(shown).toContain('cust\\u200b1\\u{e0041}');
    // Nothing anywhere on the page (text, labels, names) carries a raw hiding character.
    const everything = await page.evaluate(() =>
      [
        document.body.textContent,
        ...Array.from(document.querySelectorAll('[aria-label]'), (e) => e.getAttribute('aria-label')),
      ].join('\n'),
    );
    expect(everything).not.toMatch(HIDING);

    await expect(card.locator('.amount').textContent()).resolves.toBe(
      '$250.00 (raw 25000 usd (minor units))',
    );
    await expect(
      page.locator(`li.card[data-approval-id="${second}"] .amount .money`).textContent(),
    ).resolves.toMatch(/^¥1,999$/);
    await expect(card.locator('.reason').textContent()).resolves.toBe(
      'Every refund waits for a person on call refund.needs_approval (risk medium)',
    );
    await expect(page.locator('.pending-count').textContent()).resolves.toBe('2 pending');

    // Oldest first by default; newest first on request.
    const order = () => cards.evaluateAll((all) => all.map((li) => li.getAttribute('data-approval-id')));
    await expect(order()).resolves.toEqual([first, second]);
    await page.getByLabel('Order').selectOption('newest');
    await expect(order()).resolves.toEqual([second, first]);

    // Buttons are named after their request (agent escaped there too).
    await card
      .getByRole('button', {
        name: `Approve stripe.refund.create for bot\\u202elive (${first})`,
        exact: true,
      })
      .waitFor();
    await card
      .getByRole('button', { name: `Deny stripe.refund.create for bot\\u202elive (${first})`, exact: true })
      .waitFor();

    await expect(page.locator('h1').count()).resolves.toBe(1);
    await expect(approver.axe()).resolves.toEqual([]);
    expect(approver.errors).toEqual([]);
    expect(approver.dialogs).toEqual([]);
    expect(approver.foreignRequests()).toEqual([]);
    await approver.close();
  });

  it('keeps focus in the list after a decision, and the history says who decided and their note', async () => {
    await settle();
    const a = await hold(served, { tool: 'stripe.refund.create', agent_id: 'bot-a', args: { amount: 100 } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const b = await hold(served, { tool: 'stripe.refund.create', agent_id: 'bot-b', args: { amount: 200 } });
    const approver = await signedIn(served.keys.approver);
    const { page } = approver;
    const cardA = page.locator(`li.card[data-approval-id="${a}"]`);
    await cardA.getByLabel('Note (optional)').fill('called the customer\n<b>ok</b> \u202Egnp.exe');
    await cardA.getByRole('button', { name: /^Approve / }).click();

    await page
      .getByRole('status')
      .filter({ hasText: `${a} approved` })
      .waitFor();
    await expect.poll(() => page.locator('li.card').count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`card-title-${b}`);

    const row = page.locator(`.history-rows tr[data-approval-id="${a}"]`);
    await row.waitFor();
    await expect(row.locator('.decided-by').textContent()).resolves.toBe('acme_approver');
    await expect(row.locator('.note').textContent()).resolves.toBe(
      'called the customer\n<b>ok</b> \\u202egnp.exe',
    );
    await expect(row.textContent()).resolves.toContain('approved');
    await expect(page.locator('.history-rows b').count()).resolves.toBe(0);

    // Deciding the last one leaves focus on the (now empty) list, not the top of the page.
    await page
      .locator(`li.card[data-approval-id="${b}"]`)
      .getByRole('button', { name: /^Deny / })
      .click();
    await expect.poll(() => page.locator('li.card').count()).toBe(0);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Pending approval requests');
    await page.locator(`.history-rows tr[data-approval-id="${b}"]`).waitFor();
    await expect(approver.axe()).resolves.toEqual([]);
    expect(approver.errors).toEqual([]);
    await approver.close();
  });

  it('asks once more before approving a high-risk action', async () => {
    await settle();
    const wire = await hold(served, {
      tool: 'bank.wire.send',
      agent_id: 'treasury-bot',
      resource: 'iban:DE89',
      args: { amount: 5_000_000, currency: 'EUR' },
    });
    const approver = await signedIn(served.keys.approver);
    const { page } = approver;
    const card = page.locator(`li.card[data-approval-id="${wire}"]`);
    await card.getByRole('button', { name: /^Approve / }).click();
    const confirm = card.getByRole('group', { name: /^Confirm approval of bank\.wire\.send/ });
    await confirm.waitFor();
    await expect(confirm.textContent()).resolves.toContain('€50,000.00');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Yes, approve');
    await expect(approver.axe()).resolves.toEqual([]);
    // Cancel: nothing was sent.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await call(served, served.keys.approver, 'GET', `/approvals/${wire}`)).body?.status).toBe(
      'pending',
    );

    await card.getByRole('button', { name: /^Approve / }).click();
    await card.getByRole('button', { name: /^Yes, approve bank\.wire\.send/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${wire} approved` })
      .waitFor();
    expect((await call(served, served.keys.approver, 'GET', `/approvals/${wire}`)).body?.status).toBe(
      'approved',
    );
    await approver.close();
  });

  it('says "expired" and disables the buttons once the request expired', async () => {
    await settle();
    const id = await hold(served, { tool: 'stripe.refund.create', agent_id: 'bot-x', args: { amount: 300 } });
    const approver = await signedIn(served.keys.approver, 'fake');
    const { page } = approver;
    const card = page.locator(`li.card[data-approval-id="${id}"]`);
    await card.waitFor();
    await pause(approver);
    await expect(card.getByRole('button', { name: /^Approve / }).isEnabled()).resolves.toBe(true);
    // The browser's clock passes the request's expiry (the gateway's has not yet).
    await page.clock.setSystemTime(Date.now() + DAY_MS + 60_000);
    await page.clock.runFor(1500);
    await expect(card.locator('.time-left').textContent()).resolves.toBe(
      'expired — the agent must ask again',
    );
    await expect(card.getByRole('button', { name: /^Approve / }).isDisabled()).resolves.toBe(true);
    await expect(card.getByRole('button', { name: /^Deny / }).isDisabled()).resolves.toBe(true);
    await expect(card.textContent()).resolves.toContain('This request has expired');
    // axe-core waits on timers of its own: let the page's clock run again.
    await page.clock.resume();
    await expect(approver.axe()).resolves.toEqual([]);
    await approver.close();
  });

  it("shows the gateway's own 409 text, and 'someone else' only when someone did decide", async () => {
    await settle();
    const expiring = await hold(served, {
      tool: 'stripe.refund.create',
      agent_id: 'bot-e',
      args: { amount: 400 },
    });
    const approver = await signedIn(served.keys.approver, 'fake');
    const { page } = approver;
    let card = page.locator(`li.card[data-approval-id="${expiring}"]`);
    await card.waitFor();
    await pause(approver);
    // The gateway's clock passes the expiry while the page still shows the request as pending.
    served.advance(DAY_MS + 60_000);
    await card.getByRole('button', { name: /^Approve / }).click();
    const expiredAlert = page.getByRole('alert').filter({ hasText: expiring });
    await expiredAlert.waitFor();
    const said = (await expiredAlert.textContent()) ?? '';
    expect(said).toContain('expired before your decision reached the gateway');
    expect(said).toContain(
      `The gateway said: Approval request ${expiring} has expired; the agent must ask again. [approval.expired]`,
    );
    expect(said).not.toContain('Someone else');
    served.advance(-(DAY_MS + 60_000));
    await approver.close();

    // Another approver approves first: now it is true that someone else decided.
    const raced = await hold(served, {
      tool: 'stripe.refund.create',
      agent_id: 'bot-r',
      args: { amount: 500 },
    });
    const second = await signedIn(served.keys.approver, 'fake');
    card = second.page.locator(`li.card[data-approval-id="${raced}"]`);
    await card.waitFor();
    await pause(second);
    expect(
      (await call(served, served.keys.oncall, 'POST', `/approvals/${raced}/approve`, { note: 'mine' }))
        .status,
    ).toBe(200);
    await card.getByRole('button', { name: /^Deny / }).click();
    const racedAlert = second.page.getByRole('alert').filter({ hasText: raced });
    await racedAlert.waitFor();
    await expect(racedAlert.textContent()).resolves.toMatch(
      new RegExp(
        `^Someone else decided first: ${raced} is already approved by acme_oncall at .+\\. Nothing was changed\\. ` +
          `The gateway said: Approval request ${raced} was already approved\\. \\[approval\\.granted\\]$`,
      ),
    );
    await second.close();
  });

  it('marks the inbox stale and disables decisions while the gateway is unreachable', async () => {
    await settle();
    const id = await hold(served, { tool: 'stripe.refund.create', agent_id: 'bot-s', args: { amount: 600 } });
    const approver = await signedIn(served.keys.approver);
    const { page } = approver;
    const card = page.locator(`li.card[data-approval-id="${id}"]`);
    const approve = card.getByRole('button', { name: /^Approve / });
    await card.waitFor();
    await expect(approve.isEnabled()).resolves.toBe(true);

    await page.route('**/api/v1/approvals**', (route) => route.abort('connectionrefused'));
    await page.locator('[data-stale="true"]').waitFor();
    await expect(page.locator('[data-stale="true"]').textContent()).resolves.toContain(
      'The gateway is not answering',
    );
    await expect(approve.isDisabled()).resolves.toBe(true);
    await expect(card.getByRole('button', { name: /^Deny / }).isDisabled()).resolves.toBe(true);
    await expect(card.textContent()).resolves.toContain('bot-s');

    await page.unroute('**/api/v1/approvals**');
    await page.locator('[data-stale="true"]').waitFor({ state: 'detached' });
    await expect(approve.isEnabled()).resolves.toBe(true);
    await approver.close();
  });
});
