import { describe, expect, it } from 'vitest';
import { exportFileName, parseCandidate, prettyJson, text, timeLeft } from '../src/format.js';
import { decisionRow, matches } from '../src/views/decision-row.js';
import { bucketFor, windowLabel, windowSince } from '../src/views/window.js';

describe('format', () => {
  it('counts the time left down to expired', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(timeLeft('2026-01-01T00:04:05Z', now)).toBe('4m 05s left');
    expect(timeLeft('2026-01-02T00:00:00Z', now)).toBe('24h 00m left');
    expect(timeLeft('2026-01-01T00:00:00Z', now)).toBe('expired');
    expect(timeLeft('not a date', now)).toBe('unknown');
  });

  it('turns untrusted values into display text', () => {
    expect(text(undefined)).toBe('—');
    expect(text(null)).toBe('—');
    expect(text('<b>')).toBe('<b>');
    expect(text(3)).toBe('3');
    expect(text({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(prettyJson(10n as unknown)).toBe('[bigint]');
  });

  it('builds export file names from safe characters only', () => {
    expect(exportFileName('acme', 12)).toBe('actpass-evidence-acme-12.json');
    expect(exportFileName('../../etc/passwd', 1)).toBe('actpass-evidence-______etc_passwd-1.json');
    expect(exportFileName('', 1)).toBe('actpass-evidence-tenant-1.json');
  });

  it('reads a candidate policy, or a whole policy document, and names what is wrong', () => {
    const policy = { id: 'p', version: 2, rules: [] };
    expect(parseCandidate(JSON.stringify(policy))).toEqual({ policy });
    expect(parseCandidate(JSON.stringify({ policy, hash: 'h', updated_at: 'x' }))).toEqual({ policy });
    expect(parseCandidate('{')).toMatchObject({ error: expect.stringContaining('not JSON') });
    expect(parseCandidate('[]')).toMatchObject({ error: expect.stringContaining('JSON object') });
  });
});

describe('decision rows and filters', () => {
  const event = {
    v: 1 as const,
    seq: 3,
    id: 'ev_1',
    tenant_id: 'acme',
    type: 'decision',
    at: '2026-01-01T00:00:00Z',
    prev_hash: '0',
    hash: '1',
    data: {
      decision: 'allow',
      would_decision: 'deny',
      reason_code: 'refund.large_denied',
      mode: 'monitor',
      action: { tool: 'stripe.refund.create', agent_id: 'refund-bot' },
    },
  };

  it('flattens a decision event and shows what enforce would answer when it differs', () => {
    expect(decisionRow(event)).toEqual({
      tool: 'stripe.refund.create',
      decision: 'allow',
      would: 'deny',
      reason: 'refund.large_denied',
      mode: 'monitor',
      agent: 'refund-bot',
    });
  });

  it('filters on decision, mode, tool and agent', () => {
    const none = { decision: '', tool: '', agent: '', mode: '' };
    expect(matches(event, none)).toBe(true);
    expect(matches(event, { ...none, decision: 'deny' })).toBe(false);
    expect(matches(event, { ...none, mode: 'monitor', tool: 'refund' })).toBe(true);
    expect(matches(event, { ...none, agent: 'other' })).toBe(false);
  });
});

describe('report windows', () => {
  it('labels windows and picks a readable bucket', () => {
    expect(windowLabel(1)).toBe('hour');
    expect(windowLabel(24)).toBe('24 hours');
    expect(windowLabel(24 * 7)).toBe('7 days');
    expect(bucketFor(1)).toBe('minute');
    expect(bucketFor(24)).toBe('hour');
    expect(bucketFor(24 * 30)).toBe('day');
    expect(windowSince(1, Date.parse('2026-01-01T01:00:00Z'))).toBe('2026-01-01T00:00:00.000Z');
  });
});
