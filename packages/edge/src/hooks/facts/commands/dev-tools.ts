/**
 * Package managers, build tools, compilers, test runners, linters and formatters. They run the
 * project's own code (scripts, build files, tests), which the hook trusts as it trusts the workspace;
 * what it checks is the part a command line controls: the subcommand (publishing, global installs,
 * running a package fetched for the occasion ask first) and paths given outside the workspace.
 */
import type { Word } from '../../shell/words.js';
import type { Analyser, Call, Findings, Outcome, Verdict } from '../findings.js';
import { type OptionSpec, parseOptions, valuesOf } from '../options.js';
import { inside } from './files.js';

/** Tools `npx`, `pnpm dlx`/`exec`, `yarn dlx`, `bunx` and `uvx` may fetch and run without a prompt. */
const KNOWN_TOOLS = new Set([
  'tsc',
  'typescript',
  'vitest',
  'jest',
  'eslint',
  'prettier',
  'biome',
  '@biomejs/biome',
  'tsx',
  'ts-node',
  'playwright',
  '@playwright/test',
  'next',
  'vite',
  'mocha',
  'turbo',
  'tsup',
  'esbuild',
  'rollup',
  'webpack',
  'typedoc',
  'knip',
  'publint',
  '@arethetypeswrong/cli',
  'attw',
  'changeset',
  '@changesets/cli',
  'nx',
  'lerna',
  'stylelint',
  'svelte-check',
  'vue-tsc',
  'astro',
  'nodemon',
  'concurrently',
  'cross-env',
  'ruff',
  'black',
  'mypy',
  'pytest',
  'isort',
  'pre-commit',
  'pyright',
]);

/** Checks path-like operands: a known tool pointed outside the workspace is no longer known-safe. */
function confined(fx: Findings, words: readonly Word[], verdict: Verdict = 'safe'): Verdict {
  for (const word of words) {
    const value = word.value;
    if (value === null || value.startsWith('-')) continue;
    const looksLikePath = value.startsWith('/') || value.startsWith('~') || value.startsWith('..');
    if (looksLikePath && !inside(fx, word)) return 'unknown';
  }
  return verdict;
}

/** Options naming output files (`-o`, `--out-file`, `--outDir`) are writes. */
function outputs(call: Call, fx: Findings, names: readonly string[]): void {
  const args = call.args;
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) continue;
    const eq = value.indexOf('=');
    const name = eq === -1 ? value : value.slice(0, eq);
    if (!names.includes(name)) continue;
    const target = eq === -1 ? args[i + 1] : { ...(args[i] as Word), value: value.slice(eq + 1) };
    if (target) fx.write(target);
  }
}

/** A tool trusted by rule; its path operands must stay in the workspace. */
export function tool(outputOptions: readonly string[] = []): Analyser {
  return (call, fx) => {
    outputs(call, fx, outputOptions);
    return confined(fx, call.args);
  };
}

function toolName(word: Word | undefined): string | null {
  const value = word?.value;
  if (!value) return null;
  return value.replace(/@[^@/]*$/, '').replace(/^(?!@)(.*)$/, '$1');
}

/** `npx tsc`, `pnpm dlx prettier`: runs a package, fetched if missing. Known tools only. */
function runsPackage(call: Call, fx: Findings, args: readonly Word[]): Outcome {
  const parsed = parseOptions(args, { short: 'pc', long: ['package', 'call'], stopAtOperand: true });
  const extra = valuesOf(parsed, '-p', '--package');
  if (valuesOf(parsed, '-c', '--call').length > 0) {
    fx.opaque(`${call.name} runs a command string`);
    return { verdict: 'unknown' };
  }
  const name = toolName(parsed.rest[0]);
  const known =
    name !== null && KNOWN_TOOLS.has(name) && extra.every((p) => KNOWN_TOOLS.has(toolName(p) ?? ''));
  return { verdict: known ? confined(fx, parsed.rest.slice(1)) : 'unknown' };
}

export const npx: Analyser = (call, fx) => runsPackage(call, fx, call.args);

const NPM_SAFE = new Set([
  'test',
  't',
  'tst',
  'run',
  'run-script',
  'rum',
  'urn',
  'start',
  'install',
  'i',
  'ci',
  'add',
  'isntall',
  'uninstall',
  'remove',
  'rm',
  'un',
  'update',
  'up',
  'upgrade',
  'ls',
  'list',
  'll',
  'outdated',
  'view',
  'info',
  'show',
  'v',
  'audit',
  'explain',
  'why',
  'fund',
  'doctor',
  'pack',
  'prune',
  'dedupe',
  'rebuild',
  'root',
  'prefix',
  'query',
  'search',
  'help',
  'init',
  'version',
  'pkg',
  'stop',
  'restart',
]);

const GLOBAL_FLAGS = new Set(['-g', '--global', '--location=global']);

