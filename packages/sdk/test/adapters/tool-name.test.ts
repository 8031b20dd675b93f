import { tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardTools, isToolName } from '../../src/adapters/ai.js';
import { toolName } from '../../src/adapters/tool-name.js';
import { ActPass, MisconfiguredError } from '../../src/index.js';

describe('ActPass tool names for framework tools', () => {
  it('accepts dot-separated segments of A-Z a-z 0-9 _ -', () => {
    for (const name of ['refund', 'stripe.refund.create', 'get_weather', 'a-b.c_d.E9']) {
      expect(isToolName(name), name).toBe(true);
      expect(toolName(undefined, name)).toBe(name);
    }
  });

  it('refuses hostile or malformed names with the option to set', () => {
    const hostile = [
      '',
      '.',
      'a..b',
      '.a',
      'a.',
      'a b',
      '../etc/passwd',
      'stripe:refund',
      'a/b',
      '<img src=x onerror=alert(1)>',
      'ré',
      'a\u0000b',
      'line\nbreak',
      'x'.repeat(257),
      '*',
      '**.refund',
    ];
    for (const name of hostile) {
      expect(isToolName(name), JSON.stringify(name)).toBe(false);
      expect(() => toolName(undefined, name)).toThrow(MisconfiguredError);
      expect(() => toolName(undefined, name)).toThrow(/set options\.tool/);
    }
    // The message quotes at most 80 characters of what it was given, JSON-escaped.
    expect(() => toolName(undefined, 'a\nb')).toThrow('"a\\nb"');
  });

  it('maps framework names with a function, and checks the result', () => {
    expect(toolName((name) => `payments.${name}`, 'refund')).toBe('payments.refund');
    expect(() => toolName(() => 'payments:refund', 'refund')).toThrow(/options\.tool gave "payments:refund"/);
  });

  it('guardTools names each tool from its key unless mapped, and refuses a bad key when wrapping', () => {
    const client = new ActPass({ apiKey: 'k', fetch: async () => new Response('{}') });
    const t = tool({ inputSchema: z.object({}), execute: async () => 'ok' });
    expect(() => guardTools(client, { 'bad key': t }, { goal: 'g' })).toThrow(MisconfiguredError);
    expect(() => guardTools(client, { 'bad key': t }, { goal: 'g', tool: () => 'ok.name' })).not.toThrow();
  });
});
