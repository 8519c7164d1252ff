// `adoption export --lake DIR`: every metric table as Parquet partitioned by date in the Hive layout
// (<table>/snapshot_date=YYYY-MM-DD/data.parquet; weekly tables by week_ending), so that Spark, Trino, Microsoft
// Fabric or Power BI read the history without touching the warehouse. Incremental: each partition's fingerprint (a
// hash over its rows) is kept in <DIR>/_lake_state.json and only partitions whose rows changed are rewritten; each is
// written beside its place and renamed into it, so a reader never sees half a partition.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { JobContext, JobRequest } from '../src/context.js';
import { writeFileAtomic } from '../src/deliver/files.js';
import { UserError } from '../src/errors.js';

/** The metric tables of the lake and the column each is partitioned by. */
export const LAKE_TABLES = {
  adoption_daily: 'snapshot_date',
  adoption_workload_daily: 'snapshot_date',
  adoption_customer_daily: 'snapshot_date',
  adoption_portfolio_daily: 'snapshot_date',
  licence_spend_daily: 'snapshot_date',
  licence_spend_customer_daily: 'snapshot_date',
  licence_spend_owner_daily: 'snapshot_date',
  licence_spend_portfolio_daily: 'snapshot_date',
  adoption_weekly: 'week_ending',
  adoption_workload_weekly: 'week_ending',
  adoption_customer_weekly: 'week_ending',
  adoption_portfolio_weekly: 'week_ending',
} as const;

type LakeState = Record<string, Record<string, string>>;

export interface LakeResult {
  dir: string;
  written: number;
  removed: number;
  unchanged: number;
  /** table → partitions rewritten */
  changed: Record<string, string[]>;
}

const STATE_FILE = '_lake_state.json';

function readState(dir: string): LakeState {
  const file = path.join(dir, STATE_FILE);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LakeState;
  } catch {
    return {}; // a damaged state only costs a full rewrite
  }
}

/** `asOf` is the day the lake is brought up to date on; every date the warehouse holds is written. */
export async function exportLake(ctx: JobContext, req: JobRequest & { dir: string }): Promise<LakeResult> {
  const dir = path.resolve(req.dir);
  mkdirSync(dir, { recursive: true });
  const state = readState(dir);
  const result: LakeResult = { dir, written: 0, removed: 0, unchanged: 0, changed: {} };
  for (const [table, column] of Object.entries(LAKE_TABLES)) {
    // Table and column names are ours (LAKE_TABLES); the partition values travel as parameters.
    const rows = await ctx.wh.all(
      `SELECT t.${column}::VARCHAR AS part, sum(hash(t))::VARCHAR AS fingerprint FROM ${table} t GROUP BY 1 ORDER BY 1`,
    );
    const before = state[table] ?? {};
    const now: Record<string, string> = {};
    const changed: string[] = [];
    for (const r of rows) {
      const part = String(r.part);
      now[part] = String(r.fingerprint);
      const target = path.join(dir, table, `${column}=${part}`);
      if (before[part] === now[part] && existsSync(path.join(target, 'data.parquet'))) {
        result.unchanged++;
        continue;
      }
      const staging = `${target}.tmp-${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      await ctx.wh.run(
        `COPY (SELECT * EXCLUDE (${column}) FROM ${table} WHERE ${column} = $part::DATE) TO $file (FORMAT parquet)`,
        { part, file: path.join(staging, 'data.parquet') },
      );
      // Swap the partition in: the old one moves aside first, so the path always holds a whole partition or none.
      const old = `${target}.old-${process.pid}`;
      if (existsSync(target)) renameSync(target, old);
      renameSync(staging, target);
      rmSync(old, { recursive: true, force: true });
      changed.push(part);
      result.written++;
    }
    // Dates the warehouse no longer holds (a date deleted, a week recomputed away) leave the lake too.
    for (const part of Object.keys(before)) {
      if (part in now) continue;
      rmSync(path.join(dir, table, `${column}=${part}`), { recursive: true, force: true });
      result.removed++;
      changed.push(part);
    }
    state[table] = now;
    if (changed.length) result.changed[table] = changed;
    // After each table, so that an export stopped half way redoes only what it had not finished.
    writeFileAtomic(path.join(dir, STATE_FILE), JSON.stringify(state, null, 1));
  }
  if (result.written + result.removed + result.unchanged === 0)
    throw new UserError('the warehouse has no metric rows to export: ingest or backfill some drops first');
  ctx.log.info({ dir, written: result.written, removed: result.removed }, 'lake exported');
  return result;
}
