/**
 * What the suites ask the gateway, and what the answer must be. Actions are refunds under the dev
 * gateway's refunds pack, so the right decision is known before asking: that ground truth is what
 * "wrongly run" is measured against, independent of whatever bytes reached the client.
 */
import { ALLOWED_REFUND_AMOUNT, DENIED_REFUND_AMOUNT, REFUND_TOOL } from './constants.js';

export const SDK_MODES = ['enforce', 'strict', 'warn', 'monitor'] as const;
export type SdkMode = (typeof SDK_MODES)[number];

export interface RefundAction {
  goal: string;
  tool: string;
  resource: string;
  args: { amount: number; currency: string };
}

/** A unique goal per logical call lets the ledger be grouped by call, whatever ids travel. */
export function refundAction(goal: string, allowed: boolean): RefundAction {
  return {
    goal,
    tool: REFUND_TOOL,
    resource: `stripe:charge:ch_${goal}`,
    args: { amount: allowed ? ALLOWED_REFUND_AMOUNT : DENIED_REFUND_AMOUNT, currency: 'usd' },
  };
}

/** The decision values under which `execute` may run in each mode; monitor runs always. */
export function runnableDecisions(mode: SdkMode): readonly string[] {
  if (mode === 'warn') return ['allow', 'warn'];
  if (mode === 'monitor') return ['allow', 'deny', 'require_approval', 'require_tool_reapproval', 'warn'];
  return ['allow'];
}

/** A tool definition to approve, so strict mode (which runs approved tools only) can allow. */
export const REFUND_TOOL_DEFINITION = {
  name: REFUND_TOOL,
  description: 'Refund a charge (reliability suite).',
  input_schema: {
    type: 'object',
    properties: { amount: { type: 'integer' }, currency: { type: 'string' } },
    required: ['amount'],
  },
};

/** The goal of call `index` of a fault-matrix cell: unique per call, so the ledger groups by call. */
export function cellGoal(runId: string, fault: string, mode: string, index: number): string {
  return `${runId}-${fault}-${mode}-${index}`;
}

/**
 * Approves the refund tool and issues one single-use passport per goal, straight at the gateway: a
 * passport binds its goal, so each is issued for the call that will present it.
 */
export async function prepareStrict(
  baseUrl: string,
  keys: { agent: string; admin: string },
  goals: readonly string[],
) {
  await call(baseUrl, 'PUT', `/api/v1/tools/${REFUND_TOOL}`, keys.admin, REFUND_TOOL_DEFINITION);
  const tokens: string[] = [];
  for (const goal of goals) {
    const issued = (await call(baseUrl, 'POST', '/api/v1/passports', keys.agent, {
      audience: 'reliability',
      goal,
      allowed_tools: [REFUND_TOOL],
      ttl_seconds: 3600,
    })) as { token: string };
    tokens.push(issued.token);
  }
  return tokens;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}
