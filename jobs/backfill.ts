// Backfill: reload the drops of a date range (the ones never loaded, the ones whose files changed, or all), then
// recompute the daily metrics of the whole range a week at a time, then the weekly ones. Never sends e-mail.
import { existsSync } from 'node:fs';
import type { JobContext, JobRequest } from '../src/context.js';
import { dateRange } from '../src/dates.js';
import { UserError } from '../src/errors.js';
import { discoverDrop, type DiscoveredDrop } from '../src/ingest/drop.js';
import { writeCatalog } from '../src/warehouse/catalogTables.js';
import {
  recomputeDailyMetrics,
  recomputeWeeklyMetrics,
  rowsPerPass,
  weekChunks,
  weekEndDow,
} from '../src/warehouse/metrics.js';
import { finishRun, startRun } from '../src/warehouse/runLedger.js';
import { dropDirFor } from '../src/schedule/dropWait.js';
import type { Reprocess } from './choices.js';
import { loadOneDrop } from './ingest.js';

export { REPROCESS, type Reprocess } from './choices.js';

export interface PlannedDate {
  date: string;
  action: 'load' | 'reload' | 'keep' | 'no_drop';
  reason: string;
  found?: DiscoveredDrop;
}

/** `asOf` is the last date of the range (included); `from` its first. */
export interface BackfillRequest extends JobRequest {
  from: string;
  reprocess?: Reprocess;
  dryRun?: boolean;
  exportsRoot?: string;
  onProgress?: (done: number, total: number, date: string) => void;
  /** told after each week's daily metrics are recomputed and committed: weeks done, weeks in all, its last date */
  onMetricsProgress?: (done: number, total: number, through: string) => void;
}

export interface BackfillResult {
  plan: PlannedDate[];
  loaded: string[];
  rowsLoaded: number;
  rowsRejected: number;
  errors: number;
  recomputed: { from: string; to: string } | null;
  seconds: number;
}

/** What a backfill would do for each date of the range. Reads the drops (to hash them); writes nothing. */
export async function planBackfill(ctx: JobContext, req: BackfillRequest): Promise<PlannedDate[]> {
  const reprocess = req.reprocess ?? 'missing';
  const root = req.exportsRoot ?? ctx.config.exportsRoot;
  const loads = new Map(
    (
      await ctx.wh.all(
        'SELECT snapshot_date, metrics_at FROM loads WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE',
        { from: req.from, to: req.asOf },
      )
    ).map((r) => [String(r.snapshot_date), r.metrics_at]),
  );
  const plan: PlannedDate[] = [];
  for (const date of dateRange(req.from, req.asOf)) {
    const dir = dropDirFor(root, date);
    const loaded = loads.has(date);
    if (!existsSync(dir)) {
      plan.push({
        date,
        action: loaded ? 'keep' : 'no_drop',
        reason: loaded ? 'loaded; its drop folder is gone, so the loaded data is kept' : 'no drop folder',
      });
      continue;
    }
    if (!loaded) {
      plan.push({ date, action: 'load', reason: 'never loaded' });
      continue;
    }
    if (reprocess === 'all') {
      plan.push({ date, action: 'reload', reason: '--reprocess all' });
      continue;
    }
    if (reprocess === 'changed') {
      const found = await discoverDrop(dir, ctx.config.ingest.maxFileBytes);
      const before = new Map(
        (
          await ctx.wh.all('SELECT path, sha256 FROM load_files WHERE snapshot_date = $date::DATE', { date })
        ).map((r) => [String(r.path), String(r.sha256)]),
      );
      // The manifest describes the files; only the files themselves decide whether a date is reloaded.
      before.delete('manifest.json');
      const now = new Map(found.files.filter((f) => f.kind !== 'manifest').map((f) => [f.rel, f.sha256]));
      const changed = [...now].filter(([p, h]) => before.has(p) && before.get(p) !== h).map(([p]) => p);
      const added = [...now.keys()].filter((p) => !before.has(p));
      const removed = [...before.keys()].filter((p) => !now.has(p));
      if (changed.length + added.length + removed.length > 0) {
        const parts = [
          changed.length
            ? `${changed.length} changed (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''})`
            : '',
          added.length ? `${added.length} added` : '',
          removed.length ? `${removed.length} removed` : '',
        ].filter(Boolean);
        plan.push({ date, action: 'reload', reason: `files ${parts.join(', ')} since loaded`, found });
        continue;
      }
    }
    plan.push({
      date,
      action: 'keep',
      reason:
        loads.get(date) === null
          ? 'loaded; its metrics were never finished, so they are recomputed'
          : 'loaded, unchanged',
    });
  }
  return plan;
}

