#!/usr/bin/env node
// The `actpass-hook` executable (Claude Code's PreToolUse hook). It is committed (not built) so that
// installing links it even before `dist/` exists; it runs the built hook entry, or the TypeScript source
// through tsx in a checkout that is not built yet. Any failure to start still answers a JSON deny and
// exits 0: Claude Code runs the tool after any other exit code but 2.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/hook-main.js', import.meta.url);
const source = new URL('../src/hook-main.ts', import.meta.url);

function refuse(why) {
  process.stderr.write(`actpass-hook: ${why}\n`);
  const reason = `ActPass hook.failed: ${why}; the tool does not run.`;
  process.stdout.write(
    `${JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } })}\n`,
  );
  process.exitCode = 0;
}

if (existsSync(built)) {
  try {
    await import(built.href);
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
