/**
 * `actpass mcp wrap`: rewrites a Claude Desktop / Cursor MCP client config (`{"mcpServers": {...}}`) so
 * that every server goes through the enforcing MCP proxy. The servers move, unchanged, into the proxy's
 * config; the client keeps a single `actpass` entry that launches the proxy over stdio. Wrapping a
 * config that is already wrapped changes nothing.
 */
export interface WrapResult {
  /** The client config after wrapping. */
  client: Record<string, unknown>;
  /** The proxy config holding the original servers (null when there was nothing to wrap). */
  proxy: Record<string, unknown> | null;
  wrapped: string[];
}

export const WRAPPED_ENTRY = 'actpass';

export function wrapClientConfig(config: unknown, proxyConfigPath: string, command = 'actpass'): WrapResult {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new TypeError('the MCP client config must be a JSON object with mcpServers');
  }
  const root = config as Record<string, unknown>;
  const servers = root.mcpServers;
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    throw new TypeError('mcpServers: missing or not an object; is this a Claude Desktop or Cursor config?');
  }
  const entries = Object.entries(servers as Record<string, Record<string, unknown>>).filter(
    ([name]) => name !== WRAPPED_ENTRY,
  );
  if (entries.length === 0) return { client: root, proxy: null, wrapped: [] };
  const proxyServers: Record<string, unknown> = {};
  for (const [name, server] of entries) {
    const safe = name.replace(/[^A-Za-z0-9_-]/g, '_');
    const { type: _type, ...rest } = server ?? {};
    proxyServers[safe] = rest;
  }
  const client = {
    ...root,
    mcpServers: {
      [WRAPPED_ENTRY]: { command, args: ['mcp', 'serve', '--config', proxyConfigPath] },
    },
  };
  return {
    client,
    proxy: { version: 1, unapproved: 'hold', servers: proxyServers },
    wrapped: entries.map(([n]) => n),
  };
}

/** A line diff (longest common subsequence), `-`/`+`/` ` prefixed, for showing what wrap changes. */
export function lineDiff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      (lcs[i] as number[])[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (
      j < b.length &&
      (i >= a.length || ((lcs[i] as number[])[j + 1] as number) >= ((lcs[i + 1] as number[])[j] as number))
    ) {
      out.push(`+ ${b[j]}`);
      j++;
    } else {
      out.push(`- ${a[i]}`);
      i++;
    }
  }
  return out.join('\n');
}
