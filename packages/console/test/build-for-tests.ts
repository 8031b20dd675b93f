/**
 * Builds the console from source into a temporary directory once per test run and hands its path to
 * the browser tests, which serve exactly that build (never dist/, which another package's tests may
 * be serving while it is rebuilt).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildConsole } from '../scripts/build.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    consoleBuild: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-console-test-'));
  await buildConsole(pathToFileURL(`${dir}/`));
  project.provide('consoleBuild', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
