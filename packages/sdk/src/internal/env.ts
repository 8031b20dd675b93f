/**
 * Reads an environment variable where there is one. Browsers and most edge runtimes have no `process`,
 * and Deno throws without `--allow-env`, so every lookup is guarded instead of assumed.
 */
export function readEnv(name: string): string | undefined {
  const g = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env?: { get(name: string): string | undefined } };
  };
  try {
    const value = g.process?.env?.[name] ?? g.Deno?.env?.get(name);
    return value?.trim() ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}
