/**
 * Misconfiguration against the REAL gateway (`actpass dev`, served on loopback by its built CLI): a
 * wrong key, a wrong tenant and a wrong base URL each come back as a client decision whose cause and
 * next step name the fix. `scripts/test.sh` builds every package first; run alone, build
 * the gateway with `pnpm --filter @actpass/gateway build`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActPass, isClientDecision, type PreflightDecision } from '../../src/index.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../../gateway/dist/cli.js');
const ACTION = { goal: 'resolve_refund_request', tool: 'stripe.refund.create', args: { amount: 4900 } };
const silent = {};

interface Ready {
  url: string;
  tenant_id: string;
  keys: Record<string, string>;
}

let gateway: ChildProcess | undefined;
let ready: Ready;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: build it with \`pnpm --filter @actpass/gateway build\``);
  }
  dir = mkdtempSync(join(tmpdir(), 'actpass-sdk-live-'));
  const child = spawn(
    process.execPath,
    [CLI, 'dev', '--host', '127.0.0.1', '--port', '0', '--dir', join(dir, 'data'), '--json'],
    {
      env: { ...process.env, ACTPASS_VAULT_KEY: randomBytes(32).toString('base64') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  gateway = child;
  child.stderr?.resume();
  const lines = createInterface({ input: child.stdout! });
  ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the gateway exited early (code ${code})`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as Ready));
  });
  lines.on('line', () => {}); // keep draining stdout
}, 60_000);

afterAll(() => {
  gateway?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function client(options: ConstructorParameters<typeof ActPass>[0] = {}) {
  return new ActPass({
    apiKey: ready.keys.agent,
    tenantId: ready.tenant_id,
    baseUrl: ready.url,
    logger: silent,
    ...options,
  });
}

function causeOf(decision: PreflightDecision) {
  expect(isClientDecision(decision)).toBe(true);
  return isClientDecision(decision) ? decision.cause : undefined;
}

describe('misconfiguration against the served gateway', () => {
  it('the right configuration gets a gateway decision, and health() answers', async () => {
    const decision = await client().preflight(ACTION);
    expect(decision).toMatchObject({ decision: 'allow', source: 'gateway' });
    expect(await client().health()).toMatchObject({ status: 'ok' });
  });

  it('a wrong API key: cause 401 auth.invalid_key, next step names apiKey', async () => {
    const decision = await client({ apiKey: 'ak_wrong_key_0000' }).preflight(ACTION);
    expect(decision).toMatchObject({ decision: 'deny', reason_code: 'client.http_error', enforced: true });
    expect(causeOf(decision)).toMatchObject({ kind: 'http_status', status: 401 });
    expect(causeOf(decision)?.code).toMatch(/^auth\./);
    expect(decision.explain.next_steps.join(' ')).toContain('apiKey');
    expect(decision._requestId).toBeTruthy();
  });

  it('a wrong tenant: cause 403 auth.tenant_mismatch, next step names tenantId', async () => {
    const decision = await client({ tenantId: 'not_this_tenant' }).preflight(ACTION);
    expect(causeOf(decision)).toMatchObject({
      kind: 'http_status',
      status: 403,
      code: 'auth.tenant_mismatch',
    });
    expect(decision.explain.next_steps.join(' ')).toContain('tenantId');
  });

  it('a wrong base URL path: cause 404, next step names baseUrl', async () => {
    const decision = await client({ baseUrl: `${ready.url}/gateway` }).preflight(ACTION);
    expect(causeOf(decision)).toMatchObject({ kind: 'http_status', status: 404 });
    expect(decision.explain.next_steps.join(' ')).toContain('baseUrl');
  });

  it('a base URL ending in /api/v1 is taken as the root', async () => {
    const decision = await client({ baseUrl: `${ready.url}/api/v1/` }).preflight(ACTION);
    expect(decision).toMatchObject({ decision: 'allow', source: 'gateway' });
  });

  it('an action without tool is refused before any request, naming tool', async () => {
    const { tool: _tool, ...noTool } = ACTION;
    const decision = await client().preflight(noTool as typeof ACTION);
    expect(causeOf(decision)).toMatchObject({ kind: 'configuration' });
    expect(decision.explain.next_steps.join(' ')).toContain('tool');
  });
});