export const npm: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'wC',
    long: ['prefix', 'workspace', 'userconfig', 'registry', 'cache'],
    stopAtOperand: true,
  });
  checkRegistry(
    parsed.options.filter((o) => o.name === '--registry').map((o) => o.value),
    fx,
  );
  const [sub, ...rest] = parsed.rest;
  if (!sub) return 'read_only';
  if (call.args.some((a) => a.value !== null && GLOBAL_FLAGS.has(a.value))) return 'unknown';
  if (sub.value === 'exec' || sub.value === 'x') return runsPackage(call, fx, rest);
  if (sub.value === 'config' || sub.value === 'c')
    return rest[0]?.value === 'get' || rest[0]?.value === 'list' ? 'read_only' : 'unknown';
  if (sub.value === null || !NPM_SAFE.has(sub.value)) return 'unknown';
  return confined(fx, rest);
};

/** pnpm, yarn and bun run a package script for any name that is not one of their own commands. */
function scriptRunner(
  name: 'pnpm' | 'yarn' | 'bun',
  unsafe: ReadonlySet<string>,
  spec: OptionSpec,
): Analyser {
  return (call, fx) => {
    const parsed = parseOptions(call.args, { ...spec, stopAtOperand: true });
    checkRegistry(
      parsed.options.filter((o) => o.name === '--registry').map((o) => o.value),
      fx,
    );
    for (const dir of valuesOf(parsed, '-C', '--dir', '--cwd')) if (!inside(fx, dir)) return 'unknown';
    const [sub, ...rest] = parsed.rest;
    if (!sub) return 'safe';
    if (call.args.some((a) => a.value !== null && GLOBAL_FLAGS.has(a.value))) return 'unknown';
    if (sub.value === null) {
      fx.opaque(`a ${name} command is computed at run time`);
      return 'unknown';
    }
    if (sub.value === 'dlx' || sub.value === 'x') return runsPackage(call, fx, rest);
    if (sub.value === 'exec') return runsPackage(call, fx, rest);
    if (name === 'bun' && /[./]/.test(sub.value)) return fx.runFile(sub, 'other');
    if (sub.value === 'run' && rest[0]?.value !== null && /\.(m?[jt]sx?|cjs|cts)$/.test(rest[0]?.value ?? ''))
      return fx.runFile(rest[0] as Word, 'other');
    if (
      (sub.value === 'config' || sub.value === 'c') &&
      rest[0]?.value !== 'get' &&
      rest[0]?.value !== 'list'
    )
      return 'unknown';
    if (unsafe.has(sub.value)) return 'unknown';
    return confined(fx, rest);
  };
}

const SHARED_UNSAFE = [
  'publish',
  'unpublish',
  'login',
  'logout',
  'adduser',
  'token',
  'owner',
  'access',
  'deprecate',
  'link',
  'unlink',
  'global',
  'self-update',
  'setup',
  'env',
  'create',
  'dist-tag',
  'team',
  'server',
  'upgrade-interactive',
  'plugin',
  'npm',
  'set',
  'policies',
  'deploy',
  'patch-commit',
  'bin',
];

export const pnpm = scriptRunner('pnpm', new Set(SHARED_UNSAFE), {
  short: 'FCw',
  long: [
    'filter',
    'dir',
    'workspace-concurrency',
    'reporter',
    'registry',
    'loglevel',
    'store-dir',
    'virtual-store-dir',
    'test-pattern',
    'changed-files-ignore-pattern',
  ],
});
export const yarn = scriptRunner('yarn', new Set(SHARED_UNSAFE), {
  long: ['cwd', 'registry', 'modules-folder', 'cache-folder'],
});
export const bun = scriptRunner('bun', new Set([...SHARED_UNSAFE, 'upgrade', 'init']), {
  short: 'er',
  long: ['cwd', 'eval', 'print', 'preload', 'config'],
});

export const bunx: Analyser = (call, fx) => runsPackage(call, fx, call.args);

function checkRegistry(values: readonly (Word | null)[], fx: Findings): void {
  for (const value of values) if (value) fx.egress(value);
}

/** A command with subcommands: those listed run by rule, the rest ask. */
export function subcommands(
  safe: readonly string[],
  readOnly: readonly string[] = [],
  spec: OptionSpec = {},
): Analyser {
  const safeSet = new Set(safe);
  const readSet = new Set(readOnly);
  return (call, fx) => {
    const parsed = parseOptions(call.args, { ...spec, stopAtOperand: true });
    const [sub, ...rest] = parsed.rest;
    if (!sub) return parsed.options.length > 0 ? 'read_only' : 'unknown';
    if (sub.value === null) {
      fx.opaque(`a ${call.name} subcommand is computed at run time`);
      return 'unknown';
    }
    if (readSet.has(sub.value)) return confined(fx, rest, 'read_only');
    if (safeSet.has(sub.value)) return confined(fx, rest);
    return 'unknown';
  };
}

