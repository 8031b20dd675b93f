/**
 * Tool drift, caught twice:
 *
 * 1. at runtime: an admin approves a tool definition; when the agent later presents a changed one
 *    (the MCP server was updated), the gateway answers `require_tool_reapproval` / `tool.drifted`
 *    and the call does not run until someone approves the new definition;
 * 2. in CI: `actpass tools lock` pins every tool of a listing in `actpass.lock`, and
 *    `actpass tools check` exits non-zero when the listing changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createDevGateway } from '@actpass/gateway';
import { ActPass, type ToolDefinition } from '@actpass/sdk';
import { lookupCharge, mcpToolsList, refundV1, refundV2 } from './tools.js';

export interface Summary {
  /** Each runtime preflight: which definition the agent presented, and the answer. */
  preflights: { definition: string; decision: string; reason_code: string }[];
  /** Each CLI run: the command, its exit code and what it printed. */
  cli: { command: string; exitCode: number; output: string }[];
}

export async function run(print: (line: string) => void): Promise<Summary> {
  const summary: Summary = { preflights: [], cli: [] };
  await runtimeCheck(print, summary);
  ciCheck(print, summary);
  return summary;
}

async function runtimeCheck(print: (line: string) => void, summary: Summary) {
  const { gateway, keys } = createDevGateway();
  const client = (apiKey: string) =>
    new ActPass({
      apiKey,
      tenantId: keys.tenantId,
      agentId: 'support_agent',
      fetch: gateway.fetch,
      baseUrl: 'http://actpass.local',
    });
  const admin = client(keys.admin);
  const agent = client(keys.agent);

  // The agent sends the definition its MCP client was given with every preflight; the gateway compares
  // it with the approved one (sending `tool_hash` instead works the same way).
  const refund = async (label: string, definition: ToolDefinition) => {
    const d = await agent.preflight({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      resource: 'stripe:charge:ch_123',
      args: { amount: 4900, currency: 'usd' },
      tool_definition: definition,
    });
    summary.preflights.push({ definition: label, decision: d.decision, reason_code: d.reason_code });
    print(`  agent presents ${label.padEnd(3)} → ${d.decision} (${d.reason_code})`);
  };

  try {
    print('runtime: the gateway compares the presented definition with the approved one');
    const v1 = await admin.tools.approve(refundV1);
    print(`  admin approves stripe.refund.create v1 (hash ${v1.hash.slice(0, 12)}…)`);
    await refund('v1', refundV1);
    // The MCP server ships an update nobody reviewed.
    await refund('v2', refundV2);
    const v2 = await admin.tools.approve(refundV2);
    print(`  admin reviews and approves v2 (hash ${v2.hash.slice(0, 12)}…)`);
    await refund('v2', refundV2);
    // The old definition is now the one that drifted.
    await refund('v1', refundV1);
  } finally {
    await gateway.close();
  }
}

function ciCheck(print: (line: string) => void, summary: Summary) {
  const work = mkdtempSync(join(tmpdir(), 'actpass-tool-drift-'));
  const actpass = (...args: string[]) => {
    // The built CLI, as `npx actpass` would run it; `cwd` is the project being checked.
    const result = spawnSync(process.execPath, [cliPath(), ...args], { cwd: work, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`.trim();
    const exitCode = result.status ?? -1;
    summary.cli.push({ command: `actpass ${args.join(' ')}`, exitCode, output });
    print(`  $ actpass ${args.join(' ')}   (exit ${exitCode})`);
    for (const line of output.split('\n')) print(`    ${line}`);
    return exitCode;
  };

  try {
    print('\nCI: actpass.lock pins the tool listing');
    writeFileSync(join(work, 'tools.json'), JSON.stringify(mcpToolsList([refundV1, lookupCharge]), null, 2));
    actpass('tools', 'lock', 'tools.json');
    actpass('tools', 'check', 'tools.json');
    // The server's listing changes: CI saves it again and the check fails the build.
    writeFileSync(join(work, 'tools.json'), JSON.stringify(mcpToolsList([refundV2, lookupCharge]), null, 2));
    const exitCode = actpass('tools', 'check', 'tools.json');
    print(exitCode === 0 ? '  CI passes' : '  CI fails: the drifted tool must be reviewed before it ships');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `dist/cli.js` of the installed `@actpass/gateway` (its `bin`), found the way Node resolves packages. */
function cliPath(): string {
  const manifest = createRequire(import.meta.url).resolve('@actpass/gateway/package.json');
  return join(dirname(manifest), 'dist', 'cli.js');
}