/**
 * The daily metrics of the range a week per transaction: at 10× the rows written by one transaction over 89 nights
 * outgrew DuckDB's 768 MB (what a transaction writes is held until it commits). A failure keeps the weeks done.
 */
async function recomputeWeeks(
  ctx: JobContext,
  range: { from: string; to: string },
  onProgress: BackfillRequest['onMetricsProgress'],
): Promise<void> {
  const { wh, config, log } = ctx;
  const chunks = weekChunks(range, weekEndDow(config));
  for (const [i, chunk] of chunks.entries()) {
    await wh.transaction(() =>
      recomputeDailyMetrics(wh, chunk, {
        partnerTenantId: config.partner.tenantId,
        log,
        weekEndDow: weekEndDow(config),
        rowsPerPass: rowsPerPass(config.warehouse.memoryLimit),
      }),
    );
    onProgress?.(i + 1, chunks.length, chunk.to);
    log.info({ ...chunk, done: i + 1, of: chunks.length }, 'backfill: daily metrics recomputed');
  }
}

export async function backfill(ctx: JobContext, req: BackfillRequest): Promise<BackfillResult> {
  const started = process.hrtime.bigint();
  if (req.from > req.asOf) throw new UserError(`--from ${req.from} is after --to ${req.asOf}`);
  const { wh, config, log } = ctx;
  const root = req.exportsRoot ?? config.exportsRoot;
  const plan = await planBackfill(ctx, req);
  const result: BackfillResult = {
    plan,
    loaded: [],
    rowsLoaded: 0,
    rowsRejected: 0,
    errors: 0,
    recomputed: null,
    seconds: 0,
  };
  if (req.dryRun) return result;

  const runId = await startRun(wh, {
    job: 'backfill',
    trigger: req.trigger,
    dueAt: req.dueAt,
    params: { from: req.from, to: req.asOf, reprocess: req.reprocess ?? 'missing' },
  });
  try {
    await wh.transaction(() => writeCatalog(wh, ctx.catalog));
    const todo = plan.filter((p) => p.action === 'load' || p.action === 'reload');
    let done = 0;
    for (const p of todo) {
      // One transaction per date: a crash keeps every date loaded so far, and never half a date.
      const s = await wh.transaction(() =>
        loadOneDrop(ctx, { date: p.date, dropDir: dropDirFor(root, p.date), runId, found: p.found }),
      );
      result.loaded.push(p.date);
      result.rowsLoaded += s.rowsLoaded;
      result.rowsRejected += s.rowsRejected;
      result.errors += s.issues.filter((i) => i.severity === 'error').length;
      done++;
      req.onProgress?.(done, todo.length, p.date);
      log.info(
        { date: p.date, done, total: todo.length, rowsLoaded: s.rowsLoaded, outcome: s.outcome },
        'backfill: drop loaded',
      );
    }
    const [span] = await wh.all(
      'SELECT min(snapshot_date) AS f, max(snapshot_date) AS t FROM loads WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE',
      { from: req.from, to: req.asOf },
    );
    if (span?.f) {
      result.recomputed = { from: String(span.f), to: String(span.t) };
      log.info(result.recomputed, 'backfill: recomputing daily and weekly metrics');
      await recomputeWeeks(ctx, result.recomputed, req.onMetricsProgress);
      await wh.transaction(() => recomputeWeeklyMetrics(wh, result.recomputed!.from, config));
    }
    result.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await finishRun(wh, runId, {
      state: 'succeeded',
      counts: {
        loaded: result.loaded.length,
        rowsLoaded: result.rowsLoaded,
        rowsRejected: result.rowsRejected,
        errors: result.errors,
        recomputed: result.recomputed,
      },
    });
    return result;
  } catch (err) {
    await finishRun(wh, runId, { state: 'failed', error: (err as Error).message }).catch(() => undefined);
    throw err;
  }
}
