import { describe, expect, it } from 'vitest';
import { createGateway, GatewayConfigError } from '../../src/index.js';

describe('createGateway configuration', () => {
  it('names every mistake with its path before serving anything', () => {
    const attempt = () =>
      createGateway({
        tenants: [{ id: 'acme', policy: 'refundz' }, { id: 'acme' }],
        apiKeys: [
          { key: 'k1', tenantId: 'nobody', roles: ['agent'] },
          { key: 'k2', keyHash: 'ab', tenantId: 'acme', roles: [] },
        ],
      });
    expect(attempt).toThrow(GatewayConfigError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('config.tenants[0].policy: unknown pack "refundz"');
    expect(message).toContain('config.tenants[1].id: "acme" is listed twice.');
    expect(message).toContain('config.apiKeys[0].tenantId: "nobody" is not in config.tenants.');
    expect(message).toContain('config.apiKeys[1]: give exactly one of key or keyHash.');
    expect(message).toContain('config.apiKeys[1].roles: must be a non-empty list');
  });

  it('refuses an invalid policy object, naming the rule path', () => {
    expect(() =>
      createGateway({
        tenants: [
          {
            id: 't',
            policy: { id: 'p', version: 1, rules: [{ id: 'r', decision: 'maybe', reason: 'a.b' }] },
          },
        ],
        apiKeys: [],
      }),
    ).toThrow(/config\.tenants\[0\]\.policy\.rules\[0\]\.decision/);
  });
});
