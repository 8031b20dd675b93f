/**
 * Finds the places in a page that would install one of our package names from a public registry, or
 * run one from it (`npx actpass`). Until a name is published by this project, such a line sends the
 * reader to whoever claims that name (on PyPI, `actpass` is already someone else's).
 */

/** Names this project has published and may be installed by name; empty until the first release. */
export const PUBLISHED: readonly string[] = [];

export interface RegistryInstall {
  line: number;
  text: string;
  name: string;
}

const INSTALLERS = [
  /\b(?:pip3?|uv pip|pipx|python3? -m pip)\s+install\s+(.*)/,
  /\b(?:poetry|uv|pdm)\s+add\s+(.*)/,
  /\bnpm\s+(?:install|i|add)\s+(.*)/,
  /\b(?:pnpm|yarn|bun)\s+add\s+(.*)/,
];
const RUNNERS = [/\bnpx\s+(.*)/, /\b(?:pnpm|yarn|bun)\s+dlx\s+(.*)/, /\bnpm\s+exec\s+(.*)/, /\bbunx\s+(.*)/];

function ours(token: string): string | null {
  const bare = token.replace(/^["'`(]+|["'`,;)]+$/g, '');
  if (/^@actpass\//.test(bare)) return bare.replace(/^(@actpass\/[^@\s]+).*$/, '$1');
  // A path or a glob of a built file is a local install, not a registry one.
  if (/^[$./~]/.test(bare) || bare.includes('/') || /\.(?:tgz|whl|tar\.gz|zip)$/.test(bare)) return null;
  const name = bare.split(/[[=<>~!@ ]/)[0]?.toLowerCase() ?? '';
  return /^actpass(?:$|[-_.])/.test(name) ? name : null;
}

function packageTokens(rest: string): string[] {
  // Stop at the end of the command (a closing backtick, a pipe, another command).
  const command = rest.split(/`|&&|\|\||;|\|/)[0] ?? '';
  const tokens = command.trim().split(/\s+/).filter(Boolean);
  const names: string[] = [];
  for (const token of tokens) {
    if (token === '--') continue;
    if (token.startsWith('-')) continue;
    if (token.startsWith('#')) break;
    names.push(token);
  }
  return names;
}

export function registryInstalls(markdown: string): RegistryInstall[] {
  const found: RegistryInstall[] = [];
  markdown.split('\n').forEach((text, index) => {
    for (const pattern of INSTALLERS) {
      const match = text.match(pattern);
      if (!match) continue;
      for (const token of packageTokens(match[1] ?? '')) {
        const name = ours(token);
        if (name && !PUBLISHED.includes(name)) found.push({ line: index + 1, text, name });
      }
    }
    for (const pattern of RUNNERS) {
      const match = text.match(pattern);
      if (!match) continue;
      // A runner fetches only its first word (the package); the rest are that program's arguments.
      const first = packageTokens(match[1] ?? '')[0];
      const name = first === undefined ? null : ours(first);
      if (name && !PUBLISHED.includes(name)) found.push({ line: index + 1, text, name });
    }
  });
  return found;
}
