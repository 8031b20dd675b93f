/**
 * The published type declarations: what an editor shows a user. `@internal` members (the request loop,
 * `_internals`) are stripped, the contract's field descriptions reach the preflight and guard parameters,
 * and the declarations still compile for a consumer once stripped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(PKG, 'dist');
let declarations = '';
const work = mkdtempSync(join(tmpdir(), 'actpass-types-'));

beforeAll(() => {
  if (!existsSync(join(DIST, 'index.d.ts'))) execFileSync('pnpm', ['build'], { cwd: PKG, stdio: 'ignore' });
  declarations = readdirSync(DIST)
    .filter((file) => file.endsWith('.d.ts'))
    .map((file) => readFileSync(join(DIST, file), 'utf8'))
    .join('\n');
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('published types', () => {
  it('declare the client (so the checks below read the right files)', () => {
    expect(declarations).toMatch(/declare class ActPass\b/);
    expect(declarations).toMatch(/preflight\(/);
  });

  it('leave out @internal members', () => {
    expect(declarations).not.toMatch(/\b_internals\b/);
    expect(declarations).not.toMatch(/\bClientInternals\b/);
    expect(declarations).not.toMatch(/\brequest<T>\(spec/);
  });

  it("carry the contract's description of every preflight field", () => {
    const block = declarations.match(/PreflightRequest: \{([\s\S]*?)\n {8}\};/)?.[1] ?? '';
    const fields = [...block.matchAll(/^ {12}(\w+)\??:/gm)].map((match) => match[1]);
    expect(fields).toEqual(
      expect.arrayContaining(['goal', 'tool', 'args', 'mode', 'agent_id', 'user_id', 'context']),
    );
    // The doc comment right above each field (one line, or several for a long description).
    const undocumented = fields.filter(
      (field) =>
        !new RegExp(
          `/\\*\\*(?:(?!\\*/)[\\s\\S])*@description(?:(?!\\*/)[\\s\\S])*\\*/\\n {12}${field}\\??:`,
        ).test(block),
    );
    expect(undocumented).toEqual([]);
  });

  it('give GuardParams its own summary', () => {
    expect(declarations).toMatch(/\* What `guard\(\)` takes[\s\S]{0,400}?\*\/\s*interface GuardParams/);
  });

  it('still compile for a consumer once stripped', () => {
    writeFileSync(
      join(work, 'use.ts'),
      `import { ActPass, type GuardParams } from ${JSON.stringify(join(DIST, 'index.js'))};
const client = new ActPass({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
const params: GuardParams<number> = { goal: 'g', tool: 'stripe.refund.create', args: { amount: 1 }, execute: () => 1 };
export const run = () => Promise.all([client.preflight({ goal: 'g', tool: 't' }), client.guard(params)]);
`,
    );
    const tsc = join(PKG, 'node_modules/typescript/bin/tsc');
    const output = (() => {
      try {
        return execFileSync(
          process.execPath,
          [
            tsc,
            '--noEmit',
            '--strict',
            '--skipLibCheck',
            'false',
            '--module',
            'nodenext',
            '--moduleResolution',
            'nodenext',
            '--target',
            'es2022',
            '--lib',
            'esnext,dom',
            join(work, 'use.ts'),
          ],
          { cwd: work, encoding: 'utf8' },
        );
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    })();
    expect(output).toBe('');
  }, 60_000);
});
