// One run of a scheduled job, as the scheduler and `adoption run` make it: the as-of date derived from the time it
// was due, one run at a time (a lock beside the warehouse), the warehouse opened only for the run, the nightly drop
// waited for, every outcome in the run log, and the operator alerted when it fails.
import { existsSync, statSync } from 'node:fs';
import type { Catalog, Config } from '../src/config/schema.js';
import type { JobContext } from '../src/context.js';
import { UserError, errorMessage } from '../src/errors.js';
import { discoverDrop, type DiscoveredDrop } from '../src/ingest/drop.js';
import type { Logger } from '../src/log.js';
import { alertFailure, clearAlertState, type AlertOutcome } from '../src/schedule/alerts.js';
import { describeInstant, localDateBefore } from '../src/schedule/dueTimes.js';
import { acquireLock, LockHeldError, realWarehousePath } from '../src/schedule/lockFile.js';
import type { Mailer } from '../src/deliver/mailer.js';
import { openWarehouse } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { finishRun, startRun, type RunState } from '../src/warehouse/runLedger.js';
import { alertTokenExpiry, collectForSchedule } from './collect.js';
import { sendDigests } from './digest.js';
import { exportLake } from './lake.js';
import { dropDirFor, ingest } from './ingest.js';

// collect comes first: when both are due together, the drop is fetched before it is loaded.
export const SCHEDULED_JOBS = ['collect', 'ingest', 'digest'] as const;
export type ScheduledJob = (typeof SCHEDULED_JOBS)[number];

export interface RunDeps {
  config: Config;
  catalog: Catalog;
  log: Logger;
  env: NodeJS.ProcessEnv;
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
  date?: string;
  signal?: AbortSignal;
}

export interface RunReport {
  job: ScheduledJob;
  dueMs: number;
  asOf: string;
  state: Exclude<RunState, 'running'>;
  error?: string;
  counts?: Record<string, unknown>;
  alert?: AlertOutcome;
}

/** Whether and when a job runs: collect's keys live under collect.*, the others under schedule.*. */
export function jobTiming(config: Config, job: ScheduledJob): { enabled: boolean; cron: string } {
  return job === 'collect' ? config.collect : config.schedule[job];
}

export function scheduleTimeZone(config: Config): string {
  return config.schedule.timeZone ?? config.defaults.timeZone;
}

/**
 * The as-of date of a run: the drop of the day before (collect, ingest), the week holding the day before (digest).
 */
export function asOfDate(config: Config, job: ScheduledJob, dueMs: number): string {
  const tz = scheduleTimeZone(config);
  return job === 'digest'
    ? localDateBefore(dueMs, tz, config.schedule.digest.weekDaysBefore)
    : localDateBefore(dueMs, tz, config.schedule.ingest.dropDaysBefore);
}

export function rerunCommand(job: ScheduledJob, asOf: string): string {
  return `adoption run ${job} --date ${asOf}`;
}

export function jobLockFile(config: Config): string {
  return `${realWarehousePath(config.warehouse.path)}.job.lock`;
}

/** TIMESTAMP text in UTC, as the run log stores it. */
export function utcTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Why a drop is not ready to load yet, or null when it is. Pure. */
export function dropNotReady(found: DiscoveredDrop, requireManifest: boolean): string | null {
  if (found.manifest.error) return `manifest.json ${found.manifest.error}`;
  if (!found.manifest.present)
    return requireManifest ? 'manifest.json is missing (the export is not finished)' : null;
  const problems = found.manifest.problems.filter((p) => p.kind !== 'unlisted');
  if (problems.length === 0) return null;
  const shown = problems.slice(0, 3).map((p) => `${p.file} ${p.message}`);
  return `the drop does not match its manifest.json: ${shown.join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`;
}

