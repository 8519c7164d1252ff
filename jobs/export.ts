// Exports one day of a metric table as CSV, Parquet or JSON, written to a temporary name and renamed into place.
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { JobContext } from '../src/context.js';
import { UserError } from '../src/errors.js';
import { spreadsheetSafeSelect } from '../src/deliver/csvSafe.js';
import { makeDir, plainDiskError, removeLeftoverTemporaries } from '../src/deliver/files.js';

export const EXPORTABLE_TABLES = {
  adoption_daily: 'customer_id, sku_id',
  adoption_workload_daily: 'customer_id, sku_id, workload',
  adoption_customer_daily: 'customer_id',
  adoption_portfolio_daily: 'owner_email',
} as const;

export type ExportTable = keyof typeof EXPORTABLE_TABLES;
export const EXPORT_FORMATS = ['csv', 'parquet', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const COPY_OPTIONS: Record<ExportFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  parquet: 'FORMAT parquet',
  json: 'FORMAT json, ARRAY true',
};

export async function exportTable(
  ctx: JobContext,
  opts: {
    date: string;
    table: ExportTable;
    format: ExportFormat;
    out: string;
    /** CSV/JSON for machines: text exactly as stored, without the spreadsheet-safe quote */
    raw?: boolean;
  },
): Promise<{ rows: number; file: string }> {
  const orderBy = EXPORTABLE_TABLES[opts.table];
  if (!orderBy)
    throw new UserError(
      `unknown table "${opts.table}"; choose one of ${Object.keys(EXPORTABLE_TABLES).join(', ')}`,
    );
  const [count] = await ctx.wh.all(
    `SELECT count(*)::INTEGER AS n FROM ${opts.table} WHERE snapshot_date = $date::DATE`,
    { date: opts.date },
  );
  const rows = Number(count?.n ?? 0);
  if (rows === 0) {
    throw new UserError(
      `${opts.table} has no rows for ${opts.date}: has that date been ingested? (see \`adoption status\`)`,
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
  // Opened in a spreadsheet, text starting with = + - @ tab or CR must stay text (CSV injection).
  const select =
    opts.raw || opts.format === 'parquet'
      ? '*'
      : spreadsheetSafeSelect(
          (await ctx.wh.all(`DESCRIBE SELECT * FROM ${opts.table}`)).map((c) => ({
            name: String(c.column_name),
            type: String(c.column_type),
          })),
        );
  try {
    await ctx.wh.run(
      `COPY (SELECT ${select} FROM ${opts.table} WHERE snapshot_date = $date::DATE ORDER BY ${orderBy}) TO $out (${COPY_OPTIONS[opts.format]})`,
      { date: opts.date, out: tmp },
    );
    renameSync(tmp, file);
  } catch (err) {
    // A full or read-only disk is about the file asked for, not its temporary name; the old file is untouched.
    if (err instanceof UserError)
      throw new UserError(`${err.message.split(tmp).join(file)} (nothing was written there)`);
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  ctx.log.info({ table: opts.table, date: opts.date, rows, file }, 'exported');
  return { rows, file };
}
