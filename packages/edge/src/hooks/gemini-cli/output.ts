/**
 * Gemini CLI's answer to BeforeTool: `{decision: "allow" | "deny", reason}` on stdout, exit 0. A hold
 * (a person must decide in ActPass) is a deny whose reason names the approval: Gemini CLI's own
 * confirmation is not ActPass's approval, and a retry after the approval is granted is allowed.
 * Monitor never blocks: the advice goes in `systemMessage`.
 */
import type { Verdict } from '../shared/verdict.js';

export interface GeminiOutput {
  decision: 'allow' | 'deny';
  reason?: string;
  systemMessage?: string;
}

export function geminiOutput(verdict: Verdict): GeminiOutput {
  if (verdict.kind === 'advice') {
    return verdict.message !== undefined
      ? { decision: 'allow', systemMessage: verdict.message }
      : { decision: 'allow' };
  }
  return { decision: verdict.permission === 'allow' ? 'allow' : 'deny', reason: verdict.reason };
}
