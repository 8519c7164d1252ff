// Exports one day of a daily metric table, or one week of a weekly one, as CSV, Parquet or JSON, with the customer's
// and product's names beside their ids (queries/exports/); written to a temporary name and renamed into place.
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { JobContext, JobRequest } from '../src/context.js';
import { UserError } from '../src/errors.js';
import { weekEndDow } from '../src/warehouse/metrics.js';
import { spreadsheetSafeSelect } from '../src/deliver/csvSafe.js';
import { makeDir, plainDiskError, removeLeftoverTemporaries } from '../src/deliver/files.js';
import { EXPORTABLE_TABLES, type ExportFormat, type ExportTable } from './choices.js';

export { EXPORTABLE_TABLES, EXPORT_FORMATS, type ExportFormat, type ExportTable } from './choices.js';

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

/** `asOf` is the day to export (daily tables), or a date in the week to export (weekly tables). */
export interface ExportRequest extends JobRequest {
  table: ExportTable;
  format?: ExportFormat | undefined;
  out: string;
  /** CSV/JSON for machines: text exactly as stored, without the spreadsheet-safe quote */
  raw?: boolean | undefined;
}

export async function exportTable(
  ctx: JobContext,
  req: ExportRequest,
): Promise<{ rows: number; file: string; period: string; format: ExportFormat }> {
  const periodColumn = EXPORTABLE_TABLES[req.table];
  if (!periodColumn)
    throw new UserError(
      `unknown table "${req.table}"; choose one of ${Object.keys(EXPORTABLE_TABLES).join(', ')}`,
    );
  const format = exportFormat(req.out, req.format);
  const weekly = periodColumn === 'week_ending';
  let period = req.asOf;
  if (weekly) {
    const [w] = await ctx.wh.all('SELECT week_ending($d::DATE, $dow)::VARCHAR AS w', {
      d: req.asOf,
      dow: weekEndDow(ctx.config),
    });
    period = String(w!.w);
  }
  const [count] = await ctx.wh.all(
    `SELECT count(*)::INTEGER AS n FROM ${req.table} WHERE ${periodColumn} = $p::DATE`,
    { p: period },
  );
  const rows = Number(count?.n ?? 0);
  if (rows === 0) {
    throw new UserError(
      weekly
        ? `${req.table} has no rows for the week ending ${period}${period !== req.asOf ? ` (the week holding ${req.asOf})` : ''}: have its drops been ingested? (see \`adoption status\`)`
        : `${req.table} has no rows for ${req.asOf}: has that date been ingested? (see \`adoption status\`)`,
    );
  }
  const file = path.resolve(req.out);
  try {
    makeDir(path.dirname(file));
  } catch (err) {
    throw plainDiskError(err, file);
  }
  // What a killed export left behind goes first.
  removeLeftoverTemporaries(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const query = ctx.wh.sql(`exports/${req.table}`);
  // Opened in a spreadsheet, text starting with = + - @ tab or CR must stay text (CSV injection).
  const select =
    req.raw || format === 'parquet'
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
  ctx.log.info({ table: req.table, period, rows, file, format }, 'exported');
  return { rows, file, period, format };
}
