/**
 * Real Chromium (Debian's `chromium`, driven by playwright-core) against a dev gateway served on
 * loopback. Every page records each request it makes, every dialog, every page error and every console
 * error (CSP violations land there), so tests can assert the console loaded nothing from elsewhere and
 * ran nothing it was not meant to.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createDevGateway, type DevGateway, type RunningServer } from '../../src/index.js';

const CHROMIUM_CANDIDATES = [process.env.ACTPASS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Where screenshots go: git-ignored, under the package. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../.screenshots/', import.meta.url));

export function chromiumPath(): string | null {
  return CHROMIUM_CANDIDATES.find((path): path is string => !!path && existsSync(path)) ?? null;
}

/**
 * In CI the browser suites must run: a missing Chromium is a failure there. Elsewhere they are skipped
 * with a message saying how to get it.
 */
export function browserAvailable(): boolean {
  if (chromiumPath()) return true;
  const message =
    'console browser tests: no Chromium found (/usr/bin/chromium); install it with ' +
    '`apt-get update && apt-get install -y chromium` or set ACTPASS_CHROMIUM.';
  if (process.env.CI === 'true') throw new Error(`${message} CI must run these tests.`);
  console.warn(`SKIPPED ${message}`);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('no Chromium');
  return chromium.launch({
    executablePath,
    headless: true,
    // Root in CI containers has no user namespace for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}

export interface ServedGateway {
  dev: DevGateway;
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

export async function serveDevGateway(
  options: Parameters<typeof createDevGateway>[0] = {},
): Promise<ServedGateway> {
  const dev = createDevGateway({ env: {}, ...options });
  const server = await dev.gateway.listen({ host: '127.0.0.1', port: 0 });
  return {
    dev,
    server,
    url: server.url,
    close: () => dev.gateway.close(),
  };
}

export interface ConsolePage {
  page: Page;
  requests: string[];
  dialogs: string[];
  /** Script errors and console errors (CSP violations among them). */
  errors: string[];
  /** "status METHOD path" of every answer >= 400 the page received. */
  failures: string[];
  /** Origins of every request the page made that did not go to the gateway. */
  foreignRequests(): string[];
  signIn(key: string): Promise<void>;
  open(view: 'approvals' | 'decisions' | 'rollout' | 'policy' | 'ledger'): Promise<void>;
  screenshot(name: string): Promise<void>;
}

export async function openConsole(browser: Browser, gatewayUrl: string): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  const failures: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A 4xx/5xx answer is logged by Chromium too; those are collected below with their URL instead.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      failures.push(
        `${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`,
      );
    }
  });
  await page.goto(`${gatewayUrl}/console/`);
  const origin = new URL(gatewayUrl).origin;
  return {
    page,
    requests,
    dialogs,
    errors,
    failures,
    foreignRequests: () =>
      requests.filter((url) => {
        if (url.startsWith('blob:')) return new URL(url.slice(5)).origin !== origin;
        return new URL(url).origin !== origin;
      }),
    async signIn(key) {
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Views' }).waitFor();
    },
    async open(view) {
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('link', { name: new RegExp(`^${view}$`, 'i') })
        .click();
      await page.getByRole('heading', { level: 2, name: new RegExp(`^${view}$`, 'i') }).waitFor();
    },
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `console-${name}.png`), fullPage: true });
    },
  };
}
