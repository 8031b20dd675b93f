/**
 * Payloads Claude Code would never send, as an attacker (or a confused integration) might: fields of
 * the wrong type, missing fields, NUL bytes, broken Unicode, deep nesting, oversized or non-UTF-8
 * input, bad flags. Each is a deny in enforce whose reason names the field, and no gateway call is
 * made for it; in monitor nothing blocks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActPass } from '@actpass/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { hookClaudeCode } from '../../src/cli/hook.js';
import { HOOK_INPUT_MAX_BYTES } from '../../src/hooks/claude-code/defaults.js';
import { type HookMode, runClaudeCodeHook } from '../../src/hooks/claude-code/hook.js';

const root = mkdtempSync(join(tmpdir(), 'actpass-hook-input-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const state = { dir: join(root, 'state'), keyFile: join(root, 'hook.key') };

let gatewayCalls = 0;
/** A gateway that allows everything: a payload that reached it would come back `allow`. */
const allowAll: typeof fetch = async () => {
  gatewayCalls += 1;
  return new Response('{}', { status: 500 });
};
const client = new ActPass({
  apiKey: 'ak_input_agent_0123456789',
  baseUrl: 'http://gateway.invalid',
  fetch: allowAll,
  maxRetries: 0,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});

const base = {
  session_id: '5f0e-input',
  transcript_path: join(root, 'none.jsonl'),
  cwd: '/home/dev/project',
  permission_mode: 'default',
  hook_event_name: 'PreToolUse',
  tool_use_id: 'toolu_01',
};

async function run(fields: Record<string, unknown>, mode: HookMode = 'enforce') {
  const before = gatewayCalls;
  const out = await runClaudeCodeHook(JSON.stringify({ ...base, ...fields }), { client, mode, state });
  return { out, asked: gatewayCalls - before };
}

async function expectRefused(fields: Record<string, unknown>, reason: RegExp) {
  const { out, asked } = await run(fields);
  expect(out.hookSpecificOutput?.permissionDecision).toBe('deny');
  expect(out.hookSpecificOutput?.permissionDecisionReason).toMatch(/^ActPass request\.invalid: /);
  expect(out.hookSpecificOutput?.permissionDecisionReason).toMatch(reason);
  expect(asked).toBe(0);
}

const tool = (tool_name: unknown, tool_input: unknown) => ({ tool_name, tool_input });

describe('hook input: wrong-typed tool fields are denied, naming the field', () => {
  it.each([
    [
      'Bash command as an array',
      tool('Bash', { command: ['rm', '-rf', '/'] }),
      /tool_input\.command must be a string, not an array for Bash/,
    ],
    [
      'Bash command as an object',
      tool('Bash', { command: { toString: 'rm -rf /' } }),
      /tool_input\.command must be a string, not an object/,
    ],
    [
      'Bash command as a number',
      tool('Bash', { command: 7 }),
      /tool_input\.command must be a string, not a number/,
    ],
    ['Bash command null', tool('Bash', { command: null }), /tool_input\.command must be a string, not null/],
    ['Bash without a command', tool('Bash', { description: 'x' }), /tool_input\.command is missing for Bash/],
    [
      'Bash run_in_background as a string',
      tool('Bash', { command: 'ls', run_in_background: 'yes' }),
      /tool_input\.run_in_background must be true or false/,
    ],
    [
      'Write file_path as an object',
      tool('Write', { file_path: { path: '/etc/passwd' }, content: 'x' }),
      /tool_input\.file_path must be a string, not an object for Write/,
    ],
    [
      'Write file_path as an array',
      tool('Write', { file_path: ['/etc/passwd'], content: 'x' }),
      /tool_input\.file_path must be a string, not an array/,
    ],
    [
      'Write with an empty file_path',
      tool('Write', { file_path: ' ', content: 'x' }),
      /tool_input\.file_path is empty/,
    ],
    [
      'Write without content',
      tool('Write', { file_path: '/home/dev/project/a' }),
      /tool_input\.content is missing for Write/,
    ],
    [
      'Edit without old_string',
      tool('Edit', { file_path: '/home/dev/project/a', new_string: 'b' }),
      /tool_input\.old_string is missing for Edit/,
    ],
    [
      'MultiEdit edits as a string',
      tool('MultiEdit', { file_path: '/home/dev/project/a', edits: 'x' }),
      /tool_input\.edits must be a non-empty array of edits/,
    ],
    [
      'MultiEdit edit without new_string',
      tool('MultiEdit', { file_path: '/home/dev/project/a', edits: [{ old_string: 'a' }] }),
      /tool_input\.edits\[0\]\.new_string is missing/,
    ],
    [
      'MultiEdit edit that is an array',
      tool('MultiEdit', { file_path: '/home/dev/project/a', edits: [['a', 'b']] }),
      /tool_input\.edits\[0\] must be an object, not an array/,
    ],
    [
      'NotebookEdit notebook_path as a number',
      tool('NotebookEdit', { notebook_path: 1, new_source: 'x' }),
      /tool_input\.notebook_path must be a string, not a number/,
    ],
    [
      'Read file_path as an array',
      tool('Read', { file_path: ['.env'] }),
      /tool_input\.file_path must be a string, not an array for Read/,
    ],
    [
      'WebFetch url as an array',
      tool('WebFetch', { url: ['http://169.254.169.254/'], prompt: 'p' }),
      /tool_input\.url must be a string, not an array for WebFetch/,
    ],
    ['WebFetch without url', tool('WebFetch', { prompt: 'p' }), /tool_input\.url is missing/],
    [
      'WebSearch allowed_domains as a string',
      tool('WebSearch', { query: 'q', allowed_domains: 'x.com' }),
      /tool_input\.allowed_domains must be an array of strings/,
    ],
    [
      'Grep path as an object',
      tool('Grep', { pattern: 'x', path: { p: '/' } }),
      /tool_input\.path must be a string/,
    ],
  ])('%s', async (_name, fields, reason) => {
    await expectRefused(fields, reason);
  });
});

