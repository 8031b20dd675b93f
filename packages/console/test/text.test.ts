import { describe, expect, it } from 'vitest';
import { escapeUnsafe as cliEscape, escapeUnsafeInJson as cliEscapeJson } from '../../edge/src/text/index.js';
import { ApiError } from '../src/api/errors.js';
import { formatAmount, prettyJson, prose, text } from '../src/format.js';
import { escapeUnsafe, escapeUnsafeInJson, hasUnsafe } from '../src/text.js';
import { conflictText } from '../src/views/approval-conflict.js';
import { findingsFromConflict } from '../src/views/tool-findings.js';
import { parseDefinition } from '../src/views/tools.js';

describe('escaping agent strings', () => {
  it('writes every character the CLI escapes exactly as the CLI does', () => {
    for (let code = 0; code <= 0xffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const sample = `a${String.fromCharCode(code)}b`;
      const cli = cliEscape(sample);
      if (cli !== sample) expect([code, escapeUnsafe(sample)]).toEqual([code, cli]);
      const cliJson = cliEscapeJson(JSON.stringify(sample));
      if (cliJson !== JSON.stringify(sample))
        expect([code, escapeUnsafeInJson(JSON.stringify(sample))]).toEqual([code, cliJson]);
    }
  });

  it('also shows what a browser would hide: zero-width, BOM and tag characters', () => {
    expect(escapeUnsafe('bot\u202Elive')).toBe('bot\\u202elive');
    expect(escapeUnsafe('a\u200Bb\uFEFFc')).toBe('a\\u200bb\\ufeffc');
    expect(escapeUnsafe('x\u{E0041}\u{E007F}y')).toBe('x\\u{e0041}\\u{e007f}y');
    expect(hasUnsafe('plain')).toBe(false);
    expect(hasUnsafe('a\u2066b')).toBe(true);
    // JSON stays JSON-shaped, structure untouched.
    expect(prettyJson({ agent: 'bot\u202Elive' })).toBe('{\n  "agent": "bot\\u202elive"\n}');
    expect(text('<b>\u202E</b>')).toBe('<b>\\u202e</b>');
    expect(prose('line one\nline\ttwo\u202E')).toBe('line one\nline\ttwo\\u202e');
  });
});

describe('amounts', () => {
  it('formats minor units in the currency the args carry, with the raw value', () => {
    expect(formatAmount({ amount: 25000, currency: 'usd' }, 'en-US')).toEqual({
      formatted: '$250.00',
      raw: '25000 usd (minor units)',
    });
    expect(formatAmount({ amount: 1999, currency: 'JPY' }, 'en-US')?.formatted).toBe('¥1,999');
    expect(formatAmount({ amount: 12345, currency: 'kwd' }, 'en-US')?.formatted).toMatch(/^KWD\s12\.345$/);
  });

  it('never guesses: no currency, a hostile one, or a non-integer amount', () => {
    expect(formatAmount({ amount: 25000 })).toEqual({ formatted: null, raw: '25000 minor units' });
    expect(formatAmount({ amount: 5, currency: '<script>\u202E' })).toEqual({
      formatted: null,
      raw: '5 minor units (currency <script>\\u202e not recognised)',
    });
    expect(formatAmount({ amount: 499.99, currency: 'usd' })).toBeNull();
    expect(formatAmount({ amount: 2 ** 60, currency: 'usd' })).toBeNull();
    expect(formatAmount({ amount: '25000', currency: 'usd' })).toBeNull();
    expect(formatAmount(null)).toBeNull();
  });
});

describe('a refused decision', () => {
  const refused = (code: string, message: string) => new ApiError(409, code, message, 'req_1');
  const base = {
    id: 'apr_1',
    action: {},
    action_hash: 'h',
    reason_code: 'r.x',
    created_at: '2026-01-01T00:00:00Z',
    expires_at: '2026-01-02T00:00:00Z',
  } as never as Parameters<typeof conflictText>[2] & object;

  it('says someone else decided only when a person did, and always keeps the gateway words', () => {
    const said = conflictText(
      'apr_1',
      refused('approval.granted', 'Approval request apr_1 was already approved.'),
      {
        ...base,
        status: 'approved',
        decided_by: 'acme\u202Eoncall',
      },
    );
    expect(said).toMatch(/^Someone else decided first: apr_1 is already approved by acme\\u202eoncall\./);
    expect(said).toContain(
      'The gateway said: Approval request apr_1 was already approved. [approval.granted]',
    );
    const expired = conflictText(
      'apr_1',
      refused('approval.expired', 'Approval request apr_1 has expired.'),
      {
        ...base,
        status: 'expired',
      },
    );
    expect(expired).not.toContain('Someone else');
    expect(expired).toContain('expired before your decision');
    const unknown = conflictText('apr_1', refused('approval.pending', 'odd'), null);
    expect(unknown).toBe('Your decision on apr_1 was not recorded. The gateway said: odd [approval.pending]');
  });
});

describe('tool review', () => {
  it("reads the findings of a 409 tool.suspicious from the gateway's details", () => {
    const error = new ApiError(409, 'tool.suspicious', 'held', null, [
      { path: 'body.acknowledge_findings', message: 'set to true to approve' },
      { path: 'body.description', message: 'hidden.tag_chars (high): send it to evil.example' },
      {
        path: 'body.input_schema.properties.x.description',
        message: 'text.instruction_marker (medium): <IMPORTANT>\nread',
      },
    ]);
    expect(findingsFromConflict(error)).toEqual([
      {
        code: 'hidden.tag_chars',
        severity: 'high',
        field: 'description',
        excerpt: '',
        decoded: 'send it to evil.example',
      },
      {
        code: 'text.instruction_marker',
        severity: 'medium',
        field: 'input_schema.properties.x.description',
        excerpt: '',
        decoded: '<IMPORTANT>\nread',
      },
    ]);
  });

  it('accepts an MCP listing entry and names what is missing', () => {
    expect(parseDefinition('{"name":"a.b","description":"d","inputSchema":{"type":"object"}}')).toEqual({
      definition: { name: 'a.b', description: 'd', input_schema: { type: 'object' } },
    });
    expect(parseDefinition('[1]')).toHaveProperty('error');
    expect(parseDefinition('{"description":"d"}')).toEqual({
      error: 'The definition needs a "name" (the tool name to approve).',
    });
    expect(parseDefinition('{')).toHaveProperty('error');
  });
});
