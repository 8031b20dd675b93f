/**
 * The edge's commands (`hook claude-code`, `proxy`, `mcp serve|wrap`, `exposure`, `egress check`) and the small
 * plumbing every ActPass command shares (argument parsing, exit codes, terminal-safe output). The
 * `actpass` CLI in `@actpass/gateway` composes these with the gateway's own commands; `actpass-edge`
 * runs them alone, for machines that enforce without hosting a gateway.
 */
export { type FlagSpec, type ParsedArgs, parseCommandArgs } from './args.js';
export { readYamlFile } from './config-file.js';
export { egressCheck } from './egress.js';
export { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, UsageError } from './errors.js';
export { exposure } from './exposure.js';
export { hookClaudeCode } from './hook.js';
export { hookCursor, hookGemini } from './hook-agents.js';
export { lineColumn, type Output, parseJsonText, readJsonFile, readTextFile, stdio } from './io.js';
export { mcpServe, mcpWrap } from './mcp.js';
export { proxy } from './proxy.js';
export { clean, safeJson, table } from './terminal.js';
