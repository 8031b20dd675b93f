#!/usr/bin/env node
// The `actpass-hook` executable (the Claude Code, Cursor and Gemini CLI hooks). It is committed (not built) so that
// installing links it even before `dist/` exists; it runs the built hook (one CommonJS file), or the
// TypeScript source through tsx in a checkout that is not built yet. Any failure to start still answers
// a JSON deny in the agent's own shape and exits 0: each agent runs the tool after any other exit code
// but its blocking one.
//
// The agent starts this process for every tool call, so what Node does before the hook's first line
// counts. The built hook is compiled through `vm.Script` with V8's code cache: the first run writes the
// compiled code (including the functions that ran) to the hook's state directory, later runs skip
// parsing and compiling. Node 22 has this built in (`module.enableCompileCache`); Node 20 does not.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

const built = fileURLToPath(new URL('../dist/hook-main.cjs', import.meta.url));
const source = new URL('../src/hook-main.ts', import.meta.url);

/**
 * The agent's own "do not run" answer, as `src/hooks/shared/failed.ts` writes it (repeated here: this
 * runs when the bundle itself cannot load). An unknown agent gets Claude Code's shape.
 */
function failedAnswer(agent, reason) {
  if (agent === 'cursor') return { permission: 'deny', user_message: reason, agent_message: reason };
  if (agent === 'gemini-cli' || agent === 'gemini') return { decision: 'deny', reason };
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: reason,
    },
  };
}

function refuse(why) {
  process.stderr.write(`actpass-hook: ${why}\n`);
  const reason = `ActPass hook.failed: ${why}; the tool does not run.`;
  process.stdout.write(`${JSON.stringify(failedAnswer(process.argv[2], reason))}\n`);
  process.exitCode = 0;
}

/**
 * Where compiled code is kept: the hook's own state directory (as the hook resolves it), which is the
 * user's, never the project's, so an agent's workspace cannot plant code in it.
 */
function codeCacheDir() {
  const configured = process.env.ACTPASS_HOOK_STATE_DIR;
  const state =
    configured || join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'actpass', 'hook');
  return join(state, 'code-cache');
}

/**
 * Whether `dir` is in the directory the hook runs in (Claude Code's project): an agent rewrites files
 * there, and compiled code it planted would run as the hook. Such a cache is neither read nor written.
 */
function insideWorkingDirectory(dir) {
  const roots = [process.cwd()];
  try {
    roots.push(realpathSync(process.cwd()));
  } catch {
    // The plain path is checked anyway.
  }
  const forms = [resolve(dir)];
  try {
    forms.push(realpathSync(dir));
  } catch {
    // Not created yet: its plain form is what a later write would use.
  }
  return roots.some((root) =>
    forms.some((form) => {
      const rel = relative(root, form);
      return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    }),
  );
}

/**
 * Runs the built hook. The cache file is named by a hash of the bundle's bytes, the Node version and
 * the CPU architecture: V8 itself refuses data from another V8 or other flags, but checks only the
 * source's length, so a cache written for a different bundle must never be offered to this one.
 */
function runBuilt() {
  // The hook keeps WebAssembly baseline code for its short life (see src/cli/hook.ts). Set before
  // compiling: V8 refuses a code cache written under other flags.
  try {
    setFlagsFromString('--liftoff-only');
  } catch {
    // An engine without the flag compiles as it always does; only slower.
  }
  const text = readFileSync(built, 'utf8');
  const id = createHash('sha256').update(`${process.version}\n${process.arch}\n`).update(text).digest('hex');
  const dir = codeCacheDir();
  const file = join(dir, `hook-${id.slice(0, 32)}.v8`);
  const usable = !insideWorkingDirectory(dir);
  let cachedData;
  try {
    if (usable) cachedData = readFileSync(file);
  } catch {
    // No cache yet (or unreadable): compile from source and write one at exit.
  }
  // CommonJS's own function wrapper, so the bundle sees exports, require, module and its paths.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const script = new Script(wrapped, { filename: built, ...(cachedData ? { cachedData } : {}) });
  if (usable && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', () => writeCodeCache(script, dir, file));
  }
  const module = { exports: {} };
  const run = script.runInThisContext();
  run.call(module.exports, module.exports, createRequire(built), module, built, join(built, '..'));
}

/** Best effort, after the answer is written: a cache that cannot be written only costs speed. */
function writeCodeCache(script, dir, file) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, file);
    // Older bundles' caches are dead weight once this one is written.
    for (const name of readdirSync(dir)) {
      if (name.startsWith('hook-') && join(dir, name) !== file && !name.endsWith('.tmp')) {
        rmSync(join(dir, name), { force: true });
      }
    }
  } catch {
    // Read-only home, full disk: the next run compiles again.
  }
}

if (existsSync(built)) {
  try {
    runBuilt();
  } catch (error) {
    // A module that fails to load would exit 1, and Claude Code runs the tool after exit 1.
    refuse(`the hook could not load (${String(error?.message ?? error).slice(0, 200)})`);
  }
} else if (existsSync(source)) {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    refuse('not built and tsx is missing; run `pnpm exec turbo run build` first');
  }
  if (tsx) {
    const args = ['--import', tsx, fileURLToPath(source), ...process.argv.slice(2)];
    const child = spawn(process.execPath, args, { stdio: ['inherit', 'pipe', 'inherit'] });
    let answer = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      answer += chunk;
    });
    child.on('exit', (code) => {
      if (code === 0 && answer !== '') process.stdout.write(answer);
      else refuse(`the hook exited ${code ?? 'on a signal'} without an answer`);
    });
  }
} else {
  refuse('the package has no dist/; reinstall it');
}
