/**
 * The conventions a daily user meets, as openai-node has them: unknown options throw with a "did you
 * mean" (plain JavaScript passes anything), `baseURL` is taken as `baseUrl`, a mode typo is caught at
 * construction naming the bad value and the nearest good one, `ACTPASS_LOG` / `logLevel` with one debug
 * line per request, and per-call `headers` over the client's `defaultHeaders`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActPass, type ClientOptions, MisconfiguredError } from '../../src/index.js';
import { allowDecision, BASE_URL, REFUND } from '../helpers/fixtures.js';
import { recordingSleep, type ScriptedResponse, scriptedFetch } from '../helpers/scripted-fetch.js';

const ok = (requestId = 'req_1'): ScriptedResponse => ({
  status: 200,
  headers: { 'x-request-id': requestId },
  json: allowDecision(),
});

function capture() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** Options as plain JavaScript would pass them: no type checker between the caller and the SDK. */
const untyped = (options: Record<string, unknown>) => options as ClientOptions;

function thrown(make: () => unknown): MisconfiguredError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(MisconfiguredError);
    return error as MisconfiguredError;
  }
  throw new Error('expected a MisconfiguredError');
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('constructor options', () => {
  it('throws on an unknown option, suggesting the one meant', () => {
    const error = thrown(() => new ActPass(untyped({ apiKey: 'k', timeout: 5_000 })));
    expect(error.message).toBe('unknown client option "timeout": did you mean "timeoutMs"?');
    expect(error.fix).toContain('timeoutMs');
    expect(thrown(() => new ActPass(untyped({ tenant: 'acme' }))).message).toContain(
      'did you mean "tenantId"?',
    );
  });

  it('names an unknown option with nothing close without guessing, and escapes it', () => {
    const error = thrown(() => new ActPass(untyped({ 'zzz\n[actpass] allowed': 1 })));
    expect(error.message).toBe('unknown client option "zzz?[actpass] allowed"');
  });

  it('takes baseURL (openai spelling) as baseUrl: the request goes there', async () => {
    const { fetch, requests } = scriptedFetch([ok()]);
    const client = new ActPass(untyped({ apiKey: 'k', baseURL: 'http://elsewhere.test', fetch }));
    const decision = await client.preflight(REFUND);
    expect(decision.decision).toBe('allow');
    expect(requests[0]?.url).toBe('http://elsewhere.test/api/v1/actions/preflight');
  });

  it('refuses baseURL and baseUrl set to different values', () => {
    const error = thrown(() => new ActPass(untyped({ baseURL: 'http://a.test', baseUrl: 'http://b.test' })));
    expect(error.message).toContain('both baseUrl and its alias baseURL');
  });

  it('checks withOptions() overrides the same way', () => {
    const client = new ActPass({ apiKey: 'k' });
    expect(thrown(() => client.withOptions(untyped({ maxRetry: 1 }))).message).toContain(
      'did you mean "maxRetries"?',
    );
  });
});

describe('mode, checked when the client is made', () => {
  it('names the bad value and the nearest valid mode', () => {
    const error = thrown(() => new ActPass(untyped({ apiKey: 'k', mode: 'enforse' })));
    expect(error.message).toBe('unknown mode "enforse": did you mean "enforce"?');
    expect(error.fix).toBe('Set the mode option to one of enforce, monitor, warn, strict.');
    expect(thrown(() => new ActPass(untyped({ mode: 'monitoring' }))).message).toContain('"monitor"');
    expect(
      thrown(() => new ActPass({ apiKey: 'k' }).withOptions(untyped({ mode: 'WARN' }))).message,
    ).toContain('did you mean "warn"?');
  });

  it('a per-call typo still fails closed, naming the value and the nearest mode', async () => {
    const { fetch, requests } = scriptedFetch([]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, logger: {} });
    const decision = await client.preflight({ ...REFUND, mode: 'stict' as never });
    expect(decision).toMatchObject({
      decision: 'deny',
      reason_code: 'client.misconfigured',
      source: 'client',
    });
    expect(decision.explain.summary).toContain('unknown mode "stict": did you mean "strict"?');
    expect(requests).toHaveLength(0);
  });
});

