/**
 * Real Chromium (Debian's `chromium`, driven by playwright-core) against a gateway served on loopback
 * from its source, serving the console build this test run made. Every page records each request it
 * makes, every dialog, every page error and every console error (CSP violations land there), and can
 * run axe-core on itself.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

/**
 * The gateway, loaded from its source at run time. Typed here by the little the tests use, so the
 * console's type check does not compile the gateway's source under the console's settings.
 */
interface RunningServer {
  url: string;
}
interface Gateway {
  listen(options: { host: string; port: number }): Promise<RunningServer>;
  close(): Promise<void>;
}
type CreateGateway = (config: Record<string, unknown>) => Gateway;
const GATEWAY_SOURCE = fileURLToPath(new URL('../../gateway/src/index.ts', import.meta.url));

async function loadGateway(): Promise<CreateGateway> {
  const module = (await import(/* @vite-ignore */ GATEWAY_SOURCE)) as { createGateway: CreateGateway };
  return module.createGateway;
}

const CHROMIUM_CANDIDATES = [process.env.ACTPASS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string | null {
  return CHROMIUM_CANDIDATES.find((path): path is string => !!path && existsSync(path)) ?? null;
}

/** In CI the browser suites must run; elsewhere a missing Chromium skips them with a message. */
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

/**
 * The policy the console tests hold actions with: refunds wait for a person (medium risk), wires too
 * (high risk, so approving them asks twice), everything else is denied.
 */
export const TEST_POLICY = {
  id: 'console.test',
  version: 1,
  default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
  rules: [
    {
      id: 'refund-held',
      description: 'Every refund waits for a person on call',
      when: [{ path: 'tool', operator: 'glob', value: '*.refund.create' }],
      decision: 'require_approval',
      reason: 'refund.needs_approval',
      risk_tier: 'medium',
    },
    {
      id: 'wire-held',
      description: 'Wires always need a second look',
      when: [{ path: 'tool', operator: 'glob', value: 'bank.wire.*' }],
      decision: 'require_approval',
      reason: 'wire.needs_approval',
      risk_tier: 'high',
    },
  ],
};

export interface TestKeys {
  agent: string;
  approver: string;
  admin: string;
  /** Approver and admin at once: the person on call who may also revoke. */
  oncall: string;
}

export interface ServedGateway {
  gateway: Gateway;
  server: RunningServer;
  url: string;
  keys: TestKeys;
  /** Moves the gateway's clock (approvals expire against it). */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function serveGateway(options: { approvalTtlSeconds?: number } = {}): Promise<ServedGateway> {
  const key = (role: string) => `ak_test_${role}_${randomBytes(18).toString('base64url')}`;
  const keys: TestKeys = {
    agent: key('agent'),
    approver: key('approver'),
    admin: key('admin'),
    oncall: key('oncall'),
  };
  let offset = 0;
  const createGateway = await loadGateway();
  const gateway = createGateway({
    tenants: [{ id: 'acme', policy: TEST_POLICY }],
    apiKeys: [
      { key: keys.agent, tenantId: 'acme', roles: ['agent'], name: 'acme_agent' },
      { key: keys.approver, tenantId: 'acme', roles: ['approver'], name: 'acme_approver' },
      { key: keys.admin, tenantId: 'acme', roles: ['admin'], name: 'acme_admin' },
      { key: keys.oncall, tenantId: 'acme', roles: ['approver', 'admin'], name: 'acme_oncall' },
    ],
    vaultKey: null,
    env: {},
    clock: () => Date.now() + offset,
    console: { assetsDir: inject('consoleBuild') },
    ...(options.approvalTtlSeconds ? { approvalTtlSeconds: options.approvalTtlSeconds } : {}),
  });
  const server = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return {
    gateway,
    server,
    url: server.url,
    keys,
    advance: (ms) => {
      offset += ms;
    },
    close: () => gateway.close(),
  };
}

/** A raw API call with a key (what another approver, or the agent, does meanwhile). */
export async function call(
  served: ServedGateway,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const response = await fetch(`${served.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Holds an action for a person; returns the approval request id. */
export async function hold(
  served: ServedGateway,
  action: {
    tool: string;
    resource?: string;
    agent_id?: string;
    user_id?: string;
    args?: object;
    goal?: string;
  },
): Promise<string> {
  const { status, body } = await call(served, served.keys.agent, 'POST', '/actions/preflight', {
    goal: 'console_test',
    ...action,
  });
  if (status !== 200 || body?.decision !== 'require_approval') {
    throw new Error(`expected a hold, got ${status} ${JSON.stringify(body)}`);
  }
  return body.approval_request_id as string;
}

type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

export interface ConsolePage {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
  foreignRequests(): string[];
  signIn(key: string): Promise<void>;
  open(view: string): Promise<void>;
  /** axe-core's serious and critical violations on the page as it is now. */
  axe(): Promise<string[]>;
  close(): Promise<void>;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** `fakeClock`: the page's clock is Playwright's, so a test can pause it or move it forward. */
export async function openConsole(
  browser: Browser,
  gatewayUrl: string,
  options: { fakeClock?: boolean } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  if (options.fakeClock) await page.clock.install();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  await page.goto(`${gatewayUrl}/console/`);
  const origin = new URL(gatewayUrl).origin;
  return {
    page,
    requests,
    dialogs,
    errors,
    foreignRequests: () => requests.filter((url) => new URL(url.replace(/^blob:/, '')).origin !== origin),
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
    async axe() {
      // Evaluated through the DevTools protocol, which the page's CSP does not govern; the console's
      // own policy stays as served.
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
      const violations = (await page.evaluate(() =>
        (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe
          .run()
          .then((result) => result.violations),
      )) as AxeViolation[];
      return violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    },
    close: () => context.close(),
  };
}