describe('hook input: the envelope', () => {
  it.each([
    ['tool_name as a number', tool(7, {}), /tool_name must be a non-empty string, not a number/],
    ['tool_input as an array', tool('Bash', ['ls']), /tool_input must be an object, not an array/],
    ['tool_input as a string', tool('Bash', 'rm -rf /'), /tool_input must be an object, not a string/],
    [
      'session_id as a number',
      { ...tool('Bash', { command: 'ls' }), session_id: 42 },
      /session_id must be a non-empty string, not a number/,
    ],
    [
      'session_id as an array',
      { ...tool('Bash', { command: 'ls' }), session_id: ['a'] },
      /session_id must be a non-empty string, not an array/,
    ],
    [
      'session_id missing',
      { ...tool('Bash', { command: 'ls' }), session_id: undefined },
      /session_id must be a non-empty string/,
    ],
    [
      'cwd as an object',
      { ...tool('Bash', { command: 'ls' }), cwd: { path: '/' } },
      /cwd must be an absolute path string, not an object/,
    ],
    [
      'cwd relative',
      { ...tool('Bash', { command: 'ls' }), cwd: 'project' },
      /cwd must be an absolute path string, not a relative one/,
    ],
    [
      'transcript_path as a number',
      { ...tool('Bash', { command: 'ls' }), transcript_path: 5 },
      /transcript_path must be a string/,
    ],
    [
      'another hook event',
      { ...tool('Bash', { command: 'ls' }), hook_event_name: 'PostToolUse' },
      /hook_event_name is PostToolUse; register this hook for PreToolUse/,
    ],
  ])('%s', async (_name, fields, reason) => {
    await expectRefused(fields, reason);
  });

  it('denies NUL characters and lone surrogates anywhere, naming where', async () => {
    await expectRefused(
      tool('Bash', { command: 'ls\u0000; rm -rf /' }),
      /tool_input\.command contains a NUL character/,
    );
    await expectRefused(
      tool('Bash', { command: 'ls \ud800' }),
      /tool_input\.command contains a lone surrogate/,
    );
    await expectRefused(
      tool('mcp__fs__write', { files: [{ path: 'a', body: 'x\u0000' }] }),
      /tool_input\.files\[0\]\.body contains a NUL character/,
    );
    await expectRefused(
      tool('mcp__fs__write', { 'pa\u0000th': 'a' }),
      /a key in tool_input contains a NUL character/,
    );
  });

  it('names a hostile key without letting its control characters through', async () => {
    const { out } = await run(tool('mcp__fs__write', { '\u001b]0;pwned\u0007\u202e': 'x\u0000' }));
    const reason = out.hookSpecificOutput?.permissionDecisionReason ?? '';
    expect(reason).toMatch(/tool_input\.\\x1b\]0;pwned\\x07\\u202e contains a NUL character/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the raw characters must not be there
    expect(reason).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it('denies nesting past 64 levels', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 80; i += 1) deep = { d: deep };
    await expectRefused(tool('mcp__fs__write', { deep }), /nests deeper than 64 levels/);
  });

  it('passes fields Claude Code may add later, and decides the call', async () => {
    const { out, asked } = await run(tool('Bash', { command: 'ls', future_field: { any: ['shape'] } }));
    expect(asked).toBeGreaterThan(0);
    // This test gateway answers 500: the client's own fail-closed deny, not a refusal of the input.
    expect(out.hookSpecificOutput?.permissionDecisionReason).not.toMatch(/request\.invalid/);
  });

  it('in monitor mode never blocks; the note says nothing was checked', async () => {
    const { out } = await run(tool('Bash', { command: ['rm', '-rf', '/'] }), 'monitor');
    expect(out.hookSpecificOutput).toBeUndefined();
    expect(out.systemMessage).toMatch(
      /^ActPass \(monitor\): tool_input\.command must be a string.*nothing was checked/,
    );
  });
});

