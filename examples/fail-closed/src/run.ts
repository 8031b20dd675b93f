/**
 * What happens when ActPass itself is in trouble. The gateway is served on loopback, one guarded call
 * goes through, then the gateway stops mid-run:
 *
 *   enforce → the SDK decides `deny` itself (`client.unreachable`) and `execute` does not run;
 *   monitor → the same client-made decision, `enforced: false`, and `execute` runs (observe only).
 *
 * Finally a gateway that accepts the connection but never answers: `client.timeout`.
 * `guard()` never throws for any of this: the outcome is always a decision.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDevGateway } from '@actpass/gateway';
import { ActPass, type Mode } from '@actpass/sdk';

export interface Outcome {
  step: string;
  decision: string;
  reason_code: string;
  source: string;
  enforced: boolean;
  executed: boolean;
}

export interface Summary {
  outcomes: Outcome[];
}

const REFUND = {
  goal: 'resolve_refund_request',
  tool: 'stripe.refund.create',
  resource: 'stripe:charge:ch_123',
  args: { amount: 4900, currency: 'usd' },
};

export async function run(print: (line: string) => void): Promise<Summary> {
  const outcomes: Outcome[] = [];
  const guarded = async (step: string, client: ActPass, mode: Mode) => {
    const { decision, executed } = await client.guard({ ...REFUND, mode, execute: async () => 're_1' });
    const outcome = {
      step,
      decision: decision.decision,
      reason_code: decision.reason_code,
      source: decision.source,
      enforced: decision.enforced,
      executed,
    };
    outcomes.push(outcome);
    print(
      `  ${step.padEnd(30)} ${mode.padEnd(8)} → ${decision.decision} (${decision.reason_code}) ` +
        `source=${decision.source} enforced=${decision.enforced} ${executed ? 'EXECUTED' : 'not executed'}`,
    );
  };

  // 1. A real gateway on a loopback port.
  const { gateway, keys } = createDevGateway();
  const server = await gateway.listen({ host: '127.0.0.1', port: 0 });
  const client = new ActPass({
    apiKey: keys.agent,
    tenantId: keys.tenantId,
    agentId: 'support_agent',
    baseUrl: server.url,
    // No retries, so a dead gateway is reported at once (by default the SDK retries twice, with backoff).
    maxRetries: 0,
    logger: {}, // the transcript prints the decisions; keep the SDK's own warnings out of it
  });
  print(`gateway listening on ${server.url}`);
  try {
    await guarded('gateway up', client, 'enforce');

    // 2. The gateway goes away mid-run.
    await gateway.close();
    print('gateway stopped');
    await guarded('gateway down', client, 'enforce');
    await guarded('gateway down', client, 'monitor');
  } finally {
    await gateway.close();
  }

  // 3. A gateway that hangs: the connection is accepted, no answer ever comes.
  const hanging = await hangingServer();
  const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  print(`\na server that never answers, on ${url}; timeout 200 ms per attempt`);
  const impatient = new ActPass({
    apiKey: keys.agent,
    baseUrl: url,
    timeoutMs: 200,
    maxRetries: 0,
    logger: {},
  });
  try {
    await guarded('gateway hangs', impatient, 'enforce');
  } finally {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  }
  return { outcomes };
}

function hangingServer(): Promise<Server> {
  const server = createServer(() => {
    /* never respond */
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
