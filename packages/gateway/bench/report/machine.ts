/** The machine a run happened on, and whether other work shared it (pure given the samples). */
import { cpus, loadavg } from 'node:os';

export interface MachineSample {
  /** load average over 1, 5 and 15 minutes */
  load: [number, number, number];
  at: string;
}

export interface Machine {
  cpuCount: number;
  cpuModel: string;
  node: string;
  start: MachineSample;
  end: MachineSample;
}

export function sampleMachine(now = new Date()): MachineSample {
  const [one, five, fifteen] = loadavg() as [number, number, number];
  return { load: [one, five, fifteen], at: `${now.toISOString().slice(0, 16).replace('T', ' ')} UTC` };
}

export function describeMachine(start: MachineSample, end: MachineSample): Machine {
  return {
    cpuCount: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    node: process.version,
    start,
    end,
  };
}

/**
 * Shared when the one-minute load as measuring begins is at or above half the cores. Only the start
 * counts: by the end the load includes the report's own work (the served-gateway comparison keeps every
 * core busy), so the end figure is printed but says nothing about other work.
 */
export function wasShared(machine: Pick<Machine, 'cpuCount' | 'start'>): boolean {
  return machine.start.load[0] >= machine.cpuCount / 2;
}

/**
 * Waits (up to `maxSeconds`) for the one-minute load to fall below half the cores, so the build that
 * precedes a run is not mistaken for other work. Returns the seconds waited.
 */
export async function settle(maxSeconds = 150, pollSeconds = 5): Promise<number> {
  const threshold = cpus().length / 2;
  let waited = 0;
  while ((loadavg()[0] as number) >= threshold && waited < maxSeconds) {
    await new Promise((resolve) => setTimeout(resolve, pollSeconds * 1000));
    waited += pollSeconds;
  }
  return waited;
}
