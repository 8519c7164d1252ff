// `adoption schedule`: the foreground worker. One per warehouse (a lock beside it), the nightly ingest and the
// weekly digest on their cron schedules, missed runs reported (never replayed silently), a clean stop on a signal.
import type { Config } from '../config/schema.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { openWarehouse } from '../warehouse/open.js';
import { describeInstant } from './dueTimes.js';
import { acquireLock, LockHeldError, realWarehousePath, type Lock } from './lockFile.js';
import { findMissed, lastScheduledDue, scheduledJobs, type MissedRun } from './missedRuns.js';
import { runJob, type RunDeps } from './runner.js';
import { recordSkipped } from './runLog.js';
import { scheduleTimeZone, type ScheduledJob } from './scheduledJobs.js';
import { Worker, type WorkerJob } from './worker.js';

export function workerLockFile(config: Config): string {
  return `${realWarehousePath(config.warehouse.path)}.schedule.lock`;
}

export interface SchedulerHandle {
  worker: Worker<ScheduledJob>;
  missed: MissedRun[];
  /** stops the clock, lets the running job reach a safe point, releases the lock */
  stop(): Promise<void>;
}

function takeSchedulerLock(config: Config, log: Logger): Lock {
  try {
    return acquireLock(workerLockFile(config), {
      purpose: 'adoption schedule',
      what: 'another `adoption schedule` is already running on this warehouse',
      staleAfterMs: config.schedule.lockStaleMinutes * 60_000,
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
}

/** Each job's latest scheduled due time, read with the warehouse open only for that. */
async function readLastDue(config: Config, log: Logger): Promise<Map<ScheduledJob, number>> {
  // The scheduler runs the nightly ingest: on a new installation it starts the warehouse in its configured folder
  // (and says so); a folder that does not exist is a wrong path.
  const wh = await openWarehouse(config, 'adoption schedule: starting', { create: 'in-existing-folder' });
  if (wh.created) log.warn({ file: wh.file }, 'created a new warehouse');
  try {
    return await lastScheduledDue(wh);
  } finally {
    wh.close();
  }
}

/** The runs no scheduler made while none was running: logged and recorded as skipped, never replayed. */
async function reportMissed(
  deps: RunDeps,
  last: ReadonlyMap<ScheduledJob, number>,
  startedAt: number,
): Promise<MissedRun[]> {
  const missed = findMissed(deps.config, last, startedAt);
  const tz = scheduleTimeZone(deps.config);
  for (const m of missed) {
    deps.log.warn(
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
  return missed;
}

/**
 * Where each job's clock starts: after the last due time recorded, or after the newest missed one, so that a slot
 * due a little before a restart (within the tolerance) still runs. A first start begins now.
 */
function clockStarts(
  config: Config,
  jobs: WorkerJob<ScheduledJob>[],
  last: ReadonlyMap<ScheduledJob, number>,
  missed: MissedRun[],
  startedAt: number,
): Map<ScheduledJob, number> {
  const from = new Map<ScheduledJob, number>();
  for (const j of jobs) {
    const candidates = [
      last.has(j.name) ? startedAt - config.schedule.lateToleranceMinutes * 60_000 : startedAt,
      last.get(j.name) ?? -Infinity,
    ];
    for (const m of missed) if (m.job === j.name) candidates.push(m.dueMs);
    from.set(j.name, Math.max(...candidates));
  }
  return from;
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
  const lock = takeSchedulerLock(config, log);
  const staleAfterMs = config.schedule.lockStaleMinutes * 60_000;
  const heartbeat = setInterval(() => lock.refresh(), Math.max(1000, staleAfterMs / 3));
  heartbeat.unref();
  const release = () => {
    clearInterval(heartbeat);
    lock.release();
  };
  try {
    // Read the run log with the warehouse open only for that: status, report and backfill work while we idle.
    const last = await readLastDue(config, log);
    const startedAt = now();
    const missed = await reportMissed(deps, last, startedAt);
    const worker = new Worker<ScheduledJob>({
      jobs,
      log,
      now,
      lateToleranceMs: config.schedule.lateToleranceMinutes * 60_000,
      run: (job, dueMs, signal) => runJob(deps, { job, dueMs, trigger: 'schedule', signal }),
      recordSkipped: (slots) => recordSkipped(deps, slots),
      onRunFinished: opts.onRunFinished,
    });
    worker.start(clockStarts(config, jobs, last, missed, startedAt));
    worker.onTick(); // a slot due within the tolerance before start runs now
    return {
      worker,
      missed,
      async stop() {
        try {
          await worker.stop();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
