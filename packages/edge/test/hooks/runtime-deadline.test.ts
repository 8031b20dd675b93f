/**
 * The real `actpass-hook claude-code` process (the committed bin: the built entry, or the source through
 * tsx in an unbuilt checkout) against a gateway that accepts connections and never
 * answers, and against a writer that never closes stdin. Claude Code runs the tool when a hook times
 * out (15 s in the documented settings), so the process must answer a JSON deny well before that and
 * exit 0. The bound below is generous on purpose: it checks that the hook answers, not how fast.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkg = resolve(__dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'actpass-hook-deadline-'));
/** Well under the 15 s hook timeout of the documented settings, with room for a slow CI machine. */
const ANSWERED_WITHIN_MS = 10_000;

let server: Server;
let requests = 0;
let baseUrl: string;

beforeAll(async () => {
  server = createServer(() => {
    requests += 1; // accepted, never answered
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(root, { recursive: true, force: true });
});

const payload = JSON.stringify({
  session_id: 'c7d1-deadline',
  transcript_path: join(root, 'none.jsonl'),
  cwd: '/home/dev/project',
  hook_event_name: 'PreToolUse',
  tool_name: 'Bash',
  tool_input: { command: 'ls' },
  tool_use_id: 'toolu_01',
});

interface Run {
  code: number | null;
  stdout: string;
  elapsedMs: number;
}

/** Starts the hook executable, optionally leaving stdin open. */
function runHook(args: string[], closeStdin: boolean, env: Record<string, string> = {}): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(pkg, 'bin', 'actpass-hook.js'), 'claude-code', ...args], {
    cwd: pkg,
    env: {
      ...process.env,
      ACTPASS_API_KEY: 'ak_deadline_agent_0123456789',
      ACTPASS_BASE_URL: baseUrl,
      ACTPASS_HOOK_STATE_DIR: join(root, 'state'),
      ACTPASS_HOOK_KEY_FILE: join(root, 'hook.key'),
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stdin.write(payload);
  if (closeStdin) child.stdin.end();
  return new Promise((done) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      done({ code, stdout, elapsedMs: Date.now() - started });
    });
  });
}

describe('hook deadline (real CLI process)', () => {
  it('answers a JSON deny and exits 0 when the gateway hangs (default deadline)', async () => {
    const before = requests;
    const run = await runHook([], true);
    expect(requests).toBeGreaterThan(before);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(out.hookSpecificOutput.permissionDecisionReason).toMatch(/^ActPass client\.timeout: /);
    expect(run.elapsedMs).toBeLessThan(ANSWERED_WITHIN_MS);
  }, 40_000);

  it('answers a JSON deny and exits 0 when stdin never closes (deadline from the environment)', async () => {
    const run = await runHook([], false, { ACTPASS_HOOK_DEADLINE_MS: '1500' });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(out.hookSpecificOutput.permissionDecisionReason).toMatch(/hook's 1500 ms deadline/);
    expect(run.elapsedMs).toBeLessThan(ANSWERED_WITHIN_MS);
  }, 40_000);

  it('in monitor mode answers with advice, blocks nothing, exits 0', async () => {
    const run = await runHook(['--mode', 'monitor', '--deadline-ms', '1500'], true);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.hookSpecificOutput).toBeUndefined();
    expect(out.systemMessage).toMatch(/^ActPass \(monitor/);
  }, 40_000);
});

describe('bin/actpass-hook.js when the hook cannot load', () => {
  it('answers a JSON deny and exits 0 (a crash would exit 1, which lets the tool run)', () => {
    const dir = join(root, 'broken');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    mkdirSync(join(dir, 'dist'));
    copyFileSync(join(pkg, 'bin', 'actpass-hook.js'), join(dir, 'bin', 'actpass-hook.js'));
    writeFileSync(join(dir, 'dist', 'hook-main.cjs'), "require('no-such-package-for-the-hook');\n");
    const result = spawnSync(process.execPath, [join(dir, 'bin', 'actpass-hook.js'), 'claude-code'], {
      input: payload,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(out.hookSpecificOutput.permissionDecisionReason).toMatch(
      /^ActPass hook\.failed: the hook could not load/,
    );
  });
});