/** Waits for the drop folder and its manifest; returns the discovered drop, or why it never became ready. */
async function waitForDrop(
  deps: RunDeps,
  date: string,
  signal?: AbortSignal,
): Promise<{ found: DiscoveredDrop } | { reason: string; stopped?: boolean }> {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableSleep;
  const dir = dropDirFor(config.exportsRoot, date);
  const deadline = now() + config.schedule.ingest.waitForDropMinutes * 60_000;
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      reason = `the drop folder ${dir} does not exist`;
    } else {
      const found = await discoverDrop(dir, config.ingest.maxFileBytes);
      const notReady = dropNotReady(found, config.schedule.ingest.requireManifest);
      if (!notReady) return { found };
      reason = notReady;
    }
    if (signal?.aborted) return { reason: `stopped while waiting for the drop: ${reason}`, stopped: true };
    if (now() >= deadline) {
      return {
        reason: `the drop of ${date} was not ready after waiting ${config.schedule.ingest.waitForDropMinutes} min (schedule.ingest.waitForDropMinutes): ${reason}`,
      };
    }
    log.warn(
      { date, attempt, reason, retryInMinutes: config.schedule.ingest.retryEveryMinutes },
      'drop not ready; waiting',
    );
    await sleep(
      Math.min(config.schedule.ingest.retryEveryMinutes * 60_000, Math.max(0, deadline - now())),
      signal,
    );
  }
}

/** Records runs that never started (skipped: missed, overlapping, locked out) in the run log. */
export async function recordSkipped(
  deps: Pick<RunDeps, 'config' | 'log'>,
  entries: { job: ScheduledJob; dueMs: number; reason: string; trigger?: string }[],
): Promise<void> {
  if (entries.length === 0) return;
  const wh = await openWarehouse(deps.config, 'adoption schedule: recording skipped runs');
  try {
    for (const e of entries) {
      const id = await startRun(wh, {
        job: e.job,
        trigger: (e.trigger as 'schedule') ?? 'schedule',
        dueAt: utcTimestamp(e.dueMs),
        params: { [e.job === 'digest' ? 'week' : 'date']: asOfDate(deps.config, e.job, e.dueMs) },
      });
      await finishRun(wh, id, { state: 'skipped', error: e.reason });
    }
  } finally {
    wh.close();
  }
}

/** A run that ended before its job could record itself (the drop never came, the warehouse was busy). */
async function recordOutcome(
  wh: Warehouse,
  req: RunRequest,
  asOf: string,
  state: 'failed' | 'skipped',
  error: string,
): Promise<void> {
  const id = await startRun(wh, {
    job: req.job,
    trigger: req.trigger,
    dueAt: utcTimestamp(req.dueMs),
    params: { [req.job === 'digest' ? 'week' : 'date']: asOf },
  });
  await finishRun(wh, id, { state, error });
}

