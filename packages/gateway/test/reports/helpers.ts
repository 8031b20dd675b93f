/**
 * Seeded traffic for the report and what-if tests: a clock the test moves, and a recorder around
 * every store that notes each method called, so a test can prove an operation wrote nothing.
 */
import { createMemoryStores } from '../../src/store/index.js';
import type { GatewayStores } from '../../src/store/types.js';
import { refund, type TestGateway, testGateway } from '../http/helpers.js';

export const T0 = Date.parse('2026-11-23T00:10:00.000Z');
export const HOUR = 3_600_000;

export interface SeededGateway extends TestGateway {
  setNow(ms: number): void;
  /** `store.method` names called since the last `calls.length = 0`. */
  calls: string[];
}

export function seededGateway(options: { dir?: string } = {}): SeededGateway {
  let now = T0;
  const calls: string[] = [];
  const clock = () => now;
  const stores = options.dir ? undefined : recording(createMemoryStores({ nowMs: clock }), calls);
  const test = testGateway({
    clock,
    ...(stores ? { stores } : {}),
    ...(options.dir ? { dir: options.dir } : {}),
  });
  return Object.assign(test, { setNow: (ms: number) => (now = ms), calls });
}

/**
 * The seeded traffic, all refunds under the refunds pack:
 *   00:10 monitor 5 000 (allow) · monitor 20 000 (require_approval) · monitor 90 000 (deny)
 *   01:20 warn 90 000 (warn; enforce: deny) · enforce 90 000 (deny) · strict without a passport (deny, held by a what-if)
 */
export async function seedTraffic(gw: SeededGateway): Promise<void> {
  const { call, keys } = gw;
  const preflight = (body: Record<string, unknown>) =>
    call('POST', '/api/v1/actions/preflight', { key: keys.agent, body });
  gw.setNow(T0);
  await preflight(refund(5000, { mode: 'monitor', agent_id: 'refund-bot' }));
  await preflight(refund(20000, { mode: 'monitor', agent_id: 'refund-bot' }));
  await preflight(
    refund(90000, { mode: 'monitor', agent_id: 'refund-bot', context: { source: 'untrusted' } }),
  );
  gw.setNow(T0 + HOUR + 10 * 60_000);
  await preflight(refund(90000, { mode: 'warn', agent_id: 'other-bot' }));
  await preflight(refund(90000, { agent_id: 'other-bot' }));
  await preflight(refund(3000, { agent_id: 'other-bot', mode: 'strict' }));
  // Another tenant's traffic must never show up.
  await call('POST', '/api/v1/actions/preflight', {
    key: gw.other.agent,
    body: refund(90000, { mode: 'monitor' }),
  });
}

function recording(stores: GatewayStores, calls: string[]): GatewayStores {
  const wrapped: Record<string, unknown> = {};
  for (const [name, store] of Object.entries(stores)) {
    wrapped[name] = new Proxy(store as object, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(property)}`);
          return value.apply(target, args);
        };
      },
    });
  }
  return wrapped as unknown as GatewayStores;
}
