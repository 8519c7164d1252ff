// The runs no scheduler made: the due times of each enabled job since its last scheduled run in the run log. Read
// by the scheduler at start-up (to report and record them) and by `adoption status` (to show them), so kept apart
// from the runner: status loads neither the mailer nor the jobs.
import type { Config } from '../config/schema.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { asOfDate, DueTimes } from './dueTimes.js';
import {
  jobTiming,
  rerunCommand,
  scheduleTimeZone,
  SCHEDULED_JOBS,
  type ScheduledJob,
} from './scheduledJobs.js';
import type { WorkerJob } from './worker.js';

export function scheduledJobs(config: Config): WorkerJob<ScheduledJob>[] {
  const timeZone = scheduleTimeZone(config);
  return SCHEDULED_JOBS.filter((j) => jobTiming(config, j).enabled).map((name) => ({
    name,
    due: new DueTimes({ expression: jobTiming(config, name).cron, timeZone }),
  }));
}

/** TIMESTAMP text from the run log (UTC) → epoch ms. */
function utcMs(ts: unknown): number | null {
  return typeof ts === 'string' && ts ? Date.parse(`${ts.replace(' ', 'T')}Z`) : null;
}

export interface MissedRun {
  job: ScheduledJob;
  dueMs: number;
  asOf: string;
  rerun: string;
}

/**
 * Due times after each job's last scheduled run (of any outcome) that are now past the lateness tolerance: runs
 * that never happened because no worker was running. Pure.
 */
export function findMissed(
  config: Config,
  lastDue: ReadonlyMap<ScheduledJob, number>,
  nowMs: number,
  limit = 100,
): MissedRun[] {
  const out: MissedRun[] = [];
  for (const j of scheduledJobs(config)) {
    const last = lastDue.get(j.name);
    if (last === undefined) continue;
    for (const dueMs of j.due.between(last, nowMs - config.schedule.lateToleranceMinutes * 60_000, limit)) {
      const asOf = asOfDate(config, j.name, dueMs);
      out.push({ job: j.name, dueMs, asOf, rerun: rerunCommand(j.name, asOf) });
    }
  }
  return out.sort((a, b) => a.dueMs - b.dueMs);
}

/** The due time of each job's latest scheduled run in the run log. */
export async function lastScheduledDue(wh: Warehouse): Promise<Map<ScheduledJob, number>> {
  const out = new Map<ScheduledJob, number>();
  for (const r of await wh.allFile('reports/status_last_scheduled_due')) {
    const ms = utcMs(r.due);
    if (ms !== null && (SCHEDULED_JOBS as readonly string[]).includes(String(r.job)))
      out.set(r.job as ScheduledJob, ms);
  }
  return out;
}
