/**
 * Cursor's answer: `{permission: "allow" | "deny" | "ask", user_message, agent_message}` on stdout.
 * beforeReadFile knows only allow and deny, so a hold (a person must decide in ActPass) is a deny
 * there; the reason names the approval, and a retry after it is approved is allowed. Monitor never
 * blocks: the advice goes to the user.
 */
import type { Verdict } from '../shared/verdict.js';
import type { CursorEvent } from './payload.js';

export interface CursorOutput {
  permission: 'allow' | 'deny' | 'ask';
  user_message?: string;
  agent_message?: string;
}

export function cursorOutput(verdict: Verdict, event: CursorEvent | undefined): CursorOutput {
  if (verdict.kind === 'advice') {
    return verdict.message !== undefined
      ? { permission: 'allow', user_message: verdict.message }
      : { permission: 'allow' };
  }
  const canAsk = event === 'beforeShellExecution' || event === 'beforeMCPExecution';
  const permission = verdict.permission === 'ask' && !canAsk ? 'deny' : verdict.permission;
  return { permission, user_message: verdict.reason, agent_message: verdict.reason };
}
