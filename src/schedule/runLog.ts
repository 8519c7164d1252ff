// Scheduled runs that never reached their job, written to the run log all the same: the ones skipped (missed,
// overlapping, locked out) and the ones that ended before the job could record itself.
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { openWarehouse } from '../warehouse/open.js';
import { finishRun, startRun } from '../warehouse/runLedger.js';
import type { Trigger } from '../context.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { asOfDate } from './dueTimes.js';
import { runParams, utcTimestamp, type ScheduledJob } from './scheduledJobs.js';

/** Records runs that never started (skipped: missed, overlapping, locked out) in the run log. */
export async function recordSkipped(
  deps: { config: Config; log: Logger },
  entries: { job: ScheduledJob; dueMs: number; reason: string; trigger?: string }[],
): Promise<void> {
  if (entries.length === 0) return;
  const wh = await openWarehouse(deps.config, 'adoption schedule: recording skipped runs');
  try {
    for (const e of entries) {
      const id = await startRun(wh, {
        job: e.job,
        trigger: (e.trigger as Trigger | undefined) ?? 'schedule',
        dueAt: utcTimestamp(e.dueMs),
        params: runParams(e.job, asOfDate(deps.config, e.job, e.dueMs)),
      });
      await finishRun(wh, id, { state: 'skipped', error: e.reason });
    }
  } finally {
    wh.close();
  }
}

/** A run that ended before its job could record itself (the drop never came, the warehouse was busy). */
export async function recordOutcome(
  wh: Warehouse,
  req: { job: ScheduledJob; trigger: Trigger; dueMs: number },
  asOf: string,
  state: 'failed' | 'skipped',
  error: string,
): Promise<void> {
  const id = await startRun(wh, {
    job: req.job,
    trigger: req.trigger,
    dueAt: utcTimestamp(req.dueMs),
    params: runParams(req.job, asOf),
  });
  await finishRun(wh, id, { state, error });
}
