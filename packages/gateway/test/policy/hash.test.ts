import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadPolicy, type Policy, policyHash } from '../../src/policy/index.js';

const raw: Policy = {
  id: 'p',
  version: 2,
  rules: [
    {
      id: 'r',
      when: [{ path: 'args.amount', operator: '<=', value: 10 }],
      decision: 'allow',
      reason: 'test.ok',
    },
  ],
};

describe('policyHash', () => {
  it('is the hex SHA-256 of the RFC 8785 form', () => {
    const canonical =
      '{"id":"p","rules":[{"decision":"allow","id":"r","reason":"test.ok","when":[{"operator":"<=","path":"args.amount","value":10}]}],"version":2}';
    expect(policyHash(raw)).toBe(createHash('sha256').update(canonical).digest('hex'));
  });

  it('is the same for the raw and the compiled policy, and ignores member order', () => {
    const reordered = JSON.parse(
      '{"version":2,"rules":[{"reason":"test.ok","decision":"allow","when":[{"value":10,"operator":"<=","path":"args.amount"}],"id":"r"}],"id":"p"}',
    );
    expect(policyHash(loadPolicy(reordered))).toBe(policyHash(raw));
  });

  it('changes with any edit', () => {
    const edited = structuredClone(raw);
    (edited.rules[0]!.when![0] as { value: number }).value = 11;
    expect(policyHash(edited)).not.toBe(policyHash(raw));
    expect(policyHash({ ...raw, version: 3 })).not.toBe(policyHash(raw));
  });
});