/** Runs one job to the end and reports how it went. Never throws for a failure of the job itself. */
export async function runJob(deps: RunDeps, req: RunRequest): Promise<RunReport> {
  const { config, log } = deps;
  const asOf = req.date ?? asOfDate(config, req.job, req.dueMs);
  const tz = scheduleTimeZone(config);
  const report: RunReport = { job: req.job, dueMs: req.dueMs, asOf, state: 'failed' };
  const purpose = `${req.trigger === 'schedule' ? 'adoption schedule' : 'adoption run'}: ${req.job} as of ${asOf}, due ${describeInstant(req.dueMs, tz)}`;
  const staleAfterMs = config.schedule.lockStaleMinutes * 60_000;
  let lock;
  try {
    lock = acquireLock(jobLockFile(config), {
      purpose,
      what: `${req.job} as of ${asOf} not run`,
      staleAfterMs,
      onStale: (prev, why) =>
        log.warn({ previous: prev, why }, 'took over a stale job lock left by an earlier run'),
    });
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    report.state = 'skipped';
    report.error = err.message;
    log.warn({ job: req.job, asOf, error: err.message }, 'run skipped: another run holds the job lock');
    return report;
  }
  const heartbeat = setInterval(() => lock.refresh(), Math.max(1000, staleAfterMs / 3));
  heartbeat.unref();
  log.info({ job: req.job, asOf, due: describeInstant(req.dueMs, tz), trigger: req.trigger }, 'run started');
  let wh: Warehouse | undefined;
  try {
    if (req.job === 'collect') {
      // The warehouse is open only to record the run: collecting takes a while and needs no warehouse.
      const id = await withWarehouse(config, purpose, (w) =>
        startRun(w, {
          job: 'collect',
          trigger: req.trigger,
          dueAt: utcTimestamp(req.dueMs),
          params: { date: asOf },
        }),
      );
      const outcome = await collectForSchedule(deps, asOf);
      report.state = outcome.state;
      report.error = outcome.error;
      report.counts = outcome.counts;
      wh = await openWarehouse(config, purpose, { create: 'in-existing-folder' });
      await finishRun(wh, id, outcome);
    } else if (req.job === 'ingest') {
      // The warehouse stays closed while we wait, so that status, report and backfill work meanwhile.
      const ready = await waitForDrop(deps, asOf, req.signal);
      wh = await openWarehouse(config, purpose, { create: 'in-existing-folder' });
      if (wh.created) log.warn({ file: wh.file }, 'created a new warehouse');
      if ('reason' in ready) {
        report.state = ready.stopped ? 'skipped' : 'failed';
        report.error = ready.reason;
        await recordOutcome(wh, req, asOf, report.state, ready.reason);
      } else {
        const ctx: JobContext = { config, catalog: deps.catalog, log, wh };
        const summary = await ingest(ctx, {
          date: asOf,
          trigger: req.trigger,
          dueAt: utcTimestamp(req.dueMs),
          found: ready.found,
        });
        report.state = 'succeeded';
        report.counts = {
          rowsLoaded: summary.rowsLoaded,
          rowsRejected: summary.rowsRejected,
          outcome: summary.outcome,
        };
        // The lake follows each night: only the partitions the night changed are written again.
        if (config.lake.path) {
          const lake = await exportLake(ctx, { dir: config.lake.path });
          report.counts.lakePartitionsWritten = lake.written;
        }
      }
    } else {
      // The scheduler's warehouse, in its configured folder: a digest before the first ingest says "no data".
      wh = await openWarehouse(config, purpose, { create: 'in-existing-folder' });
      const ctx: JobContext = { config, catalog: deps.catalog, log, wh };
      const res = await sendDigests(ctx, {
        asOf,
        trigger: req.trigger,
        dueAt: utcTimestamp(req.dueMs),
        signal: req.signal,
        env: deps.env,
      });
      const failed = res.outcomes.filter((o) => o.state === 'failed').length;
      const uncertain = res.outcomes.filter((o) => o.state === 'uncertain').length;
      report.counts = {
        recipients: res.outcomes.length,
        failed,
        uncertain,
        week: res.week,
        // e.g. the recipients config does not describe: one line for the run
        ...(res.notes.length ? { notes: res.notes } : {}),
      };
      report.state = failed > 0 || uncertain > 0 || res.stopped ? 'failed' : 'succeeded';
      if (res.stopped) report.error = res.stopped;
      else if (failed || uncertain)
        report.error = [
          failed ? `${failed} digest(s) not delivered` : '',
          uncertain ? `${uncertain} digest(s) uncertain (maybe delivered)` : '',
        ]
          .filter(Boolean)
          .join('; ');
    }
    await wh.run(
      `DELETE FROM runs WHERE started_at < now()::TIMESTAMP - to_days($days::INTEGER) AND state <> 'running'`,
      { days: config.schedule.runRetentionDays },
    );
  } catch (err) {
    report.state = 'failed';
    report.error = errorMessage(err);
    if (!(err instanceof UserError)) log.error({ err }, 'run failed unexpectedly');
    // A failure before the job recorded itself (the warehouse could not be opened) is still written down.
    if (wh === undefined) {
      await openWarehouse({ ...config, warehouse: { ...config.warehouse, busyWaitSeconds: 5 } }, purpose)
        .then(async (w) => {
          try {
            await recordOutcome(w, req, asOf, 'failed', report.error!);
          } finally {
            w.close();
          }
        })
        .catch(() => undefined);
    }
  } finally {
    wh?.close();
    clearInterval(heartbeat);
    lock.release();
  }
  log[report.state === 'failed' ? 'error' : 'info'](
    { job: req.job, asOf, state: report.state, error: report.error, counts: report.counts },
    'run finished',
  );
  if (report.state === 'failed') {
    report.alert = await alertFailure(
      config,
      {
        job: req.job,
        dueMs: req.dueMs,
        asOf,
        error: report.error ?? 'failed',
        trigger: req.trigger,
        rerun: rerunCommand(req.job, asOf),
      },
      { env: deps.env, log, now: deps.now, mailer: deps.alertMailer },
    );
  } else if (report.state === 'succeeded') {
    clearAlertState(config, req.job);
  }
  if (req.job === 'collect') await alertTokenExpiry(deps);
  return report;
}

/** collect may make the warehouse it records its run in (DESIGN: ingest, backfill, collect and demo create one). */
async function withWarehouse<T>(
  config: Config,
  purpose: string,
  fn: (wh: Warehouse) => Promise<T>,
): Promise<T> {
  const wh = await openWarehouse(config, purpose, { create: 'in-existing-folder' });
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}
