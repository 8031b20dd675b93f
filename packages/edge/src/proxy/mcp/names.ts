/**
 * Tool names as the proxy exposes them. The gateway takes tool names as dot-separated segments of
 * `[A-Za-z0-9_-]+`, and the proxy lists upstream tools as `<server>.<tool>` (preflight tool
 * `mcp.<server>.<tool>`). An upstream tool name with any other character (a dot included, so the
 * name stays two segments) has each such character replaced by `_`; when that makes two names equal,
 * the later ones get `_2`, `_3`… in listing order. The mapping back to the upstream's own name is kept.
 */
const OTHER = /[^A-Za-z0-9_-]/g;

export function sanitizeToolName(name: string): string {
  const cleaned = name.replace(OTHER, '_');
  return cleaned === '' ? '_' : cleaned;
}

/** Exposed name → upstream name, for one server's listing. */
export function mapToolNames(server: string, upstreamNames: readonly string[]): Map<string, string> {
  const mapped = new Map<string, string>();
  for (const name of upstreamNames) {
    const base = `${server}.${sanitizeToolName(name)}`;
    let exposed = base;
    for (let n = 2; mapped.has(exposed); n++) exposed = `${base}_${n}`;
    mapped.set(exposed, name);
  }
  return mapped;
}

/** The tool a preflight names for an exposed tool. */
export function gatewayToolName(exposed: string): string {
  return `mcp.${exposed}`;
}
