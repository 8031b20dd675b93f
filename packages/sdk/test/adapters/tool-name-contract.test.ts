/**
 * The adapters check tool names before wrapping a tool, so a name the gateway would refuse is reported
 * at set-up. That check must be the contract's own rule (ToolNameString), which the gateway enforces.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isToolName } from '../../src/adapters/tool-name.js';

const contract = parse(readFileSync(new URL('../../../contract/openapi.yaml', import.meta.url), 'utf8')) as {
  components: { schemas: { ToolNameString: { pattern: string; maxLength: number } } };
};
const rule = contract.components.schemas.ToolNameString;
const byContract = (name: string) =>
  name.length <= rule.maxLength && new RegExp(rule.pattern, 'u').test(name);

describe('tool names in the adapters', () => {
  it.each([
    'stripe.refund.create',
    'a',
    'a-b_c.D9',
    'x'.repeat(256),
    'x'.repeat(257),
    'a:b',
    'a/b',
    'a.b/../c',
    '.a',
    'a.',
    'a..b',
    '',
    'a b',
    'a.b\n',
    'ünïcode',
    'mcp__server__tool',
  ])('agree with the contract on %j', (name) => {
    expect(isToolName(name)).toBe(byContract(name));
  });
});
