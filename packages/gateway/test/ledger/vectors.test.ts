import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalize } from '@actpass/sdk/canonical';
import { describe, expect, it } from 'vitest';
import {
  hashEvent,
  type LedgerEvent,
  type LedgerHead,
  verifyChain,
  verifyExport,
} from '../../src/ledger/index.js';

const DIR = path.resolve(import.meta.dirname, '../../../contract/vectors/ledger');
const load = (file: string) => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));

const chainFiles = readdirSync(DIR)
  .filter((file) => /^chains.*\.json$/.test(file))
  .sort();

describe.each(chainFiles)('ledger vectors: %s', (file) => {
  for (const c of load(file).cases as Array<{
    name: string;
    tenant_id: string;
    events: LedgerEvent[];
    canonical_without_hash: string[];
    head: LedgerHead;
  }>) {
    it(c.name, () => {
      c.events.forEach((event, index) => {
        const { hash, ...rest } = event;
        expect(canonicalize(rest)).toBe(c.canonical_without_hash[index]);
        expect(createHash('sha256').update(c.canonical_without_hash[index]!).digest('hex')).toBe(hash);
        expect(hashEvent(event)).toBe(hash);
      });
      expect(verifyChain(c.events, { tenantId: c.tenant_id })).toEqual({ ok: true, head: c.head });
    });
  }
});

describe('ledger vectors: tampered.json', () => {
  for (const c of load('tampered.json').cases as Array<{
    name: string;
    tenant_id: string;
    expected_head?: LedgerHead;
    events: unknown[];
    expected: object;
  }>) {
    it(c.name, () => {
      const result = verifyChain(c.events, { tenantId: c.tenant_id, expectedHead: c.expected_head });
      const { message: _m, ...comparable } = result as { message?: string };
      expect(comparable).toEqual(c.expected);
    });
  }
});

describe('ledger vectors: exports.json', () => {
  const file = load('exports.json');
  for (const c of file.cases as Array<{
    name: string;
    export: unknown;
    known_head?: LedgerHead;
    expected: object;
  }>) {
    it(c.name, () => {
      const result = verifyExport(c.export, file.jwks, c.known_head ? { knownHead: c.known_head } : {});
      const { message: _m, ...comparable } = result as { message?: string };
      expect(comparable).toEqual(c.expected);
    });
  }
});
