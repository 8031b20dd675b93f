/**
 * The preflight a proxied request asks for. Goal and user come from the route; the agent's
 * `x-actpass-goal` / `x-actpass-user-id` are taken only where the route's `agent_may_set` lists them,
 * and are then recorded as the agent's own claim (`context.agent_asserted`), which policies can test.
 * Elsewhere they are refused, so an agent cannot pick the goal a policy or passport is judged by.
 * Every preflight names the session (`x-actpass-session`, else one per agent key) and the route's flow
 * labels, which the gateway accepts from a proxy only.
 */
import type { PreflightParams } from '@actpass/sdk';
import {
  PROXY_CONTEXT_AGENT_ASSERTED,
  PROXY_HEADER_APPROVAL,
  PROXY_HEADER_GOAL,
  PROXY_HEADER_PASSPORT,
  PROXY_HEADER_USER,
} from '../../constants.js';
import { SESSION_HEADER, sessionFromHeader } from '../../flow/index.js';
import type { ActionPlan } from './action.js';
import type { RouteConfig } from './config.js';

export type PreflightInput =
  | { ok: true; input: PreflightParams }
  | { ok: false; header: string; message: string };

export function preflightInput(
  route: RouteConfig,
  plan: ActionPlan,
  header: (name: string) => string | null,
  agentKey: string,
): PreflightInput {
  // The session: the agent's x-actpass-session, else one per agent key. Its labels are the gateway's;
  // what the call is (the route's flow labels) is the operator's.
  const sessionId = sessionFromHeader(header(SESSION_HEADER), agentKey);
  if (sessionId === null)
    return {
      ok: false,
      header: SESSION_HEADER,
      message: `the ${SESSION_HEADER} header must be 1-128 characters of letters, digits and ._:@/+=-; send a session id such as a UUID.`,
    };
  const asserted: string[] = [];
  const claimed = (
    name: string,
    allowed: boolean,
    field: string,
    key: string,
  ): string | null | PreflightInput => {
    const value = header(name);
    if (value === null) return null;
    if (!allowed) {
      return {
        ok: false,
        header: name,
        message: `the ${name} header is refused: this route sets the ${field} itself. Leave the header out (or the route may allow it with agent_may_set: [${key}]).`,
      };
    }
    asserted.push(key);
    return value;
  };
  const goal = claimed(PROXY_HEADER_GOAL, route.agentMaySet.goal, 'goal', 'goal');
  if (goal !== null && typeof goal !== 'string') return goal;
  const user = claimed(PROXY_HEADER_USER, route.agentMaySet.userId, 'user', 'user_id');
  if (user !== null && typeof user !== 'string') return user;
  const userId = user ?? route.userId;
  const input: PreflightParams = {
    goal: goal ?? route.goal ?? route.tool,
    tool: plan.tool,
    args: plan.args as PreflightParams['args'],
    mode: 'enforce',
    ...(plan.resource !== undefined ? { resource: plan.resource } : {}),
    ...optional('passport', header(PROXY_HEADER_PASSPORT)),
    ...optional('approval_request_id', header(PROXY_HEADER_APPROVAL)),
    ...optional('user_id', userId),
    context: {
      ...(asserted.length > 0 ? { [PROXY_CONTEXT_AGENT_ASSERTED]: asserted } : {}),
      session: { id: sessionId, categories: route.flow },
    },
  };
  return { ok: true, input };
}

function optional(name: string, value: string | null): Record<string, string> {
  return value === null || value === '' ? {} : { [name]: value };
}
