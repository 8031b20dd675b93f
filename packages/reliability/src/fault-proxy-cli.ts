/**
 * The fault proxy as a process, so suites in other languages drive the same implementation:
 *
 *   tsx src/fault-proxy-cli.ts --target http://127.0.0.1:PORT [--mode pass] [--fault-rate 1] [--seed 1] --json
 *
 * stdout, one JSON object per line: first `{"ready":true,"url":…}`, then `{"event":"request",…}` for
 * every forwarded request and `{"event":"fault",…}` for every fault. stdin takes one JSON object per
 * line to reconfigure (`{"mode":"reset","faultRate":0.5,"seed":3}`), answered by
 * `{"event":"configured",…}` once it applies, so a driver can switch modes without restarting.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type FaultConfig, type FaultMode, FaultProxy } from './fault-proxy.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    mode: { type: 'string', default: 'pass' },
    'fault-rate': { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    port: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});

if (!values.target) {
  process.stderr.write('fault-proxy: --target URL is required\n');
  process.exit(2);
}

const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const proxy = await FaultProxy.start({
  target: values.target,
  mode: values.mode as FaultMode,
  faultRate: Number(values['fault-rate']),
  seed: Number(values.seed),
  port: Number(values.port),
  onRequest: (request) => emit({ event: 'request', ...request }),
  onFault: (fault) => emit({ event: 'fault', ...fault }),
});
emit({ ready: true, url: proxy.url, ...proxy.config });

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  try {
    proxy.configure(JSON.parse(line) as Partial<FaultConfig>);
    emit({ event: 'configured', ...proxy.config });
  } catch (error) {
    emit({ event: 'error', message: (error as Error).message });
  }
});
// The driver closing stdin (or dying) ends the proxy: no orphan listening on loopback.
process.stdin.on('end', () => {
  void proxy.close().then(() => process.exit(0));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void proxy.close().then(() => process.exit(0)));
}
