/**
 * Rollout and what-if in a real browser, on seeded monitor traffic: the console must show what the API
 * returns (chart data, totals, the would-block list), what-if must list exactly the decisions a known
 * candidate policy changes, and the CLI must agree with both on the same data.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActPass } from '@actpass/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { packSource } from '../../src/index.js';
import {
  browserAvailable,
  launchBrowser,
  openConsole,
  type ServedGateway,
  serveDevGateway,
} from './browser.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** Monitor traffic: small refunds enforce would allow, medium ones it would hold, large ones it would deny. */
const AMOUNTS = [4_900, 20_000, 30_000, 90_000, 20_000, 1_000, 75_000];
const isMedium = (amount: number) => amount > 10_000 && amount <= 50_000;

/** `actpass …` in-process against the served gateway (ACTPASS_BASE_URL / ACTPASS_API_KEY), parsed --json. */
async function cliJson<T>(baseUrl: string, apiKey: string, argv: string[]): Promise<T> {
  const saved = { url: process.env.ACTPASS_BASE_URL, key: process.env.ACTPASS_API_KEY };
  process.env.ACTPASS_BASE_URL = baseUrl;
  process.env.ACTPASS_API_KEY = apiKey;
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runCli([...argv, '--json'], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    expect([code, err]).toEqual([0, []]);
  } finally {
    for (const [name, value] of [
      ['ACTPASS_BASE_URL', saved.url],
      ['ACTPASS_API_KEY', saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return JSON.parse(out.join('\n')) as T;
}

describe.runIf(browserAvailable())('console rollout and what-if (Chromium)', { timeout: 90_000 }, () => {
  let browser: Browser;
  let served: ServedGateway;
  const mediumSeqs: number[] = [];

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${served.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${served.dev.keys.admin}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${path}`).toBe(200);
    return (await response.json()) as T;
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    served = await serveDevGateway();
    const agent = new ActPass({ apiKey: served.dev.keys.agent, baseUrl: served.url, logger: silent });
    for (const [index, amount] of AMOUNTS.entries()) {
      const decision = await agent.preflight({
        goal: 'resolve_refund_request',
        tool: 'stripe.refund.create',
        resource: `stripe:charge:ch_${index % 3}`,
        args: { amount },
        mode: 'monitor',
      });
      expect(decision.enforced).toBe(false);
      if (isMedium(amount)) {
        const page = await api<{ events: Array<{ seq: number; id: string }> }>(
          'GET',
          '/evidence?after_seq=0&limit=1000',
        );
        mediumSeqs.push(page.events.find((event) => event.id === decision.evidence_event_id)!.seq);
      }
    }
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('shows the rollout report the API returns: chart, totals and the would-block list', async () => {
    interface Report {
      totals: { decisions: number; would_block: number; observed: number; observed_would_block: number };
      buckets: Array<{ start: string; total: number; would_block: number }>;
      counts: Array<{
        tool: string;
        reason_code: string;
        mode: string;
        decision: string;
        enforce_decision: string;
        count: number;
      }>;
      top_would_block: Array<{
        tool: string;
        resource: string | null;
        reason_code: string;
        enforce_decision: string;
        count: number;
      }>;
    }
    const admin = await openConsole(browser, served.url);
    await admin.signIn(served.dev.keys.admin);
    await admin.page.getByTestId('whoami').filter({ hasText: 'admin' }).waitFor();
    await admin.open('rollout');
    const page = admin.page;
    await page.locator('.chart canvas').first().waitFor();
    const report = await api<Report>('GET', '/reports/rollout?bucket=hour&top=20');

    expect(report.totals.observed).toBe(AMOUNTS.length);
    expect(report.totals.observed_would_block).toBe(AMOUNTS.filter((a) => a > 10_000).length);
    const summary = (await page.locator('.rollout-summary').textContent()) ?? '';
    expect(summary).toContain(
      `${report.totals.observed_would_block} of ${report.totals.observed} monitor/warn`,
    );

    // The chart is drawn from the buckets; the table under it carries the same numbers.
    await expect(page.locator('.chart .u-legend').textContent()).resolves.toContain('enforce would block');
    const bucketRows = await page.locator('table.buckets tbody tr').allTextContents();
    const nonEmpty = report.buckets.filter((b) => b.total > 0);
    expect(nonEmpty.length).toBeGreaterThan(0);
    const shownTotals = (
      await page.locator('table.buckets tbody tr').evaluateAll((rows) =>
        rows.map((row) =>
          Array.from(row.querySelectorAll('td'))
            .slice(1)
            .map((cell) => Number(cell.textContent)),
        ),
      )
    ).filter(([total]) => (total ?? 0) > 0);
    expect(shownTotals).toEqual(nonEmpty.map((b) => [b.total, b.would_block]));
    expect(bucketRows.length).toBe(report.buckets.length);

    const listed = await page.locator('table.would-block tbody tr').evaluateAll((rows) =>
      rows.map((row) =>
        Array.from(row.querySelectorAll('td'))
          .slice(0, 5)
          .map((cell) => cell.textContent),
      ),
    );
    expect(listed).toEqual(
      report.top_would_block.map((row) => [
        row.tool,
        row.resource ?? '—',
        row.reason_code,
        row.enforce_decision,
        String(row.count),
      ]),
    );
    expect(listed.length).toBeGreaterThan(0);

    const counted = await page
      .locator('table.counts tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent)),
      );
    expect(counted).toEqual(
      report.counts.map((row) => [
        row.tool,
        row.reason_code,
        row.mode,
        row.decision,
        row.enforce_decision,
        String(row.count),
      ]),
    );
    expect(report.counts.reduce((sum, row) => sum + row.count, 0)).toBe(AMOUNTS.length);

    // The CLI says the same (it is the same call through the SDK).
    const fromCli = await cliJson<Report>(served.url, served.dev.keys.admin, [
      'report',
      'rollout',
      '--bucket',
      'hour',
      '--top',
      '20',
    ]);
    expect(fromCli.totals).toEqual(report.totals);
    expect(fromCli.counts).toEqual(report.counts);
    expect(fromCli.top_would_block.map((row) => [row.tool, row.resource ?? '—', row.reason_code])).toEqual(
      listed.map((row) => row.slice(0, 3)),
    );
    await admin.screenshot('rollout');
    expect(admin.errors).toEqual([]);
    expect(admin.failures).toEqual([]);
    expect(admin.foreignRequests()).toEqual([]);
    await page.context().close();
  });

  it('what-if lists exactly the decisions a stricter candidate changes', async () => {
    // The refunds pack with medium refunds denied instead of held.
    const candidate = packSource('refunds') as {
      id: string;
      version: number;
      rules: Array<{ id: string; decision: string; reason: string }>;
    };
    candidate.version += 1;
    const medium = candidate.rules.find((rule) => rule.id === 'refund-medium')!;
    medium.decision = 'deny';
    medium.reason = 'refund.large_denied';

    const admin = await openConsole(browser, served.url);
    await admin.signIn(served.dev.keys.admin);
    await admin.open('policy');
    const page = admin.page;
    await page.getByLabel('Candidate policy (JSON)').fill(JSON.stringify(candidate, null, 2));
    await page.getByRole('button', { name: 'Run what-if' }).click();
    const summary = page.locator('.simulation .summary');
    await summary.waitFor();

    await expect(summary.getAttribute('data-changed')).resolves.toBe(String(mediumSeqs.length));
    await expect(page.locator('.transitions').textContent()).resolves.toContain(
      `require_approval → deny: ${mediumSeqs.length}`,
    );
    const seqs = await page
      .locator('table.changes tbody tr')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));
    expect(seqs.sort((a, b) => a - b)).toEqual([...mediumSeqs].sort((a, b) => a - b));
    const apiResult = await api<{ summary: { changed: number } }>('POST', '/policy/simulate', {
      policy: candidate,
    });
    expect(apiResult.summary.changed).toBe(mediumSeqs.length);
    const scratch = mkdtempSync(join(tmpdir(), 'actpass-console-what-if-'));
    try {
      const file = join(scratch, 'candidate.json');
      writeFileSync(file, JSON.stringify(candidate));
      const fromCli = await cliJson<{ summary: { changed: number }; changes: Array<{ seq: number }> }>(
        served.url,
        served.dev.keys.admin,
        ['policy', 'simulate', file, '--limit', '100'],
      );
      expect(fromCli.summary).toEqual((apiResult as { summary: unknown }).summary);
      expect(fromCli.changes.map((change) => change.seq).sort((a, b) => a - b)).toEqual(seqs);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    await admin.screenshot('what-if');

    // The same candidate uploaded as a file gives the same answer; the current policy changes nothing.
    await page.getByLabel('Or upload a policy file').setInputFiles({
      name: 'candidate.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(candidate)),
    });
    await page.getByRole('button', { name: 'Run what-if' }).click();
    await expect(summary.getAttribute('data-changed')).resolves.toBe(String(mediumSeqs.length));
    await page.getByRole('button', { name: 'Start from the current policy' }).click();
    await page.getByRole('button', { name: 'Run what-if' }).click();
    await page.locator('.simulation .summary[data-changed="0"]').waitFor();

    expect(admin.errors).toEqual([]);
    expect(admin.failures).toEqual([]);
    expect(admin.foreignRequests()).toEqual([]);
    await page.context().close();
  });
});
