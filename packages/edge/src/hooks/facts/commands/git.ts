/**
 * git, with its global options read before the subcommand (`git -C . push -f origin main`,
 * `git -c x=y push --force`). Force-pushes (including `+ref`, `--mirror` and deleting a protected
 * branch), `git clean` outside the workspace, and options that make git run a program
 * (`-c core.sshCommand=…`, `--upload-pack`, `ext::` URLs) become facts.
 */
import type { Word } from '../../shell/words.js';
import type { Analyser, Findings, Verdict } from '../findings.js';
import { has, parseOptions, valuesOf } from '../options.js';

const PROTECTED_BRANCHES = new Set(['main', 'master']);

/** `-c` settings that cannot make git run anything. */
const HARMLESS_CONFIG =
  /^(color\.[a-z.]+|advice\.[a-z.]+|user\.(name|email)|core\.quotepath|init\.defaultbranch|commit\.gpgsign|log\.[a-z.]+|column\.ui|pull\.rebase|merge\.ff|push\.default|safe\.directory)=/i;

const READ_ONLY = new Set([
  'status',
  'diff',
  'log',
  'show',
  'blame',
  'rev-parse',
  'ls-files',
  'ls-tree',
  'cat-file',
  'describe',
  'shortlog',
  'grep',
  'whatchanged',
  'rev-list',
  'name-rev',
  'merge-base',
  'show-ref',
  'for-each-ref',
  'count-objects',
  'check-ignore',
  'version',
  'help',
  'show-branch',
  'cherry',
  'range-diff',
  'var',
]);

const SAFE = new Set([
  'add',
  'stage',
  'commit',
  'checkout',
  'switch',
  'restore',
  'merge',
  'rebase',
  'cherry-pick',
  'revert',
  'pull',
  'fetch',
  'push',
  'init',
  'clone',
  'mv',
  'rm',
  'apply',
  'am',
  'bisect',
  'notes',
  'format-patch',
  'gc',
  'sparse-checkout',
  'lfs',
  'branch',
  'tag',
  'stash',
  'remote',
  'worktree',
  'submodule',
  'reset',
  'reflog',
  'config',
  'ls-remote',
  'maintenance',
]);

