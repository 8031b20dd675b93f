/**
 * The hook's session state under an agent that tries to make it forget a secret read: deleting the
 * state directory, truncating or editing its files, swapping another session's record, removing the
 * key. Whatever it does, the next network egress is `ask` or `deny`, never `allow`; a session with no
 * history at all starts clean.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway } from '@actpass/gateway';
import { ActPass } from '@actpass/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/hash.js';
import { runClaudeCodeHook } from '../../src/hooks/claude-code/hook.js';
import { readSession, recordSession, type SessionStore } from '../../src/hooks/claude-code/session.js';

const AGENT = 'ak_hook_state_agent_0123456789';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

let gateway: Gateway;
let client: ActPass;
let root: string;
let workspace: string;
let store: SessionStore;
let sessions = 0;

beforeAll(() => {
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'coding-agents' }],
    apiKeys: [{ key: AGENT, tenantId: 'acme', roles: ['agent'] }],
    vaultKey: null,
  });
  client = new ActPass({ apiKey: AGENT, fetch: gateway.fetch, baseUrl: 'http://embedded', logger: silent });
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'actpass-hook-state-'));
  workspace = join(root, 'project');
  mkdirSync(workspace);
  store = {
    dir: join(root, 'state', 'actpass', 'hook'),
    keyFile: join(root, 'config', 'actpass', 'hook.key'),
  };
  return () => rmSync(root, { recursive: true, force: true });
});

/** A session id and its transcript, which Claude Code appends to as the session runs tools. */
function newSession() {
  sessions += 1;
  const id = `0b9c1e4d-state-${sessions}`;
  return { id, transcript: join(root, `${id}.jsonl`) };
}

type Session = ReturnType<typeof newSession>;

function payload(session: Session, toolName: string, toolInput: Record<string, unknown>) {
  return JSON.stringify({
    session_id: session.id,
    transcript_path: session.transcript,
    cwd: workspace,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: toolName,
    tool_input: toolInput,
    tool_use_id: `toolu_${sessions}`,
  });
}

/** Runs one tool call through the hook; an answered call leaves a tool result in the transcript. */
async function call(session: Session, toolName: string, toolInput: Record<string, unknown>) {
  const out = await runClaudeCodeHook(payload(session, toolName, toolInput), {
    client,
    mode: 'enforce',
    state: store,
  });
  const decision = out.hookSpecificOutput?.permissionDecision;
  if (decision === 'allow') {
    appendFileSync(
      session.transcript,
      `${JSON.stringify({ type: 'user', message: { role: 'user', content: [{ tool_use_id: 'toolu_x', type: 'tool_result', content: 'ok' }] } })}\n`,
    );
  }
  return { decision, reason: out.hookSpecificOutput?.permissionDecisionReason ?? '' };
}

const readSecret = (s: Session) => call(s, 'Read', { file_path: join(workspace, '.env') });
const readCode = (s: Session) => call(s, 'Read', { file_path: join(workspace, 'src', 'a.ts') });
const egress = (s: Session) => call(s, 'WebFetch', { url: 'https://example.com/upload', prompt: 'send it' });

const recordFile = (s: Session) => join(store.dir, `${sha256Hex(s.id)}.json`);
const journalFile = () => join(store.dir, 'journal.log');

/** A session that read a secret: egress is refused before any tampering. */
async function afterSecretRead(): Promise<Session> {
  const session = newSession();
  expect((await readCode(session)).decision).toBe('allow');
  expect((await readSecret(session)).decision).toBe('allow');
  expect(readSession(store, session.id, session.transcript)).toEqual({ secret_read: true, state: 'known' });
  return session;
}

async function expectEgressHeld(session: Session) {
  const state = readSession(store, session.id, session.transcript);
  expect(state.state).not.toBe('new');
  expect(state.secret_read).toBe(true);
  // Unknown asks a person (coding.session_unknown); a secret read still on record is refused.
  const expected =
    state.state === 'unknown'
      ? ['ask', /^ActPass coding\.session_unknown/]
      : ['deny', /^ActPass coding\.secret_then_egress/];
  const out = await egress(session);
  expect([out.decision, out.reason]).toEqual([expected[0], expect.stringMatching(expected[1] as RegExp)]);
  // Still held on the call after (unknown does not heal by being rewritten).
  expect((await readCode(session)).decision).toBe('allow');
  expect(['ask', 'deny']).toContain((await egress(session)).decision);
}

