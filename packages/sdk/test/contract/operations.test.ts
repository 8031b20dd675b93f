import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../../src/index.js';
import { ActPass, APIError } from '../../src/index.js';
import { BASE_URL } from '../helpers/fixtures.js';
import { loadContract, type Operation, type ResponseCase } from './contract.js';

// Request examples come from YAML, so they are typed at the boundary: each call names the contract type.
type Body = Record<string, unknown>;
const as = <K extends keyof Schemas>(body: Body) => body as unknown as Schemas[K];
const JTI = 'ap_01J9Z8Q4M5N6P7R8S9T0V1W2X3';
const APR = 'apr_01J9Z8Q4M5N6P7R8S9T0V1W2X3';
const SUS = 'sus_01J9Z8Q4M5N6P7R8S9T0V1W2X3';

/** How the SDK performs each operation, fed with the contract's request example. */
const calls: Record<string, (client: ActPass, body: Body) => Promise<unknown>> = {
  preflight: (c, b) => c.preflight(as<'PreflightRequest'>(b)),
  issuePassport: (c, b) => {
    const body = as<'IssuePassportRequest'>(b);
    return c.issuePassport({
      audience: body.audience,
      goal: body.goal,
      allowed_tools: body.allowed_tools,
      allowed_resources: body.allowed_resources,
      resource_constraints: body.resource_constraints,
      ttl_seconds: body.ttl_seconds,
    });
  },
  verifyPassport: (c, b) => c.verifyPassport(as<'VerifyPassportRequest'>(b)),
  revokePassport: (c, b) => c.revokePassport(JTI, as<'RevokePassportRequest'>(b).reason),
  listApprovals: (c) => c.approvals.list({ status: 'pending', limit: 50 }),
  getApproval: (c) => c.approvals.get(APR),
  approveApproval: (c, b) => c.approvals.approve(APR, as<'ApprovalDecisionRequest'>(b)),
  denyApproval: (c, b) => c.approvals.deny(APR, as<'ApprovalDecisionRequest'>(b)),
  recordEvidence: (c, b) => c.recordEvidence(as<'RecordEvidenceRequest'>(b)),
  listEvidence: (c) =>
    c.evidence.list({
      after_seq: 0,
      limit: 10,
      type: 'decision',
      tool: 'stripe.refund.create',
      decision: 'deny',
      agent_id: 'refund-bot',
      since: new Date('2026-11-23T00:00:00Z'),
      until: '2026-11-24T00:00:00Z',
    }),
  verifyEvidence: (c) => c.evidence.verify(),
  exportEvidence: (c) => c.evidence.export(),
  listTools: (c) => c.tools.list(),
  approveTool: (c, b) => c.tools.approve(as<'ToolDefinition'>(b)),
  listCredentials: (c) => c.credentials.list(),
  putCredential: (c, b) => c.credentials.put('stripe_restricted_key', as<'PutCredentialRequest'>(b)),
  deleteCredential: (c) => c.credentials.delete('stripe_restricted_key'),
  getPolicy: (c) => c.policy.get(),
  putPolicy: (c, b) => c.policy.put(as<'Policy'>(b)),
  getJwks: (c) => c.jwks(),
  health: (c) => c.health(),
  readiness: (c) => c.ready(),
  whoami: (c) => c.whoami(),
  rolloutReport: (c) => c.reports.rollout({ since: '2026-11-23T00:00:00Z', bucket: 'hour', top: 5 }),
  simulatePolicy: (c, b) => c.policy.simulate(as<'SimulatePolicyRequest'>(b)),
  listWebhooks: (c) => c.webhooks.list(),
  getWebhook: (c) => c.webhooks.get('on-call'),
  putWebhook: (c, b) => c.webhooks.put('on-call', as<'PutWebhookRequest'>(b)),
  deleteWebhook: (c) => c.webhooks.delete('on-call'),
  listWebhookDeliveries: (c) => c.webhooks.deliveries({ status: 'dead', webhook_id: 'on-call', limit: 50 }),
  retryWebhookDelivery: (c) => c.webhooks.retry('whd_4mX0a9C2bQ7'),
  listSuspensions: (c) => c.suspensions.list({ status: 'all', limit: 50 }),
  getSuspension: (c) => c.suspensions.get(SUS),
  createSuspension: (c, b) => c.suspensions.create(as<'CreateSuspensionRequest'>(b)),
  resumeSuspension: (c) => c.suspensions.resume(SUS),
};
/** Operations that fail closed instead of throwing. */
const failClosed: Record<string, (result: unknown, status: number) => void> = {
  preflight: (d, status) =>
    expect(d).toMatchObject({
      decision: 'deny',
      source: 'client',
      reason_code: 'client.http_error',
      request_id: `req_${status}`,
    }),
  verifyPassport: (v, status) =>
    expect(v).toMatchObject({
      valid: false,
      source: 'client',
      reason_code: 'client.http_error',
      request_id: `req_${status}`,
    }),
};

