// The load's bookkeeping: what became of each file of the drop (load_files), every issue found (load_issues), and
// one row per date loaded (loads). A date's rows are cleared before its drop is loaded again, inside the caller's
// transaction, so that a crash part-way leaves the previous load of the date intact.
import { SPEND_STAGING_TABLES } from '../spend/loadSpendSources.js';
import { insertRows } from '../warehouse/insertRows.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { classify, type DropFile } from './drop.js';
import type { LoadIssue } from './issues.js';
import { runStaging } from './stagingSql.js';

export interface FileOutcome {
  loaded: number;
  rejected: number;
  status: 'loaded' | 'set_aside' | 'ignored';
}

/** What one source made of its files: their outcomes by drop-relative path, and the issues found. */
export interface SourceLoad {
  outcomes: Map<string, FileOutcome>;
  issues: LoadIssue[];
}

export function newSourceLoad(): SourceLoad {
  return { outcomes: new Map(), issues: [] };
}

export function setAside(): FileOutcome {
  return { loaded: 0, rejected: 0, status: 'set_aside' };
}

/** Every table a load writes by snapshot date, each with its queries/staging/<table>.sql. */
export const STAGING_TABLES = [
  'stg_customers',
  'stg_user_activity',
  'stg_assigned_products',
  'stg_subscriptions',
  'stg_subscribed_skus',
  'stg_pc_deployment',
  'stg_pc_usage',
  'stg_tickets',
  'stg_copilot_activity',
  'stg_copilot_reports',
  ...SPEND_STAGING_TABLES,
  'load_files',
  'load_issues',
] as const;

/** Removes what an earlier load of `date` wrote, so that the drop replaces it. */
export async function clearSnapshot(wh: Warehouse, date: string): Promise<void> {
  for (const table of STAGING_TABLES) await runStaging(wh, table, 'clear', { date });
}

/** load_files and load_issues of one load. */
export async function writeLoadLedger(
  wh: Warehouse,
  opts: { date: string; files: DropFile[]; outcomes: Map<string, FileOutcome>; issues: LoadIssue[] },
): Promise<void> {
  const { date } = opts;
  await insertRows(
    wh,
    'load_files',
    [
      ['snapshot_date', 'date'],
      ['path', 'varchar'],
      ['source', 'varchar'],
      ['customer_id', 'varchar'],
      ['bytes', 'bigint'],
      ['sha256', 'varchar'],
      ['rows_loaded', 'bigint'],
      ['rows_rejected', 'bigint'],
      ['status', 'varchar'],
    ],
    opts.files.map((f) => {
      const o = opts.outcomes.get(f.rel) ?? setAside();
      return {
        snapshot_date: date,
        path: f.rel,
        source: f.kind,
        customer_id: f.customerId ?? null,
        bytes: f.bytes,
        sha256: f.sha256,
        rows_loaded: o.loaded,
        rows_rejected: o.rejected,
        status: o.status,
      };
    }),
  );
  await insertRows(
    wh,
    'load_issues',
    [
      ['snapshot_date', 'date'],
      ['severity', 'varchar'],
      ['code', 'varchar'],
      ['file', 'varchar'],
      ['line', 'bigint'],
      ['column_name', 'varchar'],
      ['customer_id', 'varchar'],
      ['message', 'varchar'],
    ],
    opts.issues.map((i) => ({
      snapshot_date: date,
      severity: i.severity,
      code: i.code,
      file: i.file ?? null,
      line: i.line ?? null,
      column_name: i.column ?? null,
      // Every issue about a tenant's file belongs to that tenant, so that reports show it only in its owner's scope.
      customer_id: i.customerId ?? (i.file ? classify(i.file).customerId : undefined) ?? null,
      message: i.message,
    })),
  );
}

/** The totals of one load, and the row of `loads` that records them (replacing an earlier load of the date). */
export async function recordLoad(
  wh: Warehouse,
  opts: {
    date: string;
    runId: string;
    dropPath: string;
    files: number;
    outcomes: Iterable<FileOutcome>;
    issues: LoadIssue[];
  },
): Promise<{
  rowsLoaded: number;
  rowsRejected: number;
  filesSetAside: number;
  outcome: 'loaded' | 'loaded_with_issues';
}> {
  let rowsLoaded = 0;
  let rowsRejected = 0;
  let filesSetAside = 0;
  for (const o of opts.outcomes) {
    rowsLoaded += o.loaded;
    rowsRejected += o.rejected;
    if (o.status === 'set_aside') filesSetAside++;
  }
  const errors = opts.issues.filter((i) => i.severity === 'error').length;
  const warnings = opts.issues.filter((i) => i.severity === 'warning').length;
  const outcome = errors > 0 ? 'loaded_with_issues' : 'loaded';
  await runStaging(wh, 'loads', 'clear', { date: opts.date });
  await runStaging(wh, 'loads', 'insert', {
    date: opts.date,
    run: opts.runId,
    dir: opts.dropPath,
    outcome,
    files: opts.files,
    loaded: rowsLoaded,
    rejected: rowsRejected,
    errors,
    warnings,
  });
  return { rowsLoaded, rowsRejected, filesSetAside, outcome };
}
