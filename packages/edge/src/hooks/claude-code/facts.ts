/**
 * The facts of a Claude Code tool call (what it reads, writes, deletes, runs and reaches), derived in
 * `../facts/` from a parse of Bash commands and from the inputs of the file, web and MCP tools.
 */
export { isSecretPath } from '../facts/paths.js';
export { shellFacts } from '../facts/shell-facts.js';
export { toolFacts } from '../facts/tool-facts.js';
export type { GitFact, ToolFacts } from '../facts/types.js';
