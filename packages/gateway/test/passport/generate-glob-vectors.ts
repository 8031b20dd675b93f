/**
 * Writes `packages/contract/vectors/passports/verification-globs.json`: tool and resource
 * globs in passports. Expected answers are written here by reasoning from the spec; the script refuses
 * to write a file the implementation disagrees with. Run: `pnpm exec tsx test/passport/generate-glob-vectors.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type IssuePassportInput,
  issuePassport,
  Keyset,
  MemoryJtiClaimStore,
  verifyPassport,
} from '../../src/passport/index.js';

const DIR = path.resolve(import.meta.dirname, '../../../contract/vectors/passports');
const { keys, jwks } = JSON.parse(readFileSync(path.join(DIR, 'verification.json'), 'utf8'));
const keyset = Keyset.fromPrivateJwks([keys.k1.jwk]);
const NOW = 1_800_000_000;
const context = {
  now: NOW,
  issuer: 'https://gateway.actpass.test',
  audience: 'actpass-gateway',
  tenant_id: 'tenant_acme',
  leeway_seconds: 5,
};

let serial = 0;
function token(allowed_tools: string[], allowed_resources: string[]): string {
  const input: IssuePassportInput = {
    issuer: context.issuer,
    audience: context.audience,
    tenant_id: context.tenant_id,
    goal: 'vector',
    allowed_tools,
    allowed_resources,
    ttl_seconds: 300,
    jti: `ap_globs${String(++serial).padStart(4, '0')}`,
  };
  return issuePassport(keyset, input, NOW).token;
}

type Expected = 'ok' | 'passport.tool_not_allowed' | 'passport.resource_not_allowed';
const cases: Array<{
  name: string;
  token: string;
  action: { tool: string; resource: string };
  expected: Expected;
}> = [];
function add(
  name: string,
  tools: string[],
  resources: string[],
  tool: string,
  resource: string,
  expected: Expected,
) {
  cases.push({ name, token: token(tools, resources), action: { tool, resource }, expected });
}

const CHARGE = 'stripe:charge:ch_1';
add('tool star in its segment', ['stripe.refund.*'], ['*'], 'stripe.refund.create', CHARGE, 'ok');
add(
  'tool star refuses a path-like name',
  ['stripe.refund.*'],
  ['*'],
  'stripe.refund.x/../../payout.create',
  CHARGE,
  'passport.tool_not_allowed',
);
add(
  'tool star does not cross a dot',
  ['stripe.refund.*'],
  ['*'],
  'stripe.refund.create.all',
  CHARGE,
  'passport.tool_not_allowed',
);
add(
  'tool leading star refuses an empty segment',
  ['*.refund.create'],
  ['*'],
  '.refund.create',
  CHARGE,
  'passport.tool_not_allowed',
);
add(
  'tool leading star matches one segment',
  ['*.refund.create'],
  ['*'],
  'stripe.refund.create',
  CHARGE,
  'ok',
);
add(
  'tool lone star is one segment',
  ['*'],
  ['*'],
  'stripe.refund.create',
  CHARGE,
  'passport.tool_not_allowed',
);
add('tool double star is any tool', ['**'], ['*'], 'stripe.refund.create', CHARGE, 'ok');
add('tool double star prefix', ['**.refund.create'], ['*'], 'refund.create', CHARGE, 'ok');
add('tool double star suffix', ['stripe.**'], ['*'], 'stripe.payout.create', CHARGE, 'ok');
add(
  'tool double star refuses an invalid name',
  ['**'],
  ['*'],
  'stripe..refund',
  CHARGE,
  'passport.tool_not_allowed',
);
add(
  'resource star does not cross slash',
  ['**'],
  ['stripe:charge:ch_1*'],
  'stripe.refund.create',
  'stripe:charge:ch_1/../ch_2',
  'passport.resource_not_allowed',
);
add(
  'resource star within a part',
  ['**'],
  ['stripe:charge:ch_1*'],
  'stripe.refund.create',
  'stripe:charge:ch_123',
  'ok',
);
add(
  'resource star does not cross colon',
  ['**'],
  ['stripe:*'],
  'stripe.refund.create',
  CHARGE,
  'passport.resource_not_allowed',
);
add(
  'resource double star crosses both',
  ['**'],
  ['stripe:**'],
  'stripe.refund.create',
  'stripe:charge:ch_1/x',
  'ok',
);
add(
  'resource lone star is any resource',
  ['**'],
  ['*'],
  'stripe.refund.create',
  'stripe:charge:ch_1/x',
  'ok',
);

async function main() {
  const verification = [];
  for (const c of cases) {
    const result = await verifyPassport(c.token, {
      keys: keyset,
      store: new MemoryJtiClaimStore(),
      nowSeconds: context.now,
      issuer: context.issuer,
      audience: context.audience,
      tenantId: context.tenant_id,
      leewaySeconds: context.leeway_seconds,
      action: c.action,
    });
    const got = result.ok ? 'ok' : result.reason_code;
    if (got !== c.expected)
      throw new Error(`${c.name}: implementation says ${got}, vector says ${c.expected}`);
    verification.push({
      name: c.name,
      token: c.token,
      context,
      action: c.action,
      expected: c.expected === 'ok' ? { ok: true } : { ok: false, reason_code: c.expected },
    });
  }
  const file = path.join(DIR, 'verification-globs.json');
  const description =
    'Tool and resource globs in passports, verified as in verification.json: in allowed_tools `*` stays in one dot-separated segment, a whole `**` segment matches any number of segments, and a text that is not a tool name matches nothing; in allowed_resources `*` does not cross `:` or `/`, `**` crosses both, and the pattern `*` alone is any resource.';
  writeFileSync(file, `${JSON.stringify({ description, keys, jwks, cases: verification }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

await main();
