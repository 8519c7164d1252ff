// The jobs the scheduler runs (src/schedule/runner.ts), each turned into the outcome the run log and the alert
// speak of. The composition root (cli/) hands this table to the runner, so that src/ never imports jobs/.
import type { JobContext } from '../src/context.js';
import type { JobOutcome, ScheduledJobTable, ScheduledRequest } from '../src/schedule/scheduledJobs.js';
import { collectForSchedule } from './collect.js';
import { sendDigests } from './digest.js';
import { ingest } from './ingest.js';
import { exportLake } from './lake.js';
import { compact } from '../src/warehouse/compaction.js';

export const SCHEDULED_JOB_TABLE: ScheduledJobTable = {
  collect: collectForSchedule,

  async ingest(ctx, req) {
    const summary = await ingest(ctx, req);
    const counts: Record<string, unknown> = {
      rowsLoaded: summary.rowsLoaded,
      rowsRejected: summary.rowsRejected,
      outcome: summary.outcome,
    };
    // The lake follows each night: only the partitions the night changed are written again.
    if (ctx.config.lake.path) {
      const lake = await exportLake(ctx, { ...req, dir: ctx.config.lake.path });
      counts.lakePartitionsWritten = lake.written;
    }
    return { state: 'succeeded', counts };
  },

  async digest(ctx, req): Promise<JobOutcome> {
    const outcome = await digestOutcome(ctx, req);
    // Once a week, after the digests (it delays none of them): the row groups the week's commits left are merged.
    // Not when the worker is stopping.
    if (req.signal?.aborted) return outcome;
    try {
      const compacted = await compact(ctx.wh, 'schedule');
      outcome.counts.compactedSeconds = +compacted.seconds.toFixed(2);
    } catch (err) {
      const error = `compacting the warehouse failed: ${(err as Error).message}`;
      return { ...outcome, state: 'failed', error: outcome.error ? `${outcome.error}; ${error}` : error };
    }
    return outcome;
  },
};

/** The digest run's outcome: failed when any digest was not delivered, or may not have been. */
async function digestOutcome(ctx: JobContext, req: ScheduledRequest): Promise<JobOutcome> {
  const res = await sendDigests(ctx, {
    asOf: req.asOf,
    trigger: req.trigger,
    dueAt: req.dueAt,
    signal: req.signal,
    env: req.env,
  });
  const failed = res.outcomes.filter((o) => o.state === 'failed').length;
  const uncertain = res.outcomes.filter((o) => o.state === 'uncertain').length;
  const counts = {
    recipients: res.outcomes.length,
    failed,
    uncertain,
    week: res.week,
    // e.g. the recipients config does not describe: one line for the run
    ...(res.notes.length ? { notes: res.notes } : {}),
  };
  if (res.stopped) return { state: 'failed', error: res.stopped, counts };
  if (failed === 0 && uncertain === 0) return { state: 'succeeded', counts };
  const error = [
    failed ? `${failed} digest(s) not delivered` : '',
    uncertain ? `${uncertain} digest(s) uncertain (maybe delivered)` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return { state: 'failed', error, counts };
}
