/**
 * A throwing `execute` is visible: a warning through the SDK's logger naming the tool, the evidence id
 * and the error's name (never its message, the args or a credential), a typed `error`, and an opt-in
 * `rethrow` that throws the original value after the outcome is recorded.
 */
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ActPass, type GuardResult } from '../../src/index.js';
import { allowDecision, BASE_URL, evidenceEvent, REFUND } from '../helpers/fixtures.js';
import { recordingSleep, type ScriptedResponse, scriptedFetch } from '../helpers/scripted-fetch.js';

const json = (body: unknown, status = 200): ScriptedResponse => ({
  status,
  headers: { 'x-request-id': 'req_e' },
  json: body,
});
const SECRET_ARG = 'card_4242424242424242';

function setup(script: ScriptedResponse[]) {
  const { fetch, requests } = scriptedFetch(script);
  const logger = { warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() };
  const client = new ActPass({
    apiKey: 'ak_secret_key_value',
    baseUrl: BASE_URL,
    fetch,
    sleep: recordingSleep().sleep,
    logger,
  });
  return { client, requests, logger };
}

const ARGS = { ...REFUND, args: { amount: 4900, card: SECRET_ARG } };

describe('guard() with a throwing execute', () => {
  it('warns with the tool, evidence id and error name, and returns the error', async () => {
    const { client, logger } = setup([json(allowDecision()), json(evidenceEvent({}), 201)]);
    class StripeDown extends Error {
      override name = 'StripeDown';
    }
    const boom = new StripeDown(`refund failed for ${SECRET_ARG}`);
    const out = await client.guard({ ...ARGS, execute: () => Promise.reject(boom) });
    expect(out).toMatchObject({ executed: true, result: undefined, error: boom });
    const warned = logger.warn.mock.calls.filter(([message]) => message === 'execute threw');
    expect(warned).toHaveLength(1);
    expect(warned[0]?.[1]).toEqual({
      tool: 'stripe.refund.create',
      evidence_event_id: allowDecision().evidence_event_id,
      error_name: 'StripeDown',
    });
    // Neither the error's message nor the args nor the key reach any log line.
    const everything = JSON.stringify([logger.warn.mock.calls, logger.debug.mock.calls]);
    expect(everything).not.toContain(SECRET_ARG);
    expect(everything).not.toContain('ak_secret_key_value');
    await client.flush();
  });

  it('wraps a thrown non-Error value so `error` is always an Error, keeping the value as cause', async () => {
    const { client, logger } = setup([json(allowDecision()), json(evidenceEvent({}), 201)]);
    const out = await client.guard({
      ...ARGS,
      execute: () => {
        throw `declined ${SECRET_ARG}`;
      },
    });
    expect(out.executed).toBe(true);
    expect(out.error).toBeInstanceOf(Error);
    expect(out.error?.message).toBe('execute threw a non-Error value (string)');
    expect(out.error?.message).not.toContain(SECRET_ARG);
    expect(out.error?.cause).toBe(`declined ${SECRET_ARG}`);
    expect(logger.warn).toHaveBeenCalledWith(
      'execute threw',
      expect.objectContaining({ error_name: 'string' }),
    );
    await client.flush();
  });

  it('escapes a hostile error name before it reaches the logger', async () => {
    const { client, logger } = setup([json(allowDecision()), json(evidenceEvent({}), 201)]);
    const hostile = new Error('x');
    hostile.name = 'Evil\n[actpass] allow\u001b[2J';
    await client.guard({ ...ARGS, execute: () => Promise.reject(hostile) });
    const fields = logger.warn.mock.calls.find(([m]) => m === 'execute threw')?.[1];
    expect(fields?.error_name).toBe('Evil??actpass??allow??2J');
    await client.flush();
  });

  it('rethrow: true throws the original value after recording an error outcome', async () => {
    const { client, requests, logger } = setup([json(allowDecision()), json(evidenceEvent({}), 201)]);
    const boom = { code: 'card_declined' };
    await expect(
      client.guard({ ...ARGS, rethrow: true, awaitOutcome: true, execute: () => Promise.reject(boom) }),
    ).rejects.toBe(boom);
    expect(JSON.parse(requests[1]?.body ?? '')).toMatchObject({
      type: 'action.outcome',
      data: { outcome: 'error', result_sha256: null },
    });
    // The caller sees the error itself: the SDK notes it at debug, not as a warning.
    expect(logger.warn.mock.calls.filter(([m]) => m === 'execute threw')).toHaveLength(0);
    expect(logger.debug).toHaveBeenCalledWith(
      'execute threw',
      expect.objectContaining({ error_name: 'object' }),
    );
  });

  it('rethrow: true does not throw when execute succeeds or is not allowed to run', async () => {
    const { client } = setup([json(allowDecision()), json(allowDecision({ decision: 'deny' }))]);
    const ok = await client.guard({ ...ARGS, rethrow: true, recordOutcome: false, execute: () => 7 });
    expect(ok).toMatchObject({ executed: true, result: 7, error: undefined });
    const held = await client.guard({ ...ARGS, rethrow: true, execute: () => 8 });
    expect(held).toMatchObject({ executed: false, result: undefined, error: undefined });
  });

  it('does not warn when execute returns normally', async () => {
    const { client, logger } = setup([json(allowDecision())]);
    await client.guard({ ...ARGS, recordOutcome: false, execute: () => 'done' });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('types the result so the three outcomes narrow', () => {
    const narrow = (out: GuardResult<{ id: string }>) => {
      if (!out.executed) {
        expectTypeOf(out.result).toEqualTypeOf<undefined>();
        return 'blocked';
      }
      if (out.error) {
        expectTypeOf(out.error).toEqualTypeOf<Error>();
        return out.error.name;
      }
      expectTypeOf(out.result).toEqualTypeOf<{ id: string }>();
      return out.result.id;
    };
    expect(narrow).toBeTypeOf('function');
  });
});
