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
 * Shared when the one-minute load at start or end is at or above half the cores: the report itself keeps
 * about one core busy, so anything beyond that is other work competing for the same CPUs.
 */
export function wasShared(machine: Pick<Machine, 'cpuCount' | 'start' | 'end'>): boolean {
  return Math.max(machine.start.load[0], machine.end.load[0]) >= machine.cpuCount / 2;
}
