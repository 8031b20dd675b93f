import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayProcess, gatewayCli } from '../src/gateway-process.js';

/**
 * Why the served-gateway suites cannot run here, or undefined when they can. In CI a missing CLI is a
 * failure (CI builds before testing), so the reason is only used to skip outside CI.
 */
export function servedGatewayUnavailable(): string | undefined {
  const cli = gatewayCli();
  if (!('missing' in cli)) return undefined;
  if (process.env.CI === 'true') throw new Error(cli.missing);
  return cli.missing;
}

export interface ServedGateway {
  gateway: GatewayProcess;
  dir: string;
  dispose(): Promise<void>;
}

export async function serveGateway(options: { databaseUrl?: string } = {}): Promise<ServedGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-reliability-'));
  const gateway = new GatewayProcess({ dir, ...options });
  await gateway.start();
  return {
    gateway,
    dir,
    async dispose() {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