const operations = loadContract();
const server = setupServer();
const violations: string[] = [];
const seen: { op: string; body: unknown }[] = [];
let reply: ResponseCase | undefined;

function check(what: string, validate: { (v: unknown): boolean; errors?: unknown }, value: unknown) {
  if (!validate(value)) violations.push(`${what}: ${JSON.stringify(validate.errors)}`);
}

/** A handler that validates what the SDK sends against the operation's request side, then replies. */
function handlerFor(op: Operation) {
  const mswPath = op.path.replace(/\{(\w+)\}/g, ':$1');
  const method = op.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
  return http[method](`${BASE_URL}${mswPath}`, async ({ request, params }) => {
    const url = new URL(request.url);
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    seen.push({ op: op.id, body });
    if (op.secured && request.headers.get('authorization') !== 'Bearer k_contract') {
      violations.push(`${op.id}: missing bearer token`);
    }
    if (op.method === 'POST' && !request.headers.get('idempotency-key'))
      violations.push(`${op.id}: no Idempotency-Key`);
    for (const p of op.parameters) {
      const raw =
        p.in === 'path'
          ? params[p.name]
          : p.in === 'query'
            ? url.searchParams.get(p.name)
            : request.headers.get(p.name);
      if (raw === null || raw === undefined) {
        if (p.required) violations.push(`${op.id}: missing ${p.in} parameter ${p.name}`);
        continue;
      }
      const value = p.in === 'query' && /^\d+$/.test(String(raw)) ? Number(raw) : raw;
      check(`${op.id} ${p.in} ${p.name}`, p.validate, value);
    }
    for (const key of url.searchParams.keys()) {
      if (!op.parameters.some((p) => p.in === 'query' && p.name === key))
        violations.push(`${op.id}: unknown query ${key}`);
    }
    if (op.requestBody) {
      if (body === undefined) {
        if (op.requestBody.required) violations.push(`${op.id}: missing body`);
      } else check(`${op.id} request body`, op.requestBody.validate, body);
    } else if (body !== undefined) violations.push(`${op.id}: unexpected body`);

    const r = reply!;
    check(`${op.id} ${r.status} ${r.example} response`, r.validate, r.body);
    return HttpResponse.json(r.body as Record<string, unknown>, {
      status: r.status,
      headers: { 'x-request-id': `req_${r.status}` },
    });
  });
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  violations.length = 0;
  seen.length = 0;
  reply = undefined;
});
afterAll(() => server.close());

function client() {
  return new ActPass({
    apiKey: 'k_contract',
    tenantId: 'acme',
    agentId: 'support_agent',
    baseUrl: BASE_URL,
    maxRetries: 0,
    logger: {},
  });
}

describe('contract: every operation', () => {
  it('has an SDK call for every operation in openapi.yaml', () => {
    expect(operations.map((o) => o.id).sort()).toEqual(Object.keys(calls).sort());
  });

  for (const op of operations) {
    const requestExamples = op.requestBody?.examples.length ? op.requestBody.examples : [{}];
    describe(`${op.id} (${op.method} ${op.path})`, () => {
      for (const response of op.responses) {
        it(`${response.status} ${response.example}`, async () => {
          server.use(handlerFor(op));
          reply = response;
          const sent = requestExamples[0] as Body;
          const call = calls[op.id]!;
          if (response.status < 300) {
            const result = await call(client(), sent);
            expect(result).toEqual(response.body);
            expect((result as { _requestId: string })._requestId).toBe(`req_${response.status}`);
          } else if (failClosed[op.id]) {
            failClosed[op.id]!(await call(client(), sent), response.status);
          } else {
            const error = await call(client(), sent).then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(APIError);
            const code = (response.body as { error: { code: string } }).error.code;
            expect(error).toMatchObject({
              status: response.status,
              code,
              requestId: `req_${response.status}`,
            });
          }
          expect(seen).toHaveLength(1);
          if (op.requestBody?.examples.length) expect(seen[0]?.body).toMatchObject(sent);
          expect(violations).toEqual([]);
        });
      }
    });
  }
});
