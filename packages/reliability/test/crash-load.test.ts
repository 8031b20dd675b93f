/**
 * The bounded CI run of the crash-and-load suite (the reliability script runs 20k preflights): 64
 * concurrent clients, the gateway killed with SIGKILL twice under load and once more before the audit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrashLoad } from '../src/crash-load.js';
import { freshDatabase, postgresUnavailable } from '../src/postgres.js';
import { servedGatewayUnavailable } from './helpers.js';

const unavailable = servedGatewayUnavailable();
const PREFLIGHTS = 2_000;
/** Every PostgreSQL append is a round trip: fewer preflights keep the variant within the CI budget. */
const PG_PREFLIGHTS = 1_000;
const CLIENTS = 64;
const KILLS = 2;

async function run(preflights: number, databaseUrl?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-crash-'));
  try {
    return await runCrashLoad({
      preflights,
      clients: CLIENTS,
      kills: KILLS,
      dir,
      ...(databaseUrl ? { databaseUrl } : {}),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectNothingLost(report: Awaited<ReturnType<typeof runCrashLoad>>) {
  expect(report.kills).toBe(KILLS + 1);
  expect(report.answered + report.failedClosed).toBe(report.preflights);
  expect(report.answered).toBeGreaterThan(0);
  expect(report.passportsUsed).toBeGreaterThan(0);
  expect(report.lost).toEqual([]);
  expect(report.chainOk).toBe(true);
  expect(report.jtiAllowedTwice).toEqual([]);
  expect(report.keysDecidedTwice).toEqual([]);
}

describe.skipIf(unavailable !== undefined)('crash and load', () => {
  it('file ledger: kill -9 under load loses no acknowledged decision and allows no passport twice', async () => {
    expectNothingLost(await run(PREFLIGHTS));
  });

  const pg = postgresUnavailable();
  it.skipIf(pg !== undefined)(`PostgreSQL store: the same${pg ? ` (skipped: ${pg})` : ''}`, async () => {
    const database = await freshDatabase();
    try {
      expectNothingLost(await run(PG_PREFLIGHTS, database.url));
    } finally {
      await database.drop();
    }
  });
});
