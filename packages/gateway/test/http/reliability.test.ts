import { describe, expect, it } from 'vitest';
import { MemoryLedgerStore } from '../../src/index.js';
import { refund, testGateway } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';

describe('Idempotency-Key', () => {
  it('replays the stored response for the same key and body: one ledger event, one passport burn', async () => {
    const t = testGateway();
    const { body: issued } = await t.call('POST', '/api/v1/passports', {
      key: t.keys.agent,
      body: { audience: 'a', goal: 'resolve_refund_request', allowed_tools: ['stripe.**'] },
    });
    const request = {
      key: t.keys.agent,
      body: refund(100, { passport: issued.token }),
      headers: { 'idempotency-key': 'k-1' },
    };
    const first = await t.call('POST', PREFLIGHT, request);
    const second = await t.call('POST', PREFLIGHT, request);
    expect(first.body.decision).toBe('allow');
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await t.ledger()).filter((event) => event.type === 'decision')).toHaveLength(1);
  });

  it('treats member order and whitespace as the same body', async () => {
    const t = testGateway();
    const headers = { 'idempotency-key': 'k-order' };
    const first = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      rawBody: '{"goal":"g","tool":"stripe.refund.create","args":{"amount":1}}',
      headers,
    });
    const second = await t.call('POST', PREFLIGHT, {
      key: t.keys.agent,
      rawBody: '{ "tool": "stripe.refund.create", "args": {"amount": 1}, "goal": "g" }',
      headers,
    });
    expect(second.body).toEqual(first.body);
  });

  it('answers 409 for the same key with another body', async () => {
    const t = testGateway();
    const headers = { 'idempotency-key': 'k-2' };
    await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(100), headers });
    const conflict = await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(200), headers });
    expect([conflict.status, conflict.body.error.code]).toEqual([409, 'request.idempotency_conflict']);
  });

  it('runs concurrent requests with one key once', async () => {
    const t = testGateway();
    const request = { key: t.keys.agent, body: refund(100), headers: { 'idempotency-key': 'k-3' } };
    const results = await Promise.all(Array.from({ length: 20 }, () => t.call('POST', PREFLIGHT, request)));
    const eventIds = new Set(results.map((result) => result.body.evidence_event_id));
    expect(eventIds.size).toBe(1);
    expect((await t.ledger()).filter((event) => event.type === 'decision')).toHaveLength(1);
  });

  it('scopes keys to the API key that sent them', async () => {
    const t = testGateway();
    const headers = { 'idempotency-key': 'shared' };
    const mine = await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(100), headers });
    const theirs = await t.call('POST', PREFLIGHT, { key: t.other.agent, body: refund(100), headers });
    expect(theirs.body.evidence_event_id).not.toBe(mine.body.evidence_event_id);
    expect(theirs.body.action_hash).not.toBe(mine.body.action_hash);
  });
});

describe('store failures', () => {
  class FailingLedger extends MemoryLedgerStore {
    failing = false;
    override async append(...args: Parameters<MemoryLedgerStore['append']>) {
      if (this.failing) throw new Error('disk full');
      return super.append(...args);
    }
  }

  it('answers 503 and no decision when the ledger cannot record it; a retry with the key then runs', async () => {
    const ledger = new FailingLedger();
    const t = testGateway({ stores: { ledger } });
    await t.call('GET', '/api/v1/policy', { key: t.keys.admin });
    ledger.failing = true;
    const request = { key: t.keys.agent, body: refund(100), headers: { 'idempotency-key': 'retry-me' } };
    const failed = await t.call('POST', PREFLIGHT, request);
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('server.unavailable');
    expect(failed.body.decision).toBeUndefined();
    expect((await t.ledger()).filter((event) => event.type === 'decision')).toHaveLength(0);

    ledger.failing = false;
    const retried = await t.call('POST', PREFLIGHT, request);
    expect(retried.body.decision).toBe('allow');
    expect((await t.ledger()).filter((event) => event.type === 'decision')).toHaveLength(1);
  });

  it('answers 503 when the approvals store is down, without deciding', async () => {
    const t = testGateway({
      stores: {
        approvals: {
          create: async () => {
            throw new Error('connection reset');
          },
          get: async () => undefined,
          list: async () => [],
          transition: async () => undefined,
        },
      },
    });
    const { status } = await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(25000) });
    expect(status).toBe(503);
  });
});