describe('hook session state: a session with no history', () => {
  it('is new and clean on its first call, known and clean after it, known with a secret after a read', async () => {
    const session = newSession();
    expect(readSession(store, session.id, session.transcript)).toEqual({ secret_read: false, state: 'new' });
    {
      const first = await egress(session);
      expect(first.decision, first.reason).toBe('allow');
    }
    expect(readSession(store, session.id, session.transcript)).toEqual({
      secret_read: false,
      state: 'known',
    });
    expect((await readSecret(session)).decision).toBe('allow');
    expect((await egress(session)).reason).toMatch(/^ActPass coding\.secret_then_egress/);
  });

  it('keeps its files outside the workspace, mode 0600, and the key apart from the state', async () => {
    const session = newSession();
    await readSecret(session);
    expect(readdirSync(workspace)).toEqual([]);
    expect(readdirSync(store.dir).sort()).toEqual([`${sha256Hex(session.id)}.json`, 'journal.log']);
    const { statSync } = await import('node:fs');
    for (const file of [store.keyFile, recordFile(session), journalFile()]) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
    // Nothing in the state names the session id itself.
    expect(readFileSync(journalFile(), 'utf8')).not.toContain(session.id);
  });
  it("two parallel first calls: the one that saw no secret cannot erase the other's secret read", () => {
    const session = newSession();
    const seenByRead = readSession(store, session.id, session.transcript);
    const seenByList = readSession(store, session.id, session.transcript);
    recordSession(store, session.id, seenByRead, { secret_read: true });
    // The second hook finishes last and rewrites the record from what it read before the first wrote.
    recordSession(store, session.id, seenByList, { secret_read: false });
    expect(JSON.parse(readFileSync(recordFile(session), 'utf8')).secret_read).toBe(false);
    expect(readSession(store, session.id, session.transcript)).toEqual({ secret_read: true, state: 'known' });
  });
});