describe('actpass hook claude-code: raw input and flags', () => {
  async function cli(argv: string[], chunks: Buffer[]) {
    const lines: string[] = [];
    const code = await hookClaudeCode(
      argv,
      { out: (line) => lines.push(line), err: () => undefined },
      chunks,
    );
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0] as string).hookSpecificOutput as {
      permissionDecision: string;
      permissionDecisionReason: string;
    };
  }
  const saved = { dir: process.env.ACTPASS_HOOK_STATE_DIR, key: process.env.ACTPASS_HOOK_KEY_FILE };
  process.env.ACTPASS_HOOK_STATE_DIR = state.dir;
  process.env.ACTPASS_HOOK_KEY_FILE = state.keyFile;
  afterAll(() => {
    for (const [name, value] of [
      ['ACTPASS_HOOK_STATE_DIR', saved.dir],
      ['ACTPASS_HOOK_KEY_FILE', saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('denies a payload over 1 MiB without reading all of it', async () => {
    const content = 'x'.repeat(HOOK_INPUT_MAX_BYTES);
    const text = JSON.stringify({
      ...base,
      ...tool('Write', { file_path: '/home/dev/project/big', content }),
    });
    const chunks = Array.from({ length: 64 }, () => Buffer.from(text.slice(0, 64 * 1024)));
    const out = await cli([], chunks);
    expect(out.permissionDecision).toBe('deny');
    expect(out.permissionDecisionReason).toMatch(
      /request\.invalid: the hook input is larger than 1048576 bytes/,
    );
  });

  it('denies input that is not UTF-8', async () => {
    const text = Buffer.from(JSON.stringify({ ...base, ...tool('Bash', { command: 'ls XX' }) }));
    const bytes = Buffer.from(text);
    bytes[text.indexOf('XX')] = 0xff;
    const out = await cli([], [bytes]);
    expect(out.permissionDecisionReason).toMatch(/request\.invalid: the hook input is not valid UTF-8/);
  });

  it.each([
    [['--deadline-ms', '5s'], /--deadline-ms is "5s"; give whole milliseconds from 100 to 60000/],
    [['--deadline-ms', '0'], /--deadline-ms is "0"/],
    [['--deadline-ms', '999999'], /--deadline-ms is "999999"/],
    [['--mode', 'audit'], /--mode \(or ACTPASS_HOOK_MODE\) must be enforce or monitor/],
    [['--no-such-flag'], /Unknown option '--no-such-flag'/],
  ])('a bad flag %j is a JSON deny, exit 0', async (argv, reason) => {
    const out = await cli(argv, [
      Buffer.from(JSON.stringify({ ...base, ...tool('Bash', { command: 'ls' }) })),
    ]);
    expect(out.permissionDecision).toBe('deny');
    expect(out.permissionDecisionReason).toMatch(reason);
  });
});

describe('hook failure inside', () => {
  it('a throw while deciding is a deny naming the failure (a crash would exit non-zero and let the tool run)', async () => {
    const throwing = {
      preflight: () => {
        throw new Error('boom\u001b[2J');
      },
    } as unknown as ActPass;
    const text = JSON.stringify({ ...base, ...tool('Bash', { command: 'ls' }) });
    const out = await runClaudeCodeHook(text, { client: throwing, mode: 'enforce', state });
    expect(out.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect(out.hookSpecificOutput?.permissionDecisionReason).toBe(
      'ActPass hook.failed: the hook could not decide (boom [2J), so the tool does not run.',
    );
    const monitored = await runClaudeCodeHook(text, { client: throwing, mode: 'monitor', state });
    expect(monitored.hookSpecificOutput).toBeUndefined();
    expect(monitored.systemMessage).toMatch(/^ActPass \(monitor\): the hook failed/);
  });
});
