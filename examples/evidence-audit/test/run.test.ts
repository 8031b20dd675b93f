import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

describe('evidence-audit example', () => {
  it('verifies the signed export offline in Node and Python, and both name the tampered seq', async () => {
    const lines: string[] = [];
    const summary = await run((line) => lines.push(line));

    // policy.updated, three decisions, approval.requested, the custom event.
    expect(summary.events).toBe(6);
    const [nodeOk, pythonOk, nodeTampered, pythonTampered] = summary.runs;
    expect(nodeOk).toMatchObject({ file: 'export.json', exitCode: 0 });
    expect(nodeOk!.output).toMatch(/export\.json: ok, 6 events, head [0-9a-f]{64}/);
    expect(pythonOk).toMatchObject({ file: 'export.json', exitCode: 0 });
    expect(pythonOk!.output).toMatch(/^VERIFIED: signature valid, 6 events/);
    // Both verifiers agree on the head they checked.
    const head = nodeOk!.output.match(/head ([0-9a-f]{64})/)![1];
    expect(pythonOk!.output).toContain(head);

    expect(nodeTampered).toMatchObject({ file: 'export.tampered.json', exitCode: 1 });
    expect(nodeTampered!.output).toContain(`FAILED at seq ${summary.tamperedSeq}: hash_mismatch`);
    expect(pythonTampered).toMatchObject({ file: 'export.tampered.json', exitCode: 1 });
    expect(pythonTampered!.output).toContain(`first broken seq: ${summary.tamperedSeq}`);

    const transcript = lines.join('\n');
    expect(transcript).toContain('gateway re-verifies its own chain: ok');
    expect(transcript).toContain(`tampered copy: event seq ${summary.tamperedSeq} edited ($900.00 → $90.00)`);
  });
});
