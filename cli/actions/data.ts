// The actions of ingest, export, backfill, compact and status (cli/commands/data.ts).
import { backfill, type BackfillResult } from '../../jobs/backfill.js';
import type { ExportFormat, ExportTable, Reprocess } from '../../jobs/choices.js';
import { EXPORTABLE_TABLES, exportTable } from '../../jobs/export.js';
import { ingest } from '../../jobs/ingest.js';
import { exportLake } from '../../jobs/lake.js';
import { progressReporter } from '../../src/cli/progress.js';
import { resolveConfig, today, withContext, type CommonOptions } from '../../src/cli/runtime.js';
import type { Config } from '../../src/config/schema.js';
import { UserError } from '../../src/errors.js';
import { formatIngestReport } from '../../src/ingest/report.js';
import { compact, formatCompaction } from '../../src/warehouse/compaction.js';

function refuseFuture(option: string, date: string, config: Config): void {
  const now = today(config);
  if (date > now)
    throw new UserError(
      `${option} ${date} is in the future (today is ${now} in ${config.defaults.timeZone})`,
    );
}

export async function ingestCommand(opts: CommonOptions & { date: string; strict?: boolean }): Promise<void> {
  refuseFuture('--date', opts.date, resolveConfig(opts));
  const summary = await withContext(
    opts,
    (ctx) => {
      // Node's start-up, the configuration and the warehouse's opening: the benchmark's account of the time.
      ctx.log.debug(
        { phase: 'start-up and opening the warehouse', ms: process.uptime() * 1000 },
        'load phase done',
      );
      return ingest(ctx, { asOf: opts.date, trigger: 'manual' });
    },
    undefined,
    { create: true },
  );
  console.log(formatIngestReport(summary));
  if (opts.strict && summary.outcome !== 'loaded') process.exitCode = 3;
}

export async function compactCommand(opts: CommonOptions): Promise<void> {
  const done = await withContext(opts, (ctx) => compact(ctx.wh, 'manual'));
  console.log(formatCompaction(done));
}

export async function exportCommand(
  opts: CommonOptions & {
    date?: string;
    table: ExportTable;
    format?: ExportFormat;
    out?: string;
    raw?: boolean;
    lake?: string;
  },
): Promise<void> {
  const { lake: lakeDir, date, out } = opts;
  if (lakeDir) {
    const lake = await withContext(opts, (ctx) =>
      exportLake(ctx, { asOf: today(ctx.config), trigger: 'manual', dir: lakeDir }),
    );
    console.log(
      `lake ${lake.dir}: ${lake.written} partition(s) written, ${lake.removed} removed, ${lake.unchanged} unchanged`,
    );
    return;
  }
  if (!date || !out)
    throw new UserError('export needs --date and --out (or --lake DIR for the whole history as Parquet)');
  const res = await withContext(opts, (ctx) =>
    exportTable(ctx, { ...opts, asOf: date, trigger: 'manual', out }),
  );
  const what = EXPORTABLE_TABLES[opts.table] === 'week_ending' ? `the week ending ${res.period}` : date;
  console.log(`wrote ${res.rows} rows of ${opts.table} for ${what} to ${res.file} (${res.format})`);
}

type BackfillOptions = CommonOptions & { from: string; to: string; reprocess: Reprocess; dryRun?: boolean };

export async function backfillCommand(opts: BackfillOptions): Promise<void> {
  const config = resolveConfig(opts);
  if (opts.from > opts.to) throw new UserError(`--from ${opts.from} is after --to ${opts.to}`);
  refuseFuture('--to', opts.to, config);
  const progress = progressReporter('backfill');
  const metrics = progressReporter('metrics recomputed, a week at a time');
  const result = await withContext(
    opts,
    (ctx) =>
      backfill(ctx, {
        from: opts.from,
        asOf: opts.to,
        trigger: 'backfill',
        reprocess: opts.reprocess,
        dryRun: opts.dryRun,
        onProgress: progress.update,
        onMetricsProgress: (done, total, through) => {
          progress.stop();
          metrics.update(done, total, `through ${through}`);
        },
      }),
    undefined,
    { create: true },
  ).finally(() => {
    progress.stop();
    metrics.stop();
  });
  printBackfill(opts, result);
}

function printBackfill(opts: BackfillOptions, result: BackfillResult): void {
  const counts = (a: string) => result.plan.filter((p) => p.action === a).length;
  if (opts.dryRun) {
    console.log(`dry run: nothing changed. For ${opts.from} … ${opts.to} (--reprocess ${opts.reprocess}):`);
    for (const p of result.plan) console.log(`  ${p.date}  ${p.action.padEnd(7)} ${p.reason}`);
  }
  console.log(
    `${opts.dryRun ? 'would load' : 'loaded'} ${counts('load')} new and ${opts.dryRun ? 'reload' : 'reloaded'} ${counts('reload')} changed drop(s); kept ${counts('keep')}; ${counts('no_drop')} date(s) have no drop`,
  );
  if (opts.dryRun) return;
  console.log(`rows loaded ${result.rowsLoaded}, set aside ${result.rowsRejected}, errors ${result.errors}`);
  console.log(
    result.recomputed
      ? `metrics recomputed for ${result.recomputed.from} … ${result.recomputed.to} in ${result.seconds.toFixed(1)} s`
      : 'no loaded date in the range: nothing to recompute',
  );
}
