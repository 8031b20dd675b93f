/**
 * What a security team does with the evidence ledger: take the tenant's signed export and the gateway's
 * public keys (JWKS), and verify them offline, with no access to the gateway, in either language:
 *
 *   actpass ledger verify export.json --jwks jwks.json               (Node, the gateway's CLI)
 *   python -m actpass verify-export export.json --jwks jwks.json      (Python, the pip package)
 *
 * Then one event is edited after the fact, and both verifiers name the first broken `seq`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevGateway } from '@actpass/gateway';
import { ActPass, type EvidenceExport } from '@actpass/sdk';
import { type Verifier, verifiers } from './verifiers.js';

export interface VerifierRun {
  verifier: string;
  file: string;
  exitCode: number;
  output: string;
}

export interface Summary {
  events: number;
  /** The seq of the event edited in the tampered copy. */
  tamperedSeq: number;
  runs: VerifierRun[];
}

export async function run(print: (line: string) => void): Promise<Summary> {
  const work = mkdtempSync(join(tmpdir(), 'actpass-evidence-'));
  try {
    const { exported, jwks } = await recordSomeTraffic(print);
    writeFileSync(join(work, 'export.json'), JSON.stringify(exported, null, 2));
    writeFileSync(join(work, 'jwks.json'), JSON.stringify(jwks, null, 2));
    print(
      `\nexported ${exported.events.length} events (head seq ${exported.head.seq}), signed by ${exported.signature.kid.slice(0, 12)}…`,
    );

    // An insider edits the ledger copy: the $900 refund that was denied becomes a $90 one.
    const tampered = structuredClone(exported);
    const target = tampered.events.find((event) => event.type === 'decision' && amountOf(event) === 90000);
    if (!target) throw new Error('no $900 decision in the export');
    (target.data as { action: { args: { amount: number } } }).action.args.amount = 9000;
    writeFileSync(join(work, 'export.tampered.json'), JSON.stringify(tampered, null, 2));
    print(`tampered copy: event seq ${target.seq} edited ($900.00 → $90.00)`);

    const runs: VerifierRun[] = [];
    for (const file of ['export.json', 'export.tampered.json']) {
      print(`\nverify ${file} offline`);
      for (const verifier of verifiers()) runs.push(verify(verifier, work, file, print));
    }
    return { events: exported.events.length, tamperedSeq: target.seq, runs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A few decisions and a custom event, then the admin's export and the public keys. */
async function recordSomeTraffic(print: (line: string) => void) {
  const { gateway, keys } = createDevGateway();
  const client = (apiKey: string) =>
    new ActPass({
      apiKey,
      tenantId: keys.tenantId,
      agentId: 'support_agent',
      fetch: gateway.fetch,
      baseUrl: 'http://actpass.local',
    });
  const agent = client(keys.agent);
  const admin = client(keys.admin);
  try {
    print('traffic:');
    for (const amount of [4900, 25000, 90000]) {
      const d = await agent.preflight({
        goal: 'resolve_refund_request',
        tool: 'stripe.refund.create',
        resource: 'stripe:charge:ch_123',
        args: { amount, currency: 'usd' },
      });
      print(
        `  $${(amount / 100).toFixed(2)} refund → ${d.decision} (${d.reason_code}), ${d.evidence_event_id}`,
      );
    }
    // Agents can add their own audit events; they are chained like every other event.
    const custom = await agent.recordEvidence({ type: 'ticket.closed', data: { ticket: 'T-1042' } });
    print(`  custom event ticket.closed → ${custom.id} (seq ${custom.seq})`);

    const chain = await admin.evidence.verify();
    print(`gateway re-verifies its own chain: ${chain.ok ? 'ok' : 'BROKEN'}`);
    // Export with the admin key; the JWKS is public (no key needed).
    return { exported: await admin.evidence.export(), jwks: await admin.jwks() };
  } finally {
    await gateway.close();
  }
}

function verify(verifier: Verifier, work: string, file: string, print: (line: string) => void): VerifierRun {
  const { exitCode, output } = verifier.run(work, file, 'jwks.json');
  print(`  ${verifier.name} (exit ${exitCode})`);
  for (const line of output.split('\n')) print(`    ${line}`);
  return { verifier: verifier.name, file, exitCode, output };
}

function amountOf(event: EvidenceExport['events'][number]): unknown {
  return (event.data as { action?: { args?: { amount?: unknown } } }).action?.args?.amount;
}
