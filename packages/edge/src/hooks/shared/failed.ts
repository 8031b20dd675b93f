/**
 * Each agent's answer when the hook could not decide at all: its own "do not run" shape, printed with
 * exit 0. Claude Code, Cursor and Gemini CLI all run the tool after a hook exits with anything but
 * their blocking code, so a failure is never an exit code; it is this JSON. `bin/actpass-hook.js`
 * repeats these shapes (it runs before any bundle loads); a test holds the two together.
 */
export const FAILED_REASON = 'ActPass hook.failed: the hook could not decide, so the tool does not run.';

export type HookAgent = 'claude-code' | 'cursor' | 'gemini-cli';

export function failedAnswer(agent: HookAgent, reason: string = FAILED_REASON): object {
  switch (agent) {
    case 'cursor':
      return { permission: 'deny', user_message: reason, agent_message: reason };
    case 'gemini-cli':
      return { decision: 'deny', reason };
    default:
      return {
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'deny',
          permissionDecisionReason: reason,
        },
      };
  }
}
