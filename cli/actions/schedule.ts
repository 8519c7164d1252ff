// The actions of schedule and run (cli/commands/schedule.ts). Here the runner is given the jobs it runs.
import type { Command } from 'commander';
import { SCHEDULED_JOB_TABLE } from '../../jobs/scheduled.js';
import { resolveConfig, type CommonOptions } from '../../src/cli/runtime.js';
import { loadCatalog } from '../../src/config/load.js';
import { UserError } from '../../src/errors.js';
import { createLogger, type Logger } from '../../src/log.js';
import { runJob } from '../../src/schedule/runner.js';
import { startScheduler, type SchedulerHandle } from '../../src/schedule/scheduler.js';
import { SCHEDULED_JOBS, type ScheduledJob } from '../../src/schedule/scheduledJobs.js';
import { stopOnSignals } from './signals.js';

export async function scheduleCommand(opts: CommonOptions, cmd: Command): Promise<void> {
  const config = resolveConfig(opts);
  // A worker logs its next runs at info: that is its default, where one-off commands default to warn.
  const log = createLogger({
    level: cmd.getOptionValueSource('logLevel') === 'default' ? 'info' : opts.logLevel,
  });
  const handle = await startScheduler({
    config,
    catalog: loadCatalog(config),
    log,
    env: process.env,
    jobs: SCHEDULED_JOB_TABLE,
  });
  await untilStopped(handle, log);
}

/** Waits for SIGINT/SIGTERM, then stops the scheduler cleanly; a second signal exits at once. */
function untilStopped(handle: SchedulerHandle, log: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal: sig }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      const running = handle.worker.running();
      log.info(
        { signal: sig, running: running?.job ?? null },
        running ? 'stopping: letting the running job reach a safe point' : 'stopping',
      );
      handle
        .stop()
        .then(() => {
          log.info('scheduler stopped');
          resolve();
        })
        .catch((err: unknown) => {
          log.error({ err }, 'error while stopping');
          process.exitCode = 1;
          resolve();
        });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function runCommand(
  job: string,
  opts: CommonOptions & { date?: string; wait: boolean },
): Promise<void> {
  if (!(SCHEDULED_JOBS as readonly string[]).includes(job))
    throw new UserError(`unknown job "${job}": use ${SCHEDULED_JOBS.join(' or ')}`);
  const config = resolveConfig(opts);
  if (!opts.wait) config.schedule.ingest.waitForDropMinutes = 0;
  const log = createLogger({ level: opts.logLevel });
  const stop = stopOnSignals();
  const report = await runJob(
    { config, catalog: loadCatalog(config), log, env: process.env, jobs: SCHEDULED_JOB_TABLE },
    {
      job: job as ScheduledJob,
      dueMs: Date.now(),
      trigger: 'manual',
      date: opts.date,
      signal: stop.signal,
    },
  ).finally(() => stop.dispose());
  console.log(
    `${report.job} as of ${report.asOf}: ${report.state}${report.error ? `: ${report.error}` : ''}${report.alert ? ` (alert: ${report.alert})` : ''}`,
  );
  if (report.state !== 'succeeded') process.exitCode = report.state === 'skipped' ? 4 : 2;
}
