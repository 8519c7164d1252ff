// The nightly ingest: load one drop, check it, and compute that date's metrics.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { JobContext, JobRequest } from '../src/context.js';
import { UserError } from '../src/errors.js';
import { discoverDrop, type DiscoveredDrop } from '../src/ingest/drop.js';
import { describeIssue } from '../src/ingest/issues.js';
import { loadDrop } from '../src/ingest/loadDrop.js';
import { recordLoad } from '../src/ingest/loadLedger.js';
import { writeCatalog } from '../src/warehouse/catalogTables.js';
import {
  recomputeDailyMetrics,
  recomputeWeeklyMetrics,
  rowsPerPass,
  weekEndDow,
} from '../src/warehouse/metrics.js';
import { finishRun, startRun } from '../src/warehouse/runLedger.js';
import { dropDirFor } from '../src/schedule/dropWait.js';
import type { IngestSummary } from '../src/ingest/report.js';

export type { IngestSummary };

/** `asOf` is the date of the drop to load (its folder name). */
export interface IngestRequest extends JobRequest {
  exportsRoot?: string;
  /** the drop as already discovered and hashed (the scheduler checks it against its manifest first) */
  found?: DiscoveredDrop;
}

/** Loads the drop of one date into staging, without computing metrics (a backfill computes them once for a range). */
export async function loadOneDrop(
  ctx: JobContext,
  opts: { date: string; dropDir: string; runId: string; found?: DiscoveredDrop | undefined },
): Promise<Omit<IngestSummary, 'customers' | 'metricRows' | 'seconds'>> {
  const { wh, config, catalog, log } = ctx;
  const { date, dropDir } = opts;
  const t0 = process.hrtime.bigint();
  const found = opts.found ?? (await discoverDrop(dropDir, config.ingest.maxFileBytes));
  log.debug(
    {
      date,
      phase: 'discover and hash',
      ms: Number(process.hrtime.bigint() - t0) / 1e6,
      files: found.files.length,
    },
    'load phase done',
  );
  const load = await loadDrop(wh, { config, catalog, log, date, files: found.files, issues: found.issues });
  const totals = await recordLoad(wh, {
    date,
    runId: opts.runId,
    dropPath: path.resolve(dropDir),
    files: found.files.length,
    outcomes: load.outcomes.values(),
    issues: load.issues,
  });
  return {
    date,
    dropDir,
    outcome: totals.outcome,
    files: found.files.length,
    filesSetAside: totals.filesSetAside,
    rowsLoaded: totals.rowsLoaded,
    rowsRejected: totals.rowsRejected,
    issues: load.issues,
    missingSources: load.missingSources,
    excluded: Object.fromEntries(load.excluded),
  };
}

export function assertDropExists(dropDir: string, date: string): void {
  if (!existsSync(dropDir) || !statSync(dropDir).isDirectory()) {
    throw new UserError(`no drop for ${date}: the folder ${dropDir} does not exist`);
  }
}

/** The night's daily metrics and the weekly metrics of its week, inside the ingest's transaction. */
async function computeNightMetrics(ctx: JobContext, asOf: string): Promise<void> {
  const { wh, config, log } = ctx;
  await recomputeDailyMetrics(
    wh,
    { from: asOf, to: asOf },
    {
      partnerTenantId: config.partner.tenantId,
      log,
      weekEndDow: weekEndDow(config),
      rowsPerPass: rowsPerPass(config.warehouse.memoryLimit),
    },
  );
  const t1 = process.hrtime.bigint();
  await recomputeWeeklyMetrics(wh, asOf, config, log);
  log.debug({ phase: 'weekly metrics', ms: Number(process.hrtime.bigint() - t1) / 1e6 }, 'load phase done');
}

export async function ingest(ctx: JobContext, req: IngestRequest): Promise<IngestSummary> {
  const { asOf } = req;
  const started = process.hrtime.bigint();
  const { wh, config, log } = ctx;
  const dropDir = dropDirFor(req.exportsRoot ?? config.exportsRoot, asOf);
  const runId = await startRun(wh, {
    job: 'ingest',
    trigger: req.trigger,
    dueAt: req.dueAt,
    params: { date: asOf, dropDir },
  });
  try {
    assertDropExists(dropDir, asOf);
    log.info({ date: asOf, dropDir }, 'ingest started');
    let workDone = 0n;
    const summary = await wh.transaction(async () => {
      await writeCatalog(wh, ctx.catalog);
      const loaded = await loadOneDrop(ctx, { date: asOf, dropDir, runId, found: req.found });
      if (loaded.rowsLoaded === 0) {
        // Nothing usable: keep what the warehouse had for this date rather than replace it with nothing.
        const why = loaded.issues.filter((i) => i.severity === 'error').slice(0, 3);
        throw new UserError(
          `the drop of ${asOf} has no row that could be loaded${why.length ? `: ${why.map(describeIssue).join('; ')}` : ''}`,
        );
      }
      await computeNightMetrics(ctx, asOf);
      workDone = process.hrtime.bigint();
      return loaded;
    });
    // DuckDB checkpoints at this commit: it compresses the night's new rows. It merges no row groups (the weekly
    // compaction does: Warehouse.compact).
    log.debug(
      { phase: 'commit (DuckDB checkpoint)', ms: Number(process.hrtime.bigint() - workDone) / 1e6 },
      'load phase done',
    );
    const [counts] = await wh.all(
      `SELECT count(*)::INTEGER AS metric_rows, count(DISTINCT customer_id)::INTEGER AS customers FROM adoption_daily WHERE snapshot_date = $date::DATE`,
      { date: asOf },
    );
    const result: IngestSummary = {
      ...summary,
      customers: Number(counts?.customers ?? 0),
      metricRows: Number(counts?.metric_rows ?? 0),
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
    await finishRun(wh, runId, {
      state: 'succeeded',
      counts: {
        files: result.files,
        rowsLoaded: result.rowsLoaded,
        rowsRejected: result.rowsRejected,
        metricRows: result.metricRows,
        outcome: result.outcome,
      },
    });
    log.info(
      {
        date: asOf,
        outcome: result.outcome,
        rowsLoaded: result.rowsLoaded,
        rowsRejected: result.rowsRejected,
        metricRows: result.metricRows,
      },
      'ingest finished',
    );
    return result;
  } catch (err) {
    await finishRun(wh, runId, { state: 'failed', error: (err as Error).message }).catch(() => undefined);
    throw err;
  }
}