/** `uv run pytest`, `poetry run mypy`, `pipenv run …`: the command after `run` is evaluated. */
export function runner(safe: readonly string[], readOnly: readonly string[] = []): Analyser {
  const base = subcommands(safe, readOnly, {
    long: ['directory', 'project', 'python', 'with', 'extra', 'group', 'package'],
  });
  return (call, fx) => {
    const runAt = call.args.findIndex((a) => a.value === 'run');
    const before = call.args.slice(0, Math.max(runAt, 0));
    if (
      runAt !== -1 &&
      before.every((a) => a.value?.startsWith('-') || before[before.indexOf(a) - 1]?.value?.startsWith('--'))
    ) {
      const rest = parseOptions(call.args.slice(runAt + 1), {
        long: ['with', 'python', 'extra', 'group', 'package', 'env-file', 'directory', 'project'],
        stopAtOperand: true,
      }).rest;
      if (rest.length === 0) return 'unknown';
      return fx.run(rest, { redirects: [], substituted: call.substituted, assignments: [] }).verdict;
    }
    if (call.name === 'uv' && call.args[0]?.value === 'tool' && call.args[1]?.value === 'run')
      return runsPackage(call, fx, call.args.slice(2));
    if (call.name === 'uv' && call.args[0]?.value === 'pip') return pip(call.args.slice(1), fx);
    return base(call, fx);
  };
}

export const uvx: Analyser = (call, fx) => runsPackage(call, fx, call.args);

function pip(args: readonly Word[], fx: Findings): Verdict {
  const parsed = parseOptions(args, {
    short: 'irceft',
    long: [
      'index-url',
      'extra-index-url',
      'requirement',
      'constraint',
      'target',
      'prefix',
      'root',
      'find-links',
      'editable',
      'python',
    ],
    stopAtOperand: false,
  });
  for (const index of valuesOf(parsed, '-i', '--index-url', '--extra-index-url', '-f', '--find-links'))
    fx.egress(index);
  if (
    parsed.options.some((o) =>
      ['--user', '--target', '-t', '--prefix', '--root', '--break-system-packages'].includes(o.name),
    )
  )
    return 'unknown';
  const [sub] = parsed.operands;
  if (!sub?.value) return 'read_only';
  if (['list', 'show', 'freeze', 'check', 'help', 'index', 'inspect'].includes(sub.value)) return 'read_only';
  if (['install', 'uninstall', 'download', 'wheel', 'compile', 'sync'].includes(sub.value)) {
    for (const word of parsed.operands.slice(1))
      if (word.value && /^[a-z+]+:\/\//i.test(word.value)) fx.egress(word);
    return 'safe';
  }
  return 'unknown';
}

export const pipCommand: Analyser = (call, fx) => pip(call.args, fx);

/** make -C DIR / -f FILE: running the project's own Makefile. */
export const make: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'CfIjlWo',
    long: ['directory', 'file', 'makefile', 'include-dir', 'jobs', 'load-average', 'what-if', 'old-file'],
  });
  let verdict: Verdict = 'safe';
  for (const dir of [
    ...valuesOf(parsed, '-C', '--directory'),
    ...valuesOf(parsed, '-f', '--file', '--makefile'),
  ])
    if (!inside(fx, dir)) verdict = 'unknown';
  for (const target of parsed.operands)
    if (target.value?.includes('=') && /^(SHELL|MAKESHELL)=/.test(target.value))
      fx.opaque('make is given a shell');
  return verdict;
};

/** Compilers: `-o FILE` is a write. */
export const compiler: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'oIDLlxMF',
    long: ['output', 'outDir', 'outFile', 'out-dir'],
  });
  for (const out of valuesOf(parsed, '-o', '--output', '--outDir', '--outFile', '--out-dir')) fx.write(out);
  return confined(fx, parsed.operands);
};

/** kubectl, docker, terraform, helm, gh: read subcommands run, the rest ask. */
export const docker = subcommands(
  ['build'],
  ['ps', 'images', 'logs', 'inspect', 'version', 'info', 'top', 'port', 'diff', 'history', 'stats'],
  { short: 'cHl', long: ['context', 'host', 'log-level', 'config'] },
);

export const gh: Analyser = (call, fx) => {
  const [group, action] = call.args.map((a) => a.value);
  const reading = new Set(['view', 'list', 'status', 'checks', 'diff', 'watch']);
  if (group === 'api') {
    const mutating = call.args.some((a) =>
      /^(-X|--method|-f|-F|--field|--raw-field|--input)(=|$)/.test(a.value ?? ''),
    );
    return mutating ? 'unknown' : 'read_only';
  }
  if (group === 'auth' && action === 'token') {
    fx.set('secret_read');
    return 'unknown';
  }
  if (
    ['pr', 'issue', 'run', 'repo', 'release', 'workflow', 'label', 'gist', 'search', 'browse'].includes(
      group ?? '',
    ) &&
    reading.has(action ?? '')
  )
    return 'read_only';
  if (group === 'pr' && ['create', 'checkout', 'comment'].includes(action ?? '')) return 'safe';
  if (group === 'issue' && ['create', 'comment'].includes(action ?? '')) return 'safe';
  if (group === '--version' || group === 'version' || (group === 'auth' && action === 'status'))
    return 'read_only';
  return 'unknown';
};
