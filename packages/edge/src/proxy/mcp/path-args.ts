/**
 * Path-taking arguments refuse `..` before any decision. A policy can test containment
 * (`path_within`), but only lexically: the gateway cannot see that `allowed/link/..` climbs out through
 * a symlink, nor how a Windows server splits `a\..\b`. A file tool never needs `..`, so the proxy
 * refuses any string argument marked as a path (or any string in a list under such a name) that has a
 * `..` segment (split on `/` and `\`; `.. ` and `...` count, as Windows trims them to `..`) or a NUL,
 * and the upstream never sees it.
 */
import type { PathArgs } from './config-fields.js';

export interface PathRefusal {
  argument: string;
  reason: string;
}

/** The first path argument that must be refused, or null when every one is acceptable. */
export function refusePathEscape(
  pathArgs: PathArgs,
  tool: string,
  args: Readonly<Record<string, unknown>>,
): PathRefusal | null {
  const names = pathArgs.get(tool) ?? pathArgs.get('*') ?? [];
  for (const name of names) {
    if (!Object.hasOwn(args, name)) continue;
    const value = args[name];
    const values = Array.isArray(value) ? value : [value];
    for (const candidate of values) {
      if (typeof candidate !== 'string') continue;
      const reason = escapeReason(candidate);
      if (reason) return { argument: name, reason };
    }
  }
  return null;
}

// `..` itself, and `..` followed only by dots or spaces, which Windows trims back to `..`.
const PARENT_SEGMENT = /^\.\.[. ]*$/;

function escapeReason(path: string): string | null {
  if (path.includes('\u0000')) return 'contains a NUL character';
  if (path.split(/[\\/]/).some((segment) => PARENT_SEGMENT.test(segment))) return 'contains a ".." segment';
  return null;
}

/** Why a resource URI must be refused (a `..` segment, raw or percent-encoded, or a NUL), or null. */
export function uriEscapeReason(uri: string): string | null {
  let decoded = uri;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    return 'has a broken percent-encoding';
  }
  return escapeReason(uri) ?? escapeReason(decoded);
}