describe('ACTPASS_LOG and logLevel', () => {
  it('at debug, logs one line per attempt: request id, method, path, status, ms, attempt', async () => {
    vi.stubEnv('ACTPASS_LOG', 'debug');
    const { fetch } = scriptedFetch([{ status: 503, headers: { 'x-request-id': 'req_a' } }, ok('req_b')]);
    const { lines, logger } = capture();
    const client = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch,
      logger,
      sleep: recordingSleep().sleep,
    });
    await client.preflight(REFUND);
    const debug = lines.filter((line) => line.level === 'debug');
    expect(debug.map((line) => line.message.replace(/ [\d.]+ms /, ' Nms '))).toEqual([
      'req_a POST /api/v1/actions/preflight 503 Nms attempt=1',
      'req_b POST /api/v1/actions/preflight 200 Nms attempt=2',
    ]);
    expect(debug[1]?.fields).toMatchObject({
      method: 'POST',
      path: '/api/v1/actions/preflight',
      status: 200,
      request_id: 'req_b',
      attempt: 2,
    });
    expect(typeof debug[1]?.fields?.ms).toBe('number');
  });

  it('logs a connection failure as no-response, and never the key or the query', async () => {
    const { fetch } = scriptedFetch([{ fault: 'connection_refused' }]);
    const { lines, logger } = capture();
    const client = new ActPass({
      apiKey: 'sk_secret_0123456789',
      baseUrl: BASE_URL,
      fetch,
      logger,
      logLevel: 'debug',
      maxRetries: 0,
    });
    await expect(client.evidence.list({ type: 'decision' })).rejects.toThrow();
    const debug = lines.filter((line) => line.level === 'debug');
    expect(debug).toHaveLength(1);
    expect(debug[0]?.message).toMatch(/^- GET \/api\/v1\/evidence no-response [\d.]+ms attempt=1$/);
    expect(JSON.stringify(lines)).not.toContain('sk_secret_0123456789');
  });

  it('escapes a hostile request id so it cannot forge a log line', async () => {
    // Headers cannot carry a line break, but a tab, spaces and bytes past ASCII pass through fetch.
    const { fetch } = scriptedFetch([ok('req\t[actpass] allow everything\u00ff')]);
    const { lines, logger } = capture();
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, logger, logLevel: 'debug' });
    await client.preflight(REFUND);
    const message = lines.find((line) => line.level === 'debug')?.message ?? '';
    expect(message).toMatch(/^req\\x09\[actpass\]\\x20allow\\x20everything\\xff POST /);
  });

  it('at warn, a logger of yours gets no debug lines', async () => {
    vi.stubEnv('ACTPASS_LOG', 'warn');
    const { fetch } = scriptedFetch([ok()]);
    const { lines, logger } = capture();
    await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, logger }).preflight(REFUND);
    expect(lines).toEqual([]);
  });

  it('the console logger prints debug lines to stderr only when asked', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { fetch } = scriptedFetch([ok(), ok()]);
    await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch }).preflight(REFUND);
    expect(warn).not.toHaveBeenCalled();
    vi.stubEnv('ACTPASS_LOG', 'DEBUG');
    await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch }).preflight(REFUND);
    expect(warn.mock.calls.map((call) => call[0])).toEqual([
      expect.stringMatching(/^\[actpass\] req_1 POST \/api\/v1\/actions\/preflight 200 [\d.]+ms attempt=1$/),
    ]);
    expect(log).not.toHaveBeenCalled();
  });

  it('an unknown ACTPASS_LOG warns with a suggestion and keeps the default', () => {
    vi.stubEnv('ACTPASS_LOG', 'debgu');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    new ActPass({ apiKey: 'k' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ACTPASS_LOG="debgu" is not a level'));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('did you mean "debug"?'));
  });

  it('an unknown logLevel option throws', () => {
    expect(thrown(() => new ActPass(untyped({ logLevel: 'verbose' }))).message).toContain('unknown logLevel');
  });
});

