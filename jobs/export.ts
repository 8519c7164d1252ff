// Exports one day of a daily metric table, or one week of a weekly one, as CSV, Parquet or JSON, with the customer's
// and product's names beside their ids (queries/exports/); written to a temporary name and renamed into place.
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { JobContext } from '../src/context.js';
import { UserError } from '../src/errors.js';
import { weekEndDow } from '../src/warehouse/metrics.js';
import { spreadsheetSafeSelect } from '../src/deliver/csvSafe.js';
import { makeDir, plainDiskError, removeLeftoverTemporaries } from '../src/deliver/files.js';

/** Each exportable table and the column its period is chosen by. */
export const EXPORTABLE_TABLES = {
  adoption_daily: 'snapshot_date',
  adoption_workload_daily: 'snapshot_date',
  adoption_customer_daily: 'snapshot_date',
  adoption_portfolio_daily: 'snapshot_date',
  adoption_weekly: 'week_ending',
  adoption_workload_weekly: 'week_ending',
  adoption_customer_weekly: 'week_ending',
  adoption_portfolio_weekly: 'week_ending',
  licence_spend_daily: 'snapshot_date',
  licence_spend_customer_daily: 'snapshot_date',
  licence_spend_owner_daily: 'snapshot_date',
  licence_spend_portfolio_daily: 'snapshot_date',
} as const;

export type ExportTable = keyof typeof EXPORTABLE_TABLES;
export const EXPORT_FORMATS = ['csv', 'parquet', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const COPY_OPTIONS: Record<ExportFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  parquet: 'FORMAT parquet',
  json: 'FORMAT json, ARRAY true',
};

const EXTENSIONS: Record<string, ExportFormat> = {
  '.csv': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
};

/**
 * The format to write: --format when given (refused when the file's extension says another), else the one the
 * extension names. Pure.
 */
export function exportFormat(out: string, format: ExportFormat | undefined): ExportFormat {
  const ext = path.extname(out).toLowerCase();
  const byExtension = EXTENSIONS[ext];
  if (format) {
    if (byExtension && byExtension !== format)
      throw new UserError(
        `--format ${format} does not match the file name ${path.basename(out)} (${ext} is ${byExtension}): change one of them`,
      );
    return format;
  }
  if (!byExtension)
    throw new UserError(
      `cannot tell the format from the file name ${path.basename(out)}: end it in .csv, .parquet or .json, or give --format`,
    );
  return byExtension;
}

export async function exportTable(
  ctx: JobContext,
  opts: {
    date: string;
    table: ExportTable;
    format?: ExportFormat | undefined;
    out: string;
    /** CSV/JSON for machines: text exactly as stored, without the spreadsheet-safe quote */
    raw?: boolean;
  },
): Promise<{ rows: number; file: string; period: string; format: ExportFormat }> {
  const periodColumn = EXPORTABLE_TABLES[opts.table];
  if (!periodColumn)
    throw new UserError(
      `unknown table "${opts.table}"; choose one of ${Object.keys(EXPORTABLE_TABLES).join(', ')}`,
    );
  const format = exportFormat(opts.out, opts.format);
  const weekly = periodColumn === 'week_ending';
  let period = opts.date;
  if (weekly) {
    const [w] = await ctx.wh.all('SELECT week_ending($d::DATE, $dow)::VARCHAR AS w', {
      d: opts.date,
      dow: weekEndDow(ctx.config),
    });
    period = String(w!.w);
  }
  const [count] = await ctx.wh.all(
    `SELECT count(*)::INTEGER AS n FROM ${opts.table} WHERE ${periodColumn} = $p::DATE`,
    { p: period },
  );
  const rows = Number(count?.n ?? 0);
  if (rows === 0) {
    throw new UserError(
      weekly
        ? `${opts.table} has no rows for the week ending ${period}${period !== opts.date ? ` (the week holding ${opts.date})` : ''}: have its drops been ingested? (see \`adoption status\`)`
        : `${opts.table} has no rows for ${opts.date}: has that date been ingested? (see \`adoption status\`)`,
    );
  }
  const file = path.resolve(opts.out);
  try {
    makeDir(path.dirname(file));
  } catch (err) {
    throw plainDiskError(err, file);
  }
  // What a killed export left behind goes first.
  removeLeftoverTemporaries(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const query = ctx.wh.sql(`exports/${opts.table}`);
  // Opened in a spreadsheet, text starting with = + - @ tab or CR must stay text (CSV injection).
  const select =
    opts.raw || format === 'parquet'
      ? '*'
      : spreadsheetSafeSelect(await ctx.wh.columnsOf(query, weekly ? { week: period } : { date: period }));
  try {
    await ctx.wh.run(`COPY (SELECT ${select} FROM (${query})) TO $out (${COPY_OPTIONS[format]})`, {
      date: period,
      week: period,
      out: tmp,
    });
    renameSync(tmp, file);
  } catch (err) {
    // A full or read-only disk is about the file asked for, not its temporary name; the old file is untouched.
    if (err instanceof UserError)
      throw new UserError(`${err.message.split(tmp).join(file)} (nothing was written there)`);
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  ctx.log.info({ table: opts.table, period, rows, file, format }, 'exported');
  return { rows, file, period, format };
}
