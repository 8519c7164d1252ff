// `adoption schedule`: the foreground worker. One per warehouse (a lock beside it), the nightly ingest and the
// weekly digest on their cron schedules, missed runs reported (never replayed silently), a clean stop on a signal.
import type { Config } from '../src/config/schema.js';
import { UserError } from '../src/errors.js';
import { DueTimes, describeInstant } from '../src/schedule/dueTimes.js';
import { acquireLock, LockHeldError, realWarehousePath, type Lock } from '../src/schedule/lockFile.js';
import { Worker, type WorkerJob } from '../src/schedule/worker.js';
import { openWarehouse } from '../src/warehouse/open.js';
import {
  asOfDate,
  jobTiming,
  recordSkipped,
  rerunCommand,
  runJob,
  scheduleTimeZone,
  SCHEDULED_JOBS,
  type RunDeps,
  type ScheduledJob,
} from './run.js';

export function workerLockFile(config: Config): string {
  return `${realWarehousePath(config.warehouse.path)}.schedule.lock`;
}

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
 * that never happened because no worker was running. Pure but for reading the run log.
 */
export async function findMissed(
  config: Config,
  lastDue: ReadonlyMap<ScheduledJob, number>,
  nowMs: number,
  limit = 100,
): Promise<MissedRun[]> {
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
export async function lastScheduledDue(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
): Promise<Map<ScheduledJob, number>> {
  const rows = await query(
    `SELECT job, strftime(max(due_at), '%Y-%m-%d %H:%M:%S') AS due FROM runs WHERE trigger = 'schedule' AND due_at IS NOT NULL GROUP BY job`,
  );
  const out = new Map<ScheduledJob, number>();
  for (const r of rows) {
    const ms = utcMs(r.due);
    if (ms !== null && (SCHEDULED_JOBS as readonly string[]).includes(String(r.job)))
      out.set(r.job as ScheduledJob, ms);
  }
  return out;
}

export interface SchedulerHandle {
  worker: Worker<ScheduledJob>;
  missed: MissedRun[];
  /** stops the clock, lets the running job reach a safe point, releases the lock */
  stop(): Promise<void>;
}

export async function startScheduler(
  deps: RunDeps,
  opts: { onRunFinished?: (job: ScheduledJob, dueMs: number) => void } = {},
): Promise<SchedulerHandle> {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  const jobs = scheduledJobs(config);
  if (jobs.length === 0)
    throw new UserError(
      'no job is enabled (schedule.ingest.enabled and schedule.digest.enabled are both false)',
    );
  const staleAfterMs = config.schedule.lockStaleMinutes * 60_000;
  let lock: Lock;
  try {
    lock = acquireLock(workerLockFile(config), {
      purpose: 'adoption schedule',
      what: 'another `adoption schedule` is already running on this warehouse',
      staleAfterMs,
      onStale: (prev, why) => log.warn({ previous: prev, why }, 'took over a stale scheduler lock'),
    });
  } catch (err) {
    if (err instanceof LockHeldError)
      throw new UserError(
        `${err.message}; stop it first, or wait ${config.schedule.lockStaleMinutes} min if it is gone`,
        4,
      );
    throw err;
  }
  const heartbeat = setInterval(() => lock.refresh(), Math.max(1000, staleAfterMs / 3));
  heartbeat.unref();
  try {
    // Read the run log with the warehouse open only for that: status, report and backfill work while we idle.
    // The scheduler runs the nightly ingest: on a new installation it starts the warehouse in its configured folder
    // (and says so); a folder that does not exist is a wrong path.
    const wh = await openWarehouse(config, 'adoption schedule: starting', {
      create: 'in-existing-folder',
    });
    if (wh.created) log.warn({ file: wh.file }, 'created a new warehouse');
    let last: Map<ScheduledJob, number>;
    try {
      last = await lastScheduledDue((sql) => wh.all(sql));
    } finally {
      wh.close();
    }
    const startedAt = now();
    const missed = await findMissed(config, last, startedAt);
    const tz = scheduleTimeZone(config);
    for (const m of missed) {
      log.warn(
        { job: m.job, due: describeInstant(m.dueMs, tz), asOf: m.asOf, rerun: m.rerun },
        'missed while the scheduler was not running; not replayed',
      );
    }
    await recordSkipped(
      deps,
      missed.map((m) => ({
        job: m.job,
        dueMs: m.dueMs,
        reason: `missed: no scheduler was running at the due time; run \`${m.rerun}\` or a backfill`,
      })),
    );
    // Start after the last due time recorded, or after the newest missed one: a slot due a little before a restart
    // (within the tolerance) still runs. A first start begins now.
    const from = new Map<ScheduledJob, number>();
    for (const j of jobs) {
      const candidates = [
        last.has(j.name) ? startedAt - config.schedule.lateToleranceMinutes * 60_000 : startedAt,
        last.get(j.name) ?? -Infinity,
      ];
      for (const m of missed) if (m.job === j.name) candidates.push(m.dueMs);
      from.set(j.name, Math.max(...candidates));
    }
    const worker = new Worker<ScheduledJob>({
      jobs,
      log,
      now,
      lateToleranceMs: config.schedule.lateToleranceMinutes * 60_000,
      run: (job, dueMs, signal) => runJob(deps, { job, dueMs, trigger: 'schedule', signal }),
      recordSkipped: (slots) => recordSkipped(deps, slots),
      onRunFinished: opts.onRunFinished,
    });
    worker.start(from);
    worker.onTick(); // a slot due within the tolerance before start runs now
    return {
      worker,
      missed,
      async stop() {
        try {
          await worker.stop();
        } finally {
          clearInterval(heartbeat);
          lock.release();
        }
      },
    };
  } catch (err) {
    clearInterval(heartbeat);
    lock.release();
    throw err;
  }
}