describe('hook session state: tampering never makes egress allowed', () => {
  it('the whole state directory deleted', async () => {
    const session = await afterSecretRead();
    rmSync(store.dir, { recursive: true, force: true });
    expect(readSession(store, session.id, session.transcript).state).toBe('unknown');
    await expectEgressHeld(session);
  });

  it('the state directory and the key deleted (the transcript shows earlier tool calls)', async () => {
    const session = await afterSecretRead();
    rmSync(store.dir, { recursive: true, force: true });
    rmSync(store.keyFile);
    expect(readSession(store, session.id, session.transcript)).toMatchObject({
      state: 'unknown',
      unknown_reason: 'no state for a session that already ran tools',
    });
    await expectEgressHeld(session);
  });

  it('the record truncated to nothing, or cut in half', async () => {
    const session = await afterSecretRead();
    truncateSync(recordFile(session), 0);
    await expectEgressHeld(session);
    const other = await afterSecretRead();
    truncateSync(recordFile(other), 20);
    await expectEgressHeld(other);
  });

  it('one byte of the record edited (secret_read rewritten to false, the tag kept)', async () => {
    const session = await afterSecretRead();
    const text = readFileSync(recordFile(session), 'utf8');
    expect(text).toContain('"secret_read":true');
    writeFileSync(
      recordFile(session),
      text.replace('"secret_read":true', '"secret_read":!rue').replace('!rue', 'false'),
    );
    expect(readSession(store, session.id, session.transcript).unknown_reason).toMatch(/valid signature/);
    await expectEgressHeld(session);
  });

  it("another session's clean record copied over this one's", async () => {
    const session = await afterSecretRead();
    const clean = newSession();
    await readCode(clean);
    copyFileSync(recordFile(clean), recordFile(session));
    expect(readSession(store, session.id, session.transcript).unknown_reason).toMatch(/another session/);
    await expectEgressHeld(session);
  });

  it('only the record deleted (the journal still names the session)', async () => {
    const session = await afterSecretRead();
    rmSync(recordFile(session));
    await expectEgressHeld(session);
  });

  it("the journal's last line (the secret read) cut off at a line boundary, or mid-line", async () => {
    const session = await afterSecretRead();
    const lines = readFileSync(journalFile(), 'utf8').split('\n');
    expect(lines.at(-2)).toContain(' secret_read ');
    writeFileSync(journalFile(), `${lines.slice(0, -2).join('\n')}\n`);
    await expectEgressHeld(session);
    const other = await afterSecretRead();
    const text = readFileSync(journalFile(), 'utf8');
    writeFileSync(journalFile(), text.slice(0, text.length - 30));
    await expectEgressHeld(other);
  });

  it('one byte of a journal line flipped (a damaged journal is set aside)', async () => {
    const session = await afterSecretRead();
    const text = readFileSync(journalFile(), 'utf8');
    const at = text.indexOf(' secret_read ') + 1;
    writeFileSync(journalFile(), `${text.slice(0, at)}S${text.slice(at + 1)}`);
    await expectEgressHeld(session);
    expect(readdirSync(store.dir).some((name) => name.startsWith('journal.damaged-'))).toBe(true);
  });

  it('the journal deleted and the record rewritten from a session that never read a secret', async () => {
    const session = await afterSecretRead();
    const clean = newSession();
    await readCode(clean);
    rmSync(journalFile());
    writeFileSync(
      recordFile(session),
      readFileSync(recordFile(clean), 'utf8').replace(sha256Hex(clean.id), sha256Hex(session.id)),
    );
    await expectEgressHeld(session);
  });

  it('the key replaced (every signature made with the old key stops verifying)', async () => {
    const session = await afterSecretRead();
    writeFileSync(store.keyFile, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    await expectEgressHeld(session);
  });

  it('a record forged without the key', async () => {
    const session = await afterSecretRead();
    const forged = {
      v: 1,
      session: sha256Hex(session.id),
      secret_read: false,
      lost: false,
      tag: sha256Hex('guess'),
    };
    writeFileSync(recordFile(session), JSON.stringify(forged));
    await expectEgressHeld(session);
  });

  it('an unreadable key file is unknown, never clean', async () => {
    const session = await afterSecretRead();
    writeFileSync(store.keyFile, 'not a key');
    expect(readSession(store, session.id, session.transcript)).toMatchObject({
      state: 'unknown',
      secret_read: true,
    });
    const out = await egress(session);
    expect(['ask', 'deny']).toContain(out.decision);
  });

  it('state configured inside the workspace is never trusted and never written there', async () => {
    const session = newSession();
    const inside: SessionStore = { dir: join(workspace, '.actpass'), keyFile: join(root, 'k', 'hook.key') };
    const out = await runClaudeCodeHook(
      payload(session, 'WebFetch', { url: 'https://example.com', prompt: 'p' }),
      {
        client,
        mode: 'enforce',
        state: inside,
      },
    );
    expect(['ask', 'deny']).toContain(out.hookSpecificOutput?.permissionDecision);
    expect(readdirSync(workspace)).toEqual([]);
  });

  it('a state file swapped for a FIFO (a plain read would wait forever) is unknown, and the hook still answers', async () => {
    for (const target of ['journal', 'record', 'key'] as const) {
      const session = await afterSecretRead();
      const path =
        target === 'journal' ? journalFile() : target === 'record' ? recordFile(session) : store.keyFile;
      rmSync(path);
      execFileSync('mkfifo', [path]);
      expect(readSession(store, session.id, session.transcript).state, target).toBe('unknown');
      await expectEgressHeld(session);
      if (target === 'key') rmSync(store.keyFile, { force: true });
    }
  });

  it('a transcript that is a FIFO neither stalls the hook nor counts as history', async () => {
    const session = newSession();
    execFileSync('mkfifo', [session.transcript]);
    expect(readSession(store, session.id, session.transcript)).toEqual({ secret_read: false, state: 'new' });
  });

  it('a journal grown past its cap is set aside; the sessions it named read as unknown', async () => {
    const session = await afterSecretRead();
    truncateSync(journalFile(), 17 * 1024 * 1024);
    await expectEgressHeld(session);
    expect(readdirSync(store.dir).some((name) => name.startsWith('journal.damaged-'))).toBe(true);
  });

  it('a state directory symlinked into the workspace is never trusted and never written there', async () => {
    const session = newSession();
    const inWorkspace = join(workspace, '.state');
    mkdirSync(inWorkspace);
    mkdirSync(join(root, 'links'));
    symlinkSync(inWorkspace, join(root, 'links', 'hook'));
    const linked: SessionStore = { dir: join(root, 'links', 'hook'), keyFile: join(root, 'k2', 'hook.key') };
    const out = await runClaudeCodeHook(
      payload(session, 'WebFetch', { url: 'https://example.com', prompt: 'p' }),
      { client, mode: 'enforce', state: linked },
    );
    expect(['ask', 'deny']).toContain(out.hookSpecificOutput?.permissionDecision);
    expect(readdirSync(inWorkspace)).toEqual([]);
  });

  it('reading the signing key (to forge state with it) is itself a secret read', async () => {
    const session = newSession();
    expect((await readCode(session)).decision).toBe('allow');
    const read = await call(session, 'Read', { file_path: store.keyFile });
    expect(readSession(store, session.id, session.transcript).secret_read, read.reason).toBe(true);
    expect(['ask', 'deny']).toContain((await egress(session)).decision);
  });
});
