/**
 * Paths as the file system will see them: `~` is the home directory, `..` is folded, and symbolic links
 * are followed through the longest part of the path that exists (a link inside the workspace that
 * points elsewhere leads elsewhere). Workspace checks compare resolved paths only.
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface PathScope {
  workspace: string;
  home: string;
}

export function defaultHome(env: Record<string, string | undefined> = process.env): string {
  return env.HOME || homedir();
}

/** Absolute, `..`-free, symlink-resolved where the path (or a parent) exists. */
export function resolvePath(path: string, base: string, home: string): string {
  let expanded = path;
  if (path === '~' || path.startsWith('~/')) expanded = home + path.slice(1);
  const absolute = isAbsolute(expanded) ? resolve(expanded) : resolve(base, expanded);
  return followLinks(absolute);
}

function followLinks(absolute: string): string {
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync.native(existing);
      return rest.length === 0 ? real : join(real, ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      rest.push(existing.slice(parent.length).replace(/^[/\\]+/, ''));
      existing = parent;
    }
  }
}

export function resolvedWorkspace(workspace: string): string {
  return followLinks(resolve(workspace));
}

/** True when the resolved `path` lies inside the resolved workspace (the workspace itself included). */
export function insideWorkspace(resolvedPath: string, resolvedWorkspaceRoot: string): boolean {
  const rel = relative(resolvedWorkspaceRoot, resolvedPath);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Device files a write to is harmless (output thrown away or shown). */
const HARMLESS_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty', '/dev/zero']);

export function isHarmlessDevice(path: string): boolean {
  return (
    HARMLESS_DEVICES.has(path) || /^\/dev\/fd\/[0-9]+$/.test(path) || /^\/proc\/self\/fd\/[0-9]+$/.test(path)
  );
}

const SECRET_NAMES = [
  /(^|\/)\.env(\.[^/]*)?$/,
  /(^|\/)\.envrc$/,
  /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/,
  /\.(pem|key|p12|pfx|jks|keystore|kdbx)$/,
  /(^|\/)\.aws\/(credentials|config)$/,
  /(^|\/)\.ssh(\/|$)/,
  /(^|\/)\.gnupg(\/|$)/,
  /(^|\/)\.aws\/?$/,
  /(^|\/)\.kube\/config$/,
  /(^|\/)\.config\/gcloud\//,
  /(^|\/)\.azure\//,
  /(^|\/)\.npmrc$/,
  /(^|\/)\.yarnrc(\.yml)?$/,
  /(^|\/)\.netrc$/,
  /(^|\/)\.pgpass$/,
  /(^|\/)\.pypirc$/,
  /(^|\/)\.git-credentials$/,
  /(^|\/)\.docker\/config\.json$/,
  /(^|\/)\.config\/gh\/hosts\.yml$/,
  /(^|\/)\.terraformrc$/,
  /(^|\/)terraform\.tfstate(\.backup)?$/,
  /(^|\/)secrets?(\.[a-z]+)?$/,
  /(^|\/)credentials(\.[a-z]+)?$/,
  /(^|\/)\.actpass\//,
];

/** Example and template files are documentation, not secrets. */
const NOT_SECRET = /(^|\/)\.env\.(example|sample|template|dist|defaults)$/;

export function isSecretPath(path: string): boolean {
  const normal = path.replace(/\\/g, '/');
  return !NOT_SECRET.test(normal) && SECRET_NAMES.some((pattern) => pattern.test(normal));
}
