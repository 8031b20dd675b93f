/**
 * `@actpass/edge`: where ActPass meets real agents. The enforcing REST and MCP proxies, the
 * coding-agent hooks and the exposure scan ask a gateway for every decision through `@actpass/sdk`,
 * as a policy enforcement point asks its decision point; nothing here stores or decides.
 */
export * from './exposure/index.js';
export {
  type HookMode,
  type HookOptions,
  type HookOutput,
  runClaudeCodeHook,
} from './hooks/claude-code/hook.js';
export { GatewayLink, type GatewayLinkOptions } from './proxy/gateway-link.js';
export {
  createMcpProxy,
  McpConfigError,
  type McpProxy,
  type McpProxyOptions,
  parseMcpProxyConfig,
} from './proxy/mcp/index.js';
export {
  createRestProxy,
  ProxyConfigError,
  type ProxyLogger,
  parseRestProxyConfig,
  type RestProxy,
  type RestProxyConfig,
  type RestProxyOptions,
} from './proxy/rest/index.js';
export { blankUnsafe, escapeUnsafe, escapeUnsafeInJson } from './text/index.js';
