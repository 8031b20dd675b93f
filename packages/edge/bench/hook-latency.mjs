// Wall time of one Claude Code PreToolUse decision through a real hook process (process start to its
// exit, the JSON answer read on the way) against a gateway served on loopback, beside the floor of
// `node -e ''` on the same machine. Runs are interleaved so load drifts hit every variant alike.
//
//   pnpm --filter @actpass/gateway build   (the gateway's dist serves the decisions)
//   node packages/edge/bench/hook-latency.mjs [--runs 40] [--json] [--only cursor,gemini-cli]
//
// Bash runs `git status && npm test` (parsed by the shell parser). Variants: the floor; `actpass-edge
// hook claude-code` (the edge CLI, which loads a command's modules only when it runs); `actpass-hook
// claude-code`, the dedicated executable, with its code cache and without (its first call); the same
// executable for Cursor (`beforeShellExecution`) and Gemini CLI (`run_shell_command`) on the same
// command. Both executables are built here from source into node_modules/.cache, so they resolve this
// package's dependencies. `--only` keeps the floor and the variants of the agents named.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const edge = join(dirname(fileURLToPath(import.meta.url)), '..');
const gatewayDist = join(edge, '..', 'gateway', 'dist');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '40' },
    json: { type: 'boolean' },
    only: { type: 'string' },
  },
});
const runs = Number(values.runs);

if (!existsSync(join(gatewayDist, 'index.js'))) {
  console.error('hook-latency: build the gateway first (pnpm --filter @actpass/gateway build)');
  process.exit(2);
}

// Both executables are built from source here (the package's dist/ may be older than the checkout):
// the edge CLI with this package's dependencies left external, as tsup.config.ts builds it, and the
// hook as tsup.config.ts builds it too (one CommonJS file with the SDK and web-tree-sitter inside,
// the two WebAssembly files beside it), run through the committed bin, which keeps its code cache.
const cache = join(edge, 'node_modules', '.cache', 'actpass-hook-bench');
rmSync(cache, { recursive: true, force: true });
mkdirSync(join(cache, 'edge'), { recursive: true });
execFileSync(
  'pnpm',
  [
    'exec',
    'tsup',
    '--no-config',
    'src/main.ts',
    '--format',
    'esm',
    '--target',
    'node20',
    '--platform',
    'node',
    '-d',
    join(cache, 'edge'),
  ],
  { cwd: edge, stdio: 'ignore' },
);
const require = createRequire(import.meta.url);
mkdirSync(join(cache, 'hook', 'bin'), { recursive: true });
mkdirSync(join(cache, 'hook', 'dist'), { recursive: true });
execFileSync(
  'pnpm',
  [
    'exec',
    'esbuild',
    'src/hook-main.ts',
    '--bundle',
    '--platform=node',
    '--format=cjs',
    '--target=node20',
    '--supported:dynamic-import=false',
    `--alias:web-tree-sitter=${require.resolve('web-tree-sitter')}`,
    '--log-level=error',
    `--outfile=${join(cache, 'hook', 'dist', 'hook-main.cjs')}`,
  ],
  { cwd: edge, stdio: 'inherit' },
);
copyFileSync(join(edge, 'bin', 'actpass-hook.js'), join(cache, 'hook', 'bin', 'actpass-hook.js'));
for (const wasm of ['tree-sitter-bash/tree-sitter-bash.wasm', 'web-tree-sitter/web-tree-sitter.wasm']) {
  copyFileSync(require.resolve(wasm), join(cache, 'hook', 'dist', wasm.split('/')[1]));
}
const hookBin = join(cache, 'hook', 'bin', 'actpass-hook.js');

const { createGateway } = await import(join(gatewayDist, 'index.js'));
const KEY = 'ak_bench_hook_agent_0123456789';
const gateway = createGateway({
  tenants: [{ id: 'bench', policy: 'coding-agents' }],
  apiKeys: [{ key: KEY, tenantId: 'bench', roles: ['agent'] }],
  vaultKey: null,
});
const served = await gateway.listen({ port: 0 });
const state = mkdtempSync(join(tmpdir(), 'actpass-hook-bench-'));

