// Runs a whole command under /usr/bin/time, as a user would run it, and reads back its wall time, CPU time and peak
// resident memory; a stage's own figure (its work without start-up) comes from the last JSON line it prints, when
// it prints one.
import { spawnSync } from 'node:child_process';

export interface Measure {
  /** wall time of the whole command, start-up included */
  wall: number;
  /** the stage's own work, where the command reports it; else the wall time */
  seconds: number;
  /** user + system CPU seconds */
  cpu: number;
  peakMiB: number;
  /** the command's last JSON line, if any */
  out?: Record<string, unknown>;
}

export function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Measure {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %U %S %M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const timing = r.stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('BENCH '));
  if (r.status !== 0 || !timing)
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-2000)}`,
    );
  const [wall, user, sys, kb] = timing.split(' ').slice(1).map(Number) as [number, number, number, number];
  const json = r.stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  const out = json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
  const own = typeof out?.seconds === 'number' ? out.seconds : wall;
  return { wall, seconds: own, cpu: user + sys, peakMiB: kb / 1024, ...(out ? { out } : {}) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function summary(ms: Measure[]): Measure {
  return {
    wall: median(ms.map((m) => m.wall)),
    seconds: median(ms.map((m) => m.seconds)),
    cpu: median(ms.map((m) => m.cpu)),
    peakMiB: Math.max(...ms.map((m) => m.peakMiB)),
    ...(ms.at(-1)?.out ? { out: ms.at(-1)!.out } : {}),
  };
}

/** Runs a command `n` times (each after `before`) and keeps the medians and the highest peak. */
export function measure(n: number, run: () => Measure, before?: () => void): Measure {
  const ms: Measure[] = [];
  for (let i = 0; i < n; i++) {
    before?.();
    ms.push(run());
  }
  return summary(ms);
}

/** One command to measure, and what to do before each of its runs. */
export interface Step {
  run: () => Measure;
  before?: () => void;
}

/**
 * Commands compared with one another, measured in alternation: `n` rounds, each command once a round (after its
 * own `before`), and each one's medians kept. This machine drifts by 10–20% over minutes; measured one after the
 * other, minutes apart, the commands met it in different states and their ratio moved with it. A command that
 * fails is left out of the later rounds, with its error.
 */
export function measureAlternated(
  n: number,
  steps: Record<string, Step>,
): { measures: Record<string, Measure>; failures: Record<string, string> } {
  const runs: Record<string, Measure[]> = {};
  const failures: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    for (const [key, step] of Object.entries(steps)) {
      if (failures[key]) continue;
      try {
        step.before?.();
        (runs[key] ??= []).push(step.run());
      } catch (err) {
        failures[key] = (err as Error).message;
      }
    }
  }
  const measures: Record<string, Measure> = {};
  for (const [key, ms] of Object.entries(runs)) if (!failures[key]) measures[key] = summary(ms);
  return { measures, failures };
}

/** k in time ∝ size^k between two sizes. */
export function growthExponent(t1: number, t2: number, size1: number, size2: number): number {
  return Math.log(t2 / t1) / Math.log(size2 / size1);
}
