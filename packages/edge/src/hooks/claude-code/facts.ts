/**
 * What a Claude Code tool call would do, in facts a policy can test without regular expressions
 * (SPEC §5 has none): force-pushes to a protected branch, recursive deletes and writes outside the
 * workspace, secret reads, network egress. The shell reading is deliberately simple and errs towards
 * reporting: a command is split on `;`, `&&`, `||`, `|` and whitespace, quotes removed.
 */
import { isAbsolute, normalize, relative, resolve } from 'node:path';

export interface ToolFacts {
  force_push?: boolean;
  force_push_protected?: boolean;
  recursive_delete?: boolean;
  recursive_delete_outside_workspace?: boolean;
  write_outside_workspace?: boolean;
  secret_read?: boolean;
  network_egress?: boolean;
}

const PROTECTED_BRANCHES = new Set(['main', 'master']);
const EGRESS_COMMANDS = new Set([
  'curl',
  'wget',
  'nc',
  'ncat',
  'netcat',
  'scp',
  'sftp',
  'rsync',
  'ssh',
  'ftp',
  'telnet',
  'socat',
]);
const READ_COMMANDS = new Set([
  'cat',
  'less',
  'more',
  'head',
  'tail',
  'grep',
  'cp',
  'base64',
  'xxd',
  'strings',
  'source',
  '.',
]);
const SECRET_NAMES = [
  /(^|\/)\.env(\.[^/]*)?$/,
  /(^|\/)id_(rsa|dsa|ecdsa|ed25519)$/,
  /\.pem$/,
  /\.key$/,
  /(^|\/)\.aws\/credentials$/,
  /(^|\/)\.ssh\//,
  /(^|\/)\.npmrc$/,
  /(^|\/)\.netrc$/,
  /(^|\/)\.pypirc$/,
  /(^|\/)\.docker\/config\.json$/,
  /(^|\/)secrets?(\.[a-z]+)?$/,
  /(^|\/)credentials(\.[a-z]+)?$/,
];

export function isSecretPath(path: string): boolean {
  return SECRET_NAMES.some((pattern) => pattern.test(path.replace(/\\/g, '/')));
}

/** True when `path` (absolute, or relative to the workspace; `~` is outside) leaves the workspace. */
export function outsideWorkspace(path: string, workspace: string): boolean {
  if (path.startsWith('~') || path.startsWith('$')) return true;
  const absolute = isAbsolute(path) ? normalize(path) : resolve(workspace, path);
  const rel = relative(resolve(workspace), absolute);
  return rel === '..' || rel.startsWith('../') || isAbsolute(rel);
}

function commands(line: string): string[][] {
  return line
    .split(/;|&&|\|\||\||\n/)
    .map((part) =>
      part
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((word) => word.replace(/^['"]|['"]$/g, '')),
    )
    .filter((words) => words.length > 0);
}

export function shellFacts(command: string, workspace: string): ToolFacts {
  const facts: ToolFacts = {};
  for (const words of commands(command)) {
    const [program = '', ...rest] = words[0] === 'sudo' || words[0] === 'env' ? words.slice(1) : words;
    const base = program.split('/').at(-1) ?? program;
    if (base === 'git' && rest[0] === 'push') {
      const args = rest.slice(1);
      const force = args.some(
        (a) =>
          a === '-f' ||
          a === '--force' ||
          a.startsWith('--force-with-lease') ||
          a.startsWith('+') ||
          /^-[a-z]*f/.test(a),
      );
      if (force) {
        facts.force_push = true;
        const refs = args.filter((a) => !a.startsWith('-'));
        const branches = refs.slice(1).map((ref) => ref.replace(/^\+/, '').split(':').at(-1) as string);
        if (
          branches.length === 0 ||
          branches.some((b) => PROTECTED_BRANCHES.has(b.replace(/^refs\/heads\//, '')))
        ) {
          // A force-push naming no branch pushes the current one, which may well be main.
          facts.force_push_protected = true;
        }
      }
    }
    if (base === 'rm') {
      const flags = rest.filter((a) => a.startsWith('-'));
      if (flags.some((f) => f === '--recursive' || (/^-[a-zA-Z]+$/.test(f) && /[rR]/.test(f)))) {
        facts.recursive_delete = true;
        const targets = rest.filter((a) => !a.startsWith('-'));
        if (targets.some((t) => t === '*' || t === '/' || outsideWorkspace(t, workspace)))
          facts.recursive_delete_outside_workspace = true;
      }
    }
    if (EGRESS_COMMANDS.has(base) || rest.some((a) => /^https?:\/\//.test(a))) facts.network_egress = true;
    if ((READ_COMMANDS.has(base) || base === 'git') && rest.some((a) => isSecretPath(a)))
      facts.secret_read = true;
    for (const target of redirectTargets(words)) {
      if (outsideWorkspace(target, workspace)) facts.write_outside_workspace = true;
    }
  }
  return facts;
}

/** Files a command writes by redirection: `> f`, `>> f`, `>f`, `2> f`, and `tee f`. */
function redirectTargets(words: readonly string[]): string[] {
  const targets: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const redirect = /^[0-9&]?>>?(.*)$/.exec(word);
    if (redirect) {
      const target = redirect[1] !== '' ? redirect[1] : words[i + 1];
      if (target && !target.startsWith('&')) targets.push(target);
    } else if (word === 'tee') {
      targets.push(...words.slice(i + 1).filter((w) => !w.startsWith('-')));
    }
  }
  return targets;
}

/**
 * The facts of one Claude Code tool call, by tool; the hook puts them in `context.facts`. Async because
 * the shell parser loads its grammar on first use.
 */
export async function toolFacts(
  toolName: string,
  input: Record<string, unknown>,
  workspace: string,
): Promise<ToolFacts> {
  const str = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : '');
  switch (toolName) {
    case 'Bash':
      return shellFacts(str('command'), workspace);
    case 'Edit':
    case 'MultiEdit':
    case 'Write':
    case 'NotebookEdit': {
      const path = str('file_path') || str('notebook_path');
      return outsideWorkspace(path, workspace) ? { write_outside_workspace: true } : {};
    }
    case 'Read':
      return isSecretPath(str('file_path')) ? { secret_read: true } : {};
    case 'WebFetch':
    case 'WebSearch':
      return { network_egress: true };
    default:
      return {};
  }
}
