// Runs one operation stream against the TypeScript reference gateway, in process, and prints what it
// answered. Input (stdin, JSON): {gateway, start_ms, vault_key, ops}. Output (stdout, JSON):
// {results: [{status, body}], events: [...], evaluations: [...]}. The Python side runs the same stream
// through actpass.local; python/tests/local/test_differential.py compares both.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const require = createRequire(input.gateway);
const { createDevGateway, compilePolicy, evaluate } = await import(input.gateway);

let now = input.start_ms;
const dev = createDevGateway({
  tenants: ['acme'],
  policy: 'refunds',
  clock: () => now,
  env: { ACTPASS_VAULT_KEY: input.vault_key },
  logger: { info() {}, warn() {}, error() {}, debug() {} },
});
const keys = { agent: dev.keys.agent, approver: dev.keys.approver, admin: dev.keys.admin };
const seen = { approval: [], passport: [], jti: [], heldby: {}, decision: [] };

const MISSING = {
  approval: 'apr_unknown',
  heldby: 'apr_unknown',
  jti: 'ap_unknown',
  passport: 'not.a.token',
  decision: 'ev_unknown',
};
const REF = /\u0000ref:([a-z]+):([0-9]+)(?::([a-z]+))?/g;

function resolveOne(kind, index, mutation) {
  const found = seen[kind][Number(index)];
  if (found === undefined) return MISSING[kind];
  return mutation ? mutate(found, mutation) : found;
}

function resolve(value) {
  if (typeof value === 'string') return value.replace(REF, (_, kind, index, mutation) => resolveOne(kind, index, mutation));
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  }
  return value;
}

function mutate(token, how) {
  const [h, p, s] = token.split('.');
  if (how === 'sig') return `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BA' : 'AA'}`;
  if (how === 'truncate') return `${h}.${p}`;
  if (how === 'payload') return `${h}.${p.slice(0, -1)}.${s}`;
  return token;
}

const results = [];
for (const [position, op] of input.ops.entries()) {
  now = op.clock;
  const path = resolve(op.path);
  const headers = { authorization: `Bearer ${keys[op.role]}`, 'content-type': 'application/json' };
  if (op.idem) headers['idempotency-key'] = op.idem;
  let body;
  if (op.raw !== undefined) body = op.raw;
  else if (op.body !== undefined) body = JSON.stringify(resolve(op.body));
  const response = await dev.gateway.fetch(
    new Request(`http://actpass.test${path}`, { method: op.method, headers, body }),
  );
  const text = await response.text();
  const answer = text ? JSON.parse(text) : null;
  results.push({ status: response.status, body: answer });
  if (answer && response.status < 300) {
    if (op.kind === 'preflight' && answer.evidence_event_id) seen.decision.push(answer.evidence_event_id);
    if (op.kind === 'preflight' && answer.approval_request_id && !seen.approval.includes(answer.approval_request_id))
    {
      seen.approval.push(answer.approval_request_id);
      seen.heldby[position] = answer.approval_request_id;
    }
    if (op.kind === 'issue') {
      seen.passport.push(answer.token);
      seen.jti.push(answer.jti);
    }
  }
}

const events = [];
for await (const event of dev.gateway.stores.ledger.events('acme')) events.push(event);

const evaluations = [];
for (const check of input.evaluations ?? []) {
  const compiled = compilePolicy(check.policy);
  if (!compiled.ok) {
    evaluations.push({ problems: compiled.problems.map(({ rule_id, path, code }) => ({ rule_id, path, code })) });
    continue;
  }
  evaluations.push({ outcomes: check.inputs.map((x) => evaluate(compiled.policy, x, { trace: true })) });
}

process.stdout.write(JSON.stringify({ results, events, evaluations, keys: Object.keys(keys) }));
await dev.gateway.close();
void require;
