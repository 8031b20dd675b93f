/**
 * Cursor and Gemini CLI hook payloads as the agents send them on stdin, for the hook tests that run
 * in-process and those that run `actpass-hook` and `actpass hook` as real processes. Every call gets a
 * conversation (session) of its own unless one is named, so flow labels never leak between cases.
 */
export function agentPayloads(workspace: string) {
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}-${++counter}`;

  const cursorShell = (command: string, conversation = fresh('conv')) =>
    JSON.stringify({
      conversation_id: conversation,
      generation_id: 'gen-1',
      hook_event_name: 'beforeShellExecution',
      workspace_roots: [workspace],
      command,
      cwd: workspace,
    });
  const cursorRead = (file_path: string, conversation: string) =>
    JSON.stringify({
      conversation_id: conversation,
      generation_id: 'gen-2',
      hook_event_name: 'beforeReadFile',
      workspace_roots: [workspace],
      file_path,
      content: 'SECRET=never-forwarded',
    });
  const cursorMcp = (tool_name: string, tool_input: unknown, conversation = fresh('conv')) =>
    JSON.stringify({
      conversation_id: conversation,
      hook_event_name: 'beforeMCPExecution',
      workspace_roots: [workspace],
      tool_name,
      tool_input,
      command: 'npx @modelcontextprotocol/server-filesystem',
    });
  const gemini = (tool_name: string, tool_input: unknown, session = fresh('gem'), extra: object = {}) =>
    JSON.stringify({
      session_id: session,
      cwd: workspace,
      hook_event_name: 'BeforeTool',
      timestamp: '2026-12-06T07:00:00Z',
      tool_name,
      tool_input,
      ...extra,
    });
  const geminiShell = (command: string, session?: string) =>
    gemini('run_shell_command', { command, description: 'run' }, session);

  return { fresh, cursorShell, cursorRead, cursorMcp, gemini, geminiShell };
}