const env = {
  ...process.env,
  ACTPASS_API_KEY: KEY,
  ACTPASS_BASE_URL: served.url,
  ACTPASS_HOOK_STATE_DIR: join(state, 'state'),
  ACTPASS_HOOK_KEY_FILE: join(state, 'hook.key'),
};
// One session per variant, as in a real session: after its first call the state is read, not written.
const COMMAND = 'git status && npm test';
const WORKSPACE = '/home/dev/project';
const payloads = {
  'claude-code': (variant) =>
    JSON.stringify({
      session_id: `bench-${variant.name}`,
      transcript_path: join(state, 'none.jsonl'),
      cwd: WORKSPACE,
      hook_event_name: 'PreToolUse',
      ...(variant.read
        ? { tool_name: 'Read', tool_input: { file_path: `${WORKSPACE}/src/index.ts` } }
        : { tool_name: 'Bash', tool_input: { command: COMMAND } }),
      tool_use_id: 'toolu_bench',
    }),
  cursor: (variant) =>
    JSON.stringify({
      conversation_id: `bench-${variant.name}`,
      generation_id: 'gen-bench',
      hook_event_name: 'beforeShellExecution',
      workspace_roots: [WORKSPACE],
      command: COMMAND,
      cwd: WORKSPACE,
    }),
  'gemini-cli': (variant) =>
    JSON.stringify({
      session_id: `bench-${variant.name}`,
      cwd: WORKSPACE,
      hook_event_name: 'BeforeTool',
      timestamp: '2026-12-06T12:00:00Z',
      tool_name: 'run_shell_command',
      tool_input: { command: COMMAND, description: 'bench' },
    }),
};
/** Whether the agent's answer lets the tool run (every variant's call is one the pack allows). */
const allowed = {
  'claude-code': (answer) => answer.hookSpecificOutput?.permissionDecision === 'allow',
  cursor: (answer) => answer.permission === 'allow',
  'gemini-cli': (answer) => answer.decision === 'allow',
};

const every = [
  { name: "node -e ''", args: ['-e', ''], decides: false },
  {
    name: 'actpass-edge hook claude-code',
    args: [join(cache, 'edge', 'main.js'), 'hook', 'claude-code'],
    agent: 'claude-code',
    decides: true,
  },
  {
    name: 'actpass-hook claude-code',
    args: [hookBin, 'claude-code'],
    agent: 'claude-code',
    decides: true,
  },
  // The first call after an install or upgrade: no code cache yet, so the bundle is compiled (and the
  // cache written at exit).
  {
    name: 'actpass-hook claude-code, no code cache',
    args: [hookBin, 'claude-code'],
    agent: 'claude-code',
    decides: true,
    cold: true,
  },
  // The same entry for a Read: no shell to parse, so the difference is the Bash parser's load.
  {
    name: 'actpass-hook claude-code, Read',
    args: [hookBin, 'claude-code'],
    agent: 'claude-code',
    decides: true,
    read: true,
  },
  { name: 'actpass-hook cursor', args: [hookBin, 'cursor'], agent: 'cursor', decides: true },
  { name: 'actpass-hook gemini-cli', args: [hookBin, 'gemini-cli'], agent: 'gemini-cli', decides: true },
];
const only = values.only?.split(',').map((agent) => agent.trim());
const variants = only ? every.filter((v) => !v.decides || only.includes(v.agent)) : every;
if (variants.length === 1) {
  console.error(
    `hook-latency: --only names no agent of ${[...new Set(every.map((v) => v.agent).filter(Boolean))]}`,
  );
  process.exit(2);
}

function once(variant) {
  return new Promise((resolve, reject) => {
    if (variant.cold) rmSync(join(state, 'state', 'code-cache'), { recursive: true, force: true });
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, variant.args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      err += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
    });
    child.stdin.end(payloads[variant.agent ?? 'claude-code'](variant));
    child.on('error', reject);
    child.on('exit', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (variant.decides) {
        if (!out || !allowed[variant.agent](JSON.parse(out)))
          return reject(new Error(`${variant.name} answered ${out.trim()} ${err.trim()}`));
      }
      resolve(ms);
    });
  });
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const times = new Map(variants.map((v) => [v.name, []]));
try {
  for (const variant of variants) for (let i = 0; i < 3; i += 1) await once(variant); // warm the file cache
  for (let i = 0; i < runs; i += 1) {
    for (const variant of variants) times.get(variant.name).push(await once(variant));
  }
} finally {
  await served.close();
  await gateway.close();
  rmSync(state, { recursive: true, force: true });
}

const floor = [...times.get(variants[0].name)].sort((a, b) => a - b);
const rows = variants.map((variant) => {
  const sorted = [...times.get(variant.name)].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  return {
    variant: variant.name,
    p50_ms: Math.round(p50),
    p99_ms: Math.round(p99),
    p50_vs_floor: Number((p50 / percentile(floor, 50)).toFixed(2)),
    p99_vs_floor: Number((p99 / percentile(floor, 99)).toFixed(2)),
  };
});

if (values.json) {
  // One line: `pnpm bench:report` reads the last line of the output.
  console.log(JSON.stringify({ runs, node: process.version, rows }));
} else {
  console.log(`${runs} runs each, interleaved, Node ${process.version}`);
  console.log('| variant | p50 | p99 | p50 ÷ floor p50 | p99 ÷ floor p99 |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${r.variant} | ${r.p50_ms} ms | ${r.p99_ms} ms | ${r.p50_vs_floor}× | ${r.p99_vs_floor}× |`,
    );
}