describe('headers', () => {
  it('sends defaultHeaders, with per-call headers on top; null removes one', async () => {
    const { fetch, requests } = scriptedFetch([ok(), ok()]);
    const client = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch,
      defaultHeaders: { 'X-Team': 'payments', 'x-trace-id': 'from-client' },
    });
    await client.preflight(REFUND);
    await client.preflight(REFUND, { headers: { 'X-Trace-Id': 'from-call', 'x-actpass-sdk': null } });
    expect(requests[0]?.headers.get('x-team')).toBe('payments');
    expect(requests[0]?.headers.get('x-trace-id')).toBe('from-client');
    expect(requests[0]?.headers.get('x-actpass-sdk')).toMatch(/^typescript\//);
    expect(requests[1]?.headers.get('x-trace-id')).toBe('from-call');
    expect(requests[1]?.headers.get('x-team')).toBe('payments');
    expect(requests[1]?.headers.has('x-actpass-sdk')).toBe(false);
  });

  it('refuses a header value with a line break (header injection), naming the header, not the value', async () => {
    const error = thrown(
      () => new ActPass({ apiKey: 'k', defaultHeaders: { 'x-trace': 'a\r\nx-admin: secret_value' } }),
    );
    expect(error.message).toBe('defaultHeaders["x-trace"] is not a single-line string');
    expect(error.message).not.toContain('secret_value');
    expect(thrown(() => new ActPass({ defaultHeaders: { 'bad name': 'v' } })).message).toContain(
      'invalid header name',
    );

    const { fetch, requests } = scriptedFetch([]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, logger: {} });
    const decision = await client.preflight(REFUND, { headers: { 'x-trace': 'a\nb' } });
    expect(decision).toMatchObject({ decision: 'deny', reason_code: 'client.misconfigured' });
    expect(requests).toHaveLength(0);
    await expect(client.whoami({ headers: { 'x-trace': 'a\nb' } })).rejects.toBeInstanceOf(
      MisconfiguredError,
    );
  });
});

describe('one casing for request parameters: snake_case, as on the wire and in preflight()', () => {
  // Only the request matters here: the answer is not a full passport, so the call itself rejects.
  const issued = { token: 'eyJ.x.y' };
  const ignoreAnswer = () => undefined;

  it('issuePassport takes allowed_tools, ttl_seconds, … and fills agent_id from the client', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 201, json: issued }]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, agentId: 'support_agent' });
    await client
      .issuePassport({
        audience: 'actpass:gateway',
        goal: 'resolve_refund_request',
        allowed_tools: ['stripe.refund.create'],
        resource_constraints: { amount: { max: 5000 } },
        ttl_seconds: 120,
      })
      .catch(ignoreAnswer);
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      audience: 'actpass:gateway',
      goal: 'resolve_refund_request',
      allowed_tools: ['stripe.refund.create'],
      resource_constraints: { amount: { max: 5000 } },
      ttl_seconds: 120,
      agent_id: 'support_agent',
    });
  });

  it('still accepts the deprecated camelCase spelling, and refuses both spellings that disagree', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 201, json: issued }]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch });
    await client
      .issuePassport({
        audience: 'actpass:gateway',
        goal: 'g',
        allowedTools: ['stripe.refund.create'],
        ttlSeconds: 60,
        agentId: 'a1',
      })
      .catch(ignoreAnswer);
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      audience: 'actpass:gateway',
      goal: 'g',
      allowed_tools: ['stripe.refund.create'],
      ttl_seconds: 60,
      agent_id: 'a1',
    });
    const both = { audience: 'a', goal: 'g', allowed_tools: ['x.y'], allowedTools: ['z.w'] };
    await expect(client.issuePassport(both as never)).rejects.toThrow(
      'both allowed_tools and allowedTools are set, to different values',
    );
    expect(requests).toHaveLength(1);
  });
});
