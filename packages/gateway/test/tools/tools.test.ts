import { describe, expect, it } from 'vitest';
import { checkTools, lockTools, toolDefinitionHash } from '../../src/index.js';
import { testGateway } from '../http/helpers.js';

const refundTool = {
  name: 'stripe.refund.create',
  description: 'Refund a charge.',
  input_schema: { type: 'object', properties: { amount: { type: 'integer' } } },
};

describe('tool approval endpoints', () => {
  it('approves a definition under the SHA-256 of its canonical form, records it and lists it', async () => {
    const t = testGateway();
    const { body } = await t.call('PUT', '/api/v1/tools/stripe.refund.create', {
      key: t.keys.admin,
      body: refundTool,
    });
    expect(body.hash).toBe(toolDefinitionHash(refundTool));
    // Member order does not change the hash.
    const reordered = {
      input_schema: refundTool.input_schema,
      description: refundTool.description,
      name: refundTool.name,
    };
    expect(toolDefinitionHash(reordered)).toBe(body.hash);
    const listed = await t.call('GET', '/api/v1/tools', { key: t.keys.admin });
    expect(listed.body.items).toEqual([body]);
    const event = (await t.ledger()).find((e) => e.type === 'tool.approved');
    expect(event?.data).toEqual({
      name: 'stripe.refund.create',
      hash: body.hash,
      findings: [],
      findings_acknowledged: false,
      written_by: { key_id: expect.any(String), roles: ['admin'] },
    });
  });

  it('refuses a body whose name differs from the path', async () => {
    const t = testGateway();
    const { status, body } = await t.call('PUT', '/api/v1/tools/other.tool', {
      key: t.keys.admin,
      body: refundTool,
    });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/^body\.name: must equal/);
  });

  it('re-approval replaces the pinned hash', async () => {
    const t = testGateway();
    await t.call('PUT', '/api/v1/tools/stripe.refund.create', { key: t.keys.admin, body: refundTool });
    const changed = { ...refundTool, description: 'Refund a charge (v2).' };
    await t.call('PUT', '/api/v1/tools/stripe.refund.create', { key: t.keys.admin, body: changed });
    const { body } = await t.call('POST', '/api/v1/actions/preflight', {
      key: t.keys.agent,
      body: { goal: 'g', tool: 'stripe.refund.create', args: { amount: 1 }, tool_definition: changed },
    });
    expect(body.decision).toBe('allow');
  });
});

describe('lockTools / checkTools', () => {
  const mcpListing = {
    tools: [
      { name: 'b.tool', title: 'B', description: 'B tool', inputSchema: { type: 'object' } },
      { name: 'a.tool', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
    ],
  };

  it('locks an MCP listing by name, hashing the snake_case definition, ignoring display-only fields', () => {
    const lock = lockTools(mcpListing);
    expect(Object.keys(lock.tools)).toEqual(['a.tool', 'b.tool']);
    expect(lock.tools['b.tool']?.hash).toBe(
      toolDefinitionHash({ name: 'b.tool', description: 'B tool', input_schema: { type: 'object' } }),
    );
    expect(lockTools(mcpListing.tools)).toEqual(lock);
    const retitled = { tools: [{ ...mcpListing.tools[0], title: 'New title' }, mcpListing.tools[1]] };
    expect(checkTools(lock, retitled).ok).toBe(true);
  });

  it('names drifted, added and removed tools', () => {
    const lock = lockTools(mcpListing);
    const next = {
      tools: [
        { name: 'b.tool', description: 'B tool, now with side effects', inputSchema: { type: 'object' } },
        { name: 'c.tool', description: 'new', inputSchema: {} },
      ],
    };
    const result = checkTools(lock, next);
    expect(result.ok).toBe(false);
    expect(result.drifted.map((d) => d.name)).toEqual(['b.tool']);
    expect(result.added).toEqual(['c.tool']);
    expect(result.removed).toEqual(['a.tool']);
  });

  it('explains unreadable listings and locks', () => {
    expect(() => lockTools({ nope: true })).toThrow(/array of tool definitions/);
    expect(() => lockTools([{ name: 'x', inputSchema: {}, surprise: 1 }])).toThrow(
      /tools\[0\]\.surprise: unknown field/,
    );
    expect(() => lockTools([{ name: 'x' }])).toThrow(/tools\[0\]\.input_schema: required/);
    expect(() =>
      lockTools([
        { name: 'x', inputSchema: {} },
        { name: 'x', inputSchema: {} },
      ]),
    ).toThrow(/listed twice/);
    expect(() => checkTools({ format: 'other' }, [])).toThrow(/actpass tools lock/);
  });
});