export const git: Analyser = (call, fx) => {
  const global = parseOptions(call.args, {
    short: 'Cc',
    long: [
      'git-dir',
      'work-tree',
      'namespace',
      'exec-path',
      'config-env',
      'super-prefix',
      'list-cmds',
      'attr-source',
    ],
    stopAtOperand: true,
  });
  let cwd = fx.cwd;
  for (const dir of valuesOf(global, '-C')) cwd = dir.value === null ? null : fx.path(dir);
  for (const setting of valuesOf(global, '-c')) {
    if (setting.value === null || !HARMLESS_CONFIG.test(setting.value))
      fx.opaque('git -c sets an option that can run a program');
  }
  if (has(global, '--exec-path', '--config-env', '--git-dir', '--work-tree'))
    fx.opaque('git is pointed at another repository or program');
  const [sub, ...args] = global.rest;
  if (!sub) return 'read_only';
  if (sub.value === null) {
    fx.opaque('a git subcommand is computed at run time');
    return 'unknown';
  }
  const subcommand = sub.value;
  for (const arg of args) {
    const value = arg.value ?? '';
    if (
      /^(--upload-pack|--receive-pack|--exec|--config|--template)(=|$)/.test(value) ||
      /^ext::/.test(value) ||
      (value === '-u' && (subcommand === 'clone' || subcommand === 'ls-remote'))
    )
      fx.opaque(`git ${subcommand} is given a program to run`);
    if (/^--output(=|$)/.test(value)) {
      const target = value.includes('=')
        ? { ...arg, value: value.slice(value.indexOf('=') + 1) }
        : args[args.indexOf(arg) + 1];
      if (target) fx.write(target);
    }
    if (/^(https?|ssh|git|ftps?|file):\/\//.test(value) || /^[A-Za-z0-9._-]+@[^:/]+:/.test(value))
      fx.egress(value.replace(/^[^@/]*@(?=[^/]*:)/, '').replace(/:(?!\/\/).*$/, ''));
  }
  const outside = cwd === null || !fx.inside(cwd);
  let verdict: Verdict = READ_ONLY.has(subcommand) ? 'read_only' : SAFE.has(subcommand) ? 'safe' : 'unknown';
  if (subcommand === 'push') verdict = push(args, fx);
  else if (subcommand === 'clean') verdict = clean(args, fx, cwd);
  else if (subcommand === 'reset' && args.some((a) => a.value === '--hard')) verdict = 'unknown';
  else if (subcommand === 'config') verdict = config(args);
  else if (subcommand === 'submodule' && args.some((a) => a.value === 'foreach')) {
    fx.opaque('git submodule foreach runs a command');
    verdict = 'unknown';
  } else if (
    subcommand === 'branch' ||
    subcommand === 'tag' ||
    subcommand === 'stash' ||
    subcommand === 'remote' ||
    subcommand === 'worktree'
  )
    verdict =
      args.length === 0 ||
      args.every((a) => /^-(v|vv|a|r|l|-list|-all|-verbose|-show-current)$/.test(a.value ?? ''))
        ? 'read_only'
        : 'safe';
  if (subcommand !== 'push') fx.git({ subcommand, force: false });
  if (outside && verdict !== 'read_only') {
    // A repository elsewhere (`git -C ../other …`) is changed outside the workspace.
    if (cwd !== null) fx.write({ value: cwd, expands: false, substitutions: [] });
    verdict = 'unknown';
  }
  return verdict;
};

function push(args: readonly Word[], fx: Findings): Verdict {
  const parsed = parseOptions(args, { short: 'o', long: ['repo', 'push-option', 'receive-pack', 'exec'] });
  const force =
    has(parsed, '-f', '--force', '--mirror', '--force-if-includes') ||
    parsed.options.some((o) => o.name.startsWith('--force-with-lease')) ||
    parsed.operands.slice(1).some((ref) => ref.value?.startsWith('+'));
  const deleting = has(parsed, '-d', '--delete');
  const refs = parsed.operands.slice(1);
  const branches = refs.map((ref) =>
    ref.value === null
      ? null
      : (ref.value.replace(/^\+/, '').split(':').at(-1) as string).replace(/^refs\/heads\//, ''),
  );
  const deletesByRefspec = refs.some((ref) => ref.value?.startsWith(':'));
  const target = branches.find((b) => b !== null) ?? undefined;
  fx.git({ subcommand: 'push', force, ...(target ? { target_ref: target } : {}) });
  if (force || deleting || deletesByRefspec) {
    fx.set('force_push');
    const protectedHit =
      has(parsed, '--mirror', '--all') ||
      branches.length === 0 ||
      branches.some((b) => b === null || PROTECTED_BRANCHES.has(b));
    // A force-push naming no branch pushes the current one, which may well be main.
    if (protectedHit) fx.set('force_push_protected');
    return 'unknown';
  }
  if (refs.some((r) => r.value === null)) fx.opaque('a pushed ref is computed at run time');
  return 'safe';
}

function clean(args: readonly Word[], fx: Findings, cwd: string | null): Verdict {
  const parsed = parseOptions(args, { short: 'e', long: ['exclude'] });
  const dryRun = has(parsed, '-n', '--dry-run');
  if (dryRun) return 'read_only';
  const targets =
    parsed.operands.length > 0
      ? parsed.operands
      : [{ value: cwd, expands: false, substitutions: [] } as Word];
  for (const target of targets) fx.deleteTree(target, { workspaceRootIsOutside: false });
  return 'unknown';
}

function config(args: readonly Word[]): Verdict {
  const reading = args.some((a) =>
    /^(--get|--get-all|--get-regexp|--list|-l|--show-origin|--show-scope|get|list)$/.test(a.value ?? ''),
  );
  const operands = args.filter((a) => !(a.value ?? '-').startsWith('-'));
  return reading || operands.length <= 1 ? 'read_only' : 'unknown';
}
