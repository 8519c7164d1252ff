// One run of a scheduled job, as the scheduler and `adoption run` make it: the as-of date derived from the time it
// was due, one run at a time (a lock beside the warehouse), the warehouse opened only for the run, the nightly drop
// waited for, every outcome in the run log, and the operator alerted when it fails. The jobs themselves come in
// deps.jobs (src/ never imports jobs/).
import type { Catalog, Config } from '../config/schema.js';
import type { JobContext } from '../context.js';
import type { Mailer } from '../deliver/mailer.js';
import { UserError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { openWarehouse } from '../warehouse/open.js';
import { finishRun, startRun, type RunState } from '../warehouse/runLedger.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { alertFailure, clearAlertState, type AlertOutcome } from './alerts.js';
import { waitForDrop } from './dropWait.js';
import { asOfDate, describeInstant } from './dueTimes.js';
import { acquireLock, LockHeldError, realWarehousePath, type Lock } from './lockFile.js';
import { recordOutcome } from './runLog.js';
import {
  rerunCommand,
  runParams,
  scheduleTimeZone,
  utcTimestamp,
  type ScheduledJob,
  type ScheduledJobTable,
  type ScheduledRequest,
} from './scheduledJobs.js';
import { alertTokenExpiry } from './tokenExpiry.js';

export interface RunDeps {
  config: Config;
  catalog: Catalog;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** the jobs to run, from the composition root */
  jobs: ScheduledJobTable;
  now?: () => number;
  /** waits, unless the signal stops the worker first */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** for tests: the alert mailer */
  alertMailer?: Mailer;
}

export interface RunRequest {
  job: ScheduledJob;
  dueMs: number;
  trigger: 'schedule' | 'manual';
  /** the as-of date, instead of the one derived from the due time */
  date?: string | undefined;
  signal?: AbortSignal;
}

export interface RunReport {
  job: ScheduledJob;
  dueMs: number;
  asOf: string;
  state: Exclude<RunState, 'running'>;
  error?: string | undefined;
  counts?: Record<string, unknown> | undefined;
  alert?: AlertOutcome;
}

export function jobLockFile(config: Config): string {
  return `${realWarehousePath(config.warehouse.path)}.job.lock`;
}

/** One run under way: what it is, and the warehouse once a step opened it (the run closes it at the end). */
interface RunInProgress {
  deps: RunDeps;
  req: RunRequest;
  asOf: string;
  /** what another process waiting for the warehouse or the lock is told this run is doing */
  purpose: string;
  wh?: Warehouse;
}

type RunResult = Pick<RunReport, 'state' | 'error' | 'counts'>;

/** Runs one job to the end and reports how it went. Never throws for a failure of the job itself. */
export async function runJob(deps: RunDeps, req: RunRequest): Promise<RunReport> {
  const { config, log } = deps;
  const asOf = req.date ?? asOfDate(config, req.job, req.dueMs);
  const due = describeInstant(req.dueMs, scheduleTimeZone(config));
  const run: RunInProgress = {
    deps,
    req,
    asOf,
    purpose: `${req.trigger === 'schedule' ? 'adoption schedule' : 'adoption run'}: ${req.job} as of ${asOf}, due ${due}`,
  };
  const report: RunReport = { job: req.job, dueMs: req.dueMs, asOf, state: 'failed' };
  const lock = takeJobLock(run);
  if (typeof lock === 'string') {
    log.warn({ job: req.job, asOf, error: lock }, 'run skipped: another run holds the job lock');
    return { ...report, state: 'skipped', error: lock };
  }
  const heartbeat = setInterval(() => lock.refresh(), Math.max(1000, staleAfterMs(config) / 3));
  heartbeat.unref();
  log.info({ job: req.job, asOf, due, trigger: req.trigger }, 'run started');
  try {
    Object.assign(report, await runToEnd(run));
  } finally {
    run.wh?.close();
    clearInterval(heartbeat);
    lock.release();
  }
  await afterRun(deps, req, report);
  return report;
}

function staleAfterMs(config: Config): number {
  return config.schedule.lockStaleMinutes * 60_000;
}

/** The job lock, or why another run holds it. */
function takeJobLock(run: RunInProgress): Lock | string {
  const { config, log } = run.deps;
  try {
    return acquireLock(jobLockFile(config), {
      purpose: run.purpose,
      what: `${run.req.job} as of ${run.asOf} not run`,
      staleAfterMs: staleAfterMs(config),
      onStale: (prev, why) =>
        log.warn({ previous: prev, why }, 'took over a stale job lock left by an earlier run'),
    });
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    return err.message;
  }
}

/** The job's own steps, then the run log's retention; a failure anywhere is the run's outcome. */
async function runToEnd(run: RunInProgress): Promise<RunResult> {
  const { config, log } = run.deps;
  try {
    const steps = { collect: runCollect, ingest: runIngest, digest: runDigest }[run.req.job];
    const result = await steps(run);
    await run.wh!.run(
      `DELETE FROM runs WHERE started_at < now()::TIMESTAMP - to_days($days::INTEGER) AND state <> 'running'`,
      { days: config.schedule.runRetentionDays },
    );
    return result;
  } catch (err) {
    const error = errorMessage(err);
    if (!(err instanceof UserError)) log.error({ err }, 'run failed unexpectedly');
    // A failure before the job recorded itself (the warehouse could not be opened) is still written down.
    if (run.wh === undefined) await recordUnopened(run, error);
    return { state: 'failed', error };
  }
}

async function recordUnopened(run: RunInProgress, error: string): Promise<void> {
  const { config } = run.deps;
  await openWarehouse({ ...config, warehouse: { ...config.warehouse, busyWaitSeconds: 5 } }, run.purpose)
    .then(async (wh) => {
      try {
        await recordOutcome(wh, run.req, run.asOf, 'failed', error);
      } finally {
        wh.close();
      }
    })
    .catch(() => undefined);
}

/** The scheduler's warehouse, in its configured folder: a digest before the first ingest says "no data". */
async function openForRun(run: RunInProgress): Promise<Warehouse> {
  run.wh = await openWarehouse(run.deps.config, run.purpose, { create: 'in-existing-folder' });
  return run.wh;
}

function jobRequest(run: RunInProgress): ScheduledRequest {
  return {
    asOf: run.asOf,
    dueAt: utcTimestamp(run.req.dueMs),
    trigger: run.req.trigger,
    signal: run.req.signal,
    env: run.deps.env,
  };
}

function jobContext(run: RunInProgress, wh: Warehouse): JobContext {
  const { config, catalog, log } = run.deps;
  return { config, catalog, log, wh };
}

async function runCollect(run: RunInProgress): Promise<RunResult> {
  const { config, catalog, log } = run.deps;
  // The warehouse is open only to record the run: collecting takes a while and needs no warehouse.
  // collect may make the warehouse it records its run in (DESIGN: ingest, backfill, collect and demo create one).
  const started = await openWarehouse(config, run.purpose, { create: 'in-existing-folder' });
  let id: string;
  try {
    id = await startRun(started, {
      job: 'collect',
      trigger: run.req.trigger,
      dueAt: utcTimestamp(run.req.dueMs),
      params: runParams('collect', run.asOf),
    });
  } finally {
    started.close();
  }
  const outcome = await run.deps.jobs.collect({ config, catalog, log }, jobRequest(run));
  await finishRun(await openForRun(run), id, outcome);
  return outcome;
}

async function runIngest(run: RunInProgress): Promise<RunResult> {
  // The warehouse stays closed while we wait, so that status, report and backfill work meanwhile.
  const ready = await waitForDrop(run.deps, run.asOf, run.req.signal);
  const wh = await openForRun(run);
  if (wh.created) run.deps.log.warn({ file: wh.file }, 'created a new warehouse');
  if ('reason' in ready) {
    const state = ready.stopped ? 'skipped' : 'failed';
    await recordOutcome(wh, run.req, run.asOf, state, ready.reason);
    return { state, error: ready.reason };
  }
  return run.deps.jobs.ingest(jobContext(run, wh), { ...jobRequest(run), found: ready.found });
}

async function runDigest(run: RunInProgress): Promise<RunResult> {
  const wh = await openForRun(run);
  return run.deps.jobs.digest(jobContext(run, wh), jobRequest(run));
}

/** The run's last line in the log, the operator's alert when it failed, and the token's expiry after a collect. */
async function afterRun(deps: RunDeps, req: RunRequest, report: RunReport): Promise<void> {
  const { config, log } = deps;
  const { asOf, state, error, counts } = report;
  log[state === 'failed' ? 'error' : 'info']({ job: req.job, asOf, state, error, counts }, 'run finished');
  if (state === 'failed') {
    report.alert = await alertFailure(
      config,
      {
        job: req.job,
        dueMs: req.dueMs,
        asOf,
        error: error ?? 'failed',
        trigger: req.trigger,
        rerun: rerunCommand(req.job, asOf),
      },
      { env: deps.env, log, now: deps.now, mailer: deps.alertMailer },
    );
  } else if (state === 'succeeded') {
    clearAlertState(config, req.job);
  }
  if (req.job === 'collect') await alertTokenExpiry(deps);
}
