/**
 * A standard mock server serves the contract: Prism in dynamic mode (bodies generated from the schemas,
 * at the size the bounds allow) answers every operation of the contract with a documented, valid
 * response within a second. Unbounded arrays and strings make such generators produce huge bodies, so
 * this is also the practical face of the bounds test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_PATH, type ContractOperation, loadOperations } from './operations.js';

/** What a client may expect of a mock: an answer within a second, generated and serialised. */
const DEADLINE_MS = 1000;
/** Prism parses and dereferences the whole contract before it listens. */
const STARTUP_DEADLINE_MS = 30_000;
/**
 * The first request of each operation also compiles its validators and warms the generator; that
 * one-time cost is not what a client of a running mock waits for, so it is paid before the timed pass.
 */
const WARM_UP_DEADLINE_MS = 15_000;

const operations = loadOperations();
let prism: ChildProcess | undefined;
let base = '';
let output = '';

function send(op: ContractOperation, deadlineMs: number): Promise<Response> {
  return fetch(`${base}${op.url}`, {
    method: op.method,
    headers: {
      authorization: 'Bearer ak_test_mock',
      ...(op.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(op.body !== undefined ? { body: JSON.stringify(op.body) } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(deadlineMs),
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(
  async () => {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve('@stoplight/prism-cli/package.json');
    const bin = join(dirname(manifest), (require(manifest) as { bin: { prism: string } }).bin.prism);
    const port = await freePort();
    prism = spawn(
      process.execPath,
      [
        bin,
        'mock',
        '--dynamic',
        '--seed',
        'actpass',
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-v',
        'warn',
        fileURLToPath(CONTRACT_PATH),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prism.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    prism.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    for (;;) {
      if (prism.exitCode !== null) throw new Error(`Prism exited with ${prism.exitCode}:\n${output}`);
      if (Date.now() - started > STARTUP_DEADLINE_MS)
        throw new Error(`Prism did not listen within ${STARTUP_DEADLINE_MS} ms:\n${output}`);
      try {
        await fetch(`${base}/healthz`);
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    for (const op of operations) await (await send(op, WARM_UP_DEADLINE_MS)).arrayBuffer();
  },
  STARTUP_DEADLINE_MS + operations.length * WARM_UP_DEADLINE_MS,
);

afterAll(() => {
  prism?.kill();
});

describe('Prism in dynamic mode', () => {
  it('serves at least the operations the SDKs call', () => {
    expect(operations.map((op) => op.id)).toEqual(
      expect.arrayContaining(['preflight', 'listEvidence', 'exportEvidence']),
    );
  });

  it('has an example body for every operation that requires one, so the requests sent are valid', () => {
    expect(operations.filter((op) => op.bodyRequired && op.body === undefined).map((op) => op.id)).toEqual(
      [],
    );
  });

  it.each(operations.map((op) => [op.id, op] as const))(
    '%s answers within the deadline with a valid response',
    async (_id, op) => {
      const started = performance.now();
      const response = await send(op, DEADLINE_MS);
      const text = await response.text();
      const elapsed = performance.now() - started;
      const status = String(response.status);
      // The success an operation documents: 2xx, or the redirect of a browser sign-in.
      expect(status, `${op.method} ${op.url} answered ${status}: ${text.slice(0, 300)}`).toMatch(/^[23]/);
      expect(op.statuses, `${status} is not a documented answer of ${op.id}`).toContain(status);
      const validate = op.responses.get(status);
      if (validate && text !== '') {
        const valid = validate?.(JSON.parse(text));
        expect(valid, JSON.stringify(validate?.errors?.slice(0, 3))).toBe(true);
      }
      expect(elapsed).toBeLessThan(DEADLINE_MS);
    },
  );
});
