/**
 * Which suspension, if any, covers an action: the tenant first, then the agent, the user and the tool,
 * so the reason names the widest stop in force. Pure: the service hands it the active list.
 */
import { toolGlobMatch } from '../policy/index.js';
import type { SuspensionRecord, SuspensionScope } from '../store/types.js';

export interface SuspendableAction {
  agent_id: string | null;
  user_id: string | null;
  tool: string;
}

const ORDER: readonly SuspensionScope[] = ['tenant', 'agent', 'user', 'tool'];

export function coveringSuspension(
  active: readonly SuspensionRecord[],
  action: SuspendableAction,
): SuspensionRecord | undefined {
  for (const scope of ORDER) {
    const found = active.find((record) => record.scope === scope && covers(record, action));
    if (found) return found;
  }
  return undefined;
}

function covers(record: SuspensionRecord, action: SuspendableAction): boolean {
  switch (record.scope) {
    case 'tenant':
      return true;
    case 'agent':
      return action.agent_id === record.match;
    case 'user':
      return action.user_id === record.match;
    case 'tool':
      // Exact names too: a tool named outside the glob alphabet (`fs/read`) is still matched literally.
      return record.match === action.tool || toolGlobMatch(record.match, action.tool);
  }
}

/** The reason code a covered preflight answers with. */
export function suspendedReason(scope: SuspensionScope): string {
  return `suspended.${scope}`;
}
