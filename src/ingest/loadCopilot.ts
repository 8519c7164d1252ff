// Loads each tenant's Microsoft 365 Copilot usage report (tenants/<id>/copilotUsageUserDetail.csv) into
// stg_copilot_activity, and one row per report into stg_copilot_reports: its own as-of date and the apps its layout
// has. Same bad-input rules as every other file: a bad row is set aside with its line and column, a bad file with
// its reason, the rest loads.
import { COPILOT_APPS } from '../config/schema.js';
import { insertRows } from '../warehouse/insertRows.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { COPILOT_APP_COLUMNS, COPILOT_USER_REPORT } from './copilotReport.js';
import { readCsvFiles } from './csvRead.js';
import type { DropFile } from './drop.js';
import type { LoadIssue } from './issues.js';

export interface CopilotLoadHooks {
  issues: LoadIssue[];
  setOutcome: (
    rel: string,
    outcome: { loaded: number; rejected: number; status: 'loaded' | 'set_aside' },
  ) => void;
}

export async function loadCopilotReports(
  wh: Warehouse,
  date: string,
  reports: DropFile[],
  hooks: CopilotLoadHooks,
): Promise<void> {
  if (reports.length === 0) return;
  const read = await readCsvFiles(wh, reports, COPILOT_USER_REPORT, 'tmp_copilot');
  hooks.issues.push(...read.issues);
  const loaded = reports.filter((f) => !read.setAside.has(f.rel));
  for (const f of reports)
    if (read.setAside.has(f.rel)) hooks.setOutcome(f.rel, { loaded: 0, rejected: 0, status: 'set_aside' });
  if (loaded.length === 0) return void (await wh.run('DROP TABLE IF EXISTS tmp_copilot'));
  await wh.run(
    'CREATE OR REPLACE TEMP TABLE tmp_copilot_files (abs VARCHAR, rel VARCHAR, customer_id VARCHAR)',
  );
  await insertRows(
    wh,
    'tmp_copilot_files',
    [
      ['abs', 'varchar'],
      ['rel', 'varchar'],
      ['customer_id', 'varchar'],
    ],
    loaded.map((f) => ({ abs: f.abs, rel: f.rel, customer_id: f.customerId })),
  );
  // Per file: rows without a user or a report date are set aside; a user listed twice is counted once.
  const checks = await wh.all(
    `SELECT f.rel,
       count(*) FILTER (WHERE nullif(trim(t.user_key), '') IS NULL)::INTEGER AS no_user,
       count(*) FILTER (WHERE t.report_refresh_date IS NULL)::INTEGER AS no_date,
       (count(nullif(trim(t.user_key), '')) - count(DISTINCT nullif(trim(t.user_key), '')))::INTEGER AS duplicates
     FROM tmp_copilot t JOIN tmp_copilot_files f ON f.abs = t.filename GROUP BY f.rel`,
  );
  for (const c of checks) {
    const rel = String(c.rel);
    for (const [column, n] of [
      ['User Principal Name', c.no_user],
      ['Report Refresh Date', c.no_date],
    ] as const) {
      if (Number(n) === 0) continue;
      hooks.issues.push({
        severity: 'error',
        code: 'empty_required_value',
        file: rel,
        column,
        message: `${String(n)} row(s) have no value; set aside`,
      });
      read.read.get(rel)!.rejected += Number(n);
      read.read.get(rel)!.loaded -= Number(n);
    }
    if (Number(c.duplicates) > 0)
      hooks.issues.push({
        severity: 'warning',
        code: 'duplicate_user',
        file: rel,
        column: 'User Principal Name',
        message: `${String(c.duplicates)} row(s) repeat a user already listed; each user is counted once (the row with the newest activity)`,
      });
  }
  const dates = Object.values(COPILOT_APP_COLUMNS);
  await wh.run(
    `INSERT INTO stg_copilot_activity BY NAME
     SELECT $date::DATE AS snapshot_date, f.customer_id, trim(t.user_key) AS user_key, t.report_refresh_date,
       t.last_activity, ${dates.map((d) => `t.${d}`).join(', ')}, t.prompts_all, t.active_days,
       t.report_period, t.extras
     FROM tmp_copilot t JOIN tmp_copilot_files f ON f.abs = t.filename
     WHERE nullif(trim(t.user_key), '') IS NOT NULL AND t.report_refresh_date IS NOT NULL
     QUALIFY row_number() OVER (
       PARTITION BY f.customer_id, trim(t.user_key)
       ORDER BY t.report_refresh_date DESC, greatest(t.last_activity, ${dates.map((d) => `t.${d}`).join(', ')}) DESC NULLS LAST
     ) = 1`,
    { date },
  );
  // The report's own as-of date, and the apps its layout has (an app without a column is not an app nobody uses).
  const asOf = await wh.all(
    `SELECT f.customer_id, max(t.report_refresh_date)::VARCHAR AS refresh
     FROM tmp_copilot_files f LEFT JOIN tmp_copilot t ON t.filename = f.abs GROUP BY f.customer_id`,
  );
  const refreshOf = new Map(asOf.map((r) => [String(r.customer_id), r.refresh as string | null]));
  await insertRows(
    wh,
    'stg_copilot_reports',
    [
      ['snapshot_date', 'date'],
      ['customer_id', 'varchar'],
      ['report_refresh_date', 'date'],
      ['apps', 'json'],
    ],
    loaded.map((f) => {
      const present = new Set(read.columns.get(f.rel) ?? []);
      return {
        snapshot_date: date,
        customer_id: f.customerId!,
        report_refresh_date: refreshOf.get(f.customerId!) ?? null,
        apps: JSON.stringify(COPILOT_APPS.filter((a) => present.has(COPILOT_APP_COLUMNS[a]))),
      };
    }),
  );
  for (const f of loaded) {
    // A header-only report is a tenant without Copilot licences: normal, nothing to report.
    const counts = read.read.get(f.rel) ?? { loaded: 0, rejected: 0 };
    hooks.setOutcome(f.rel, { ...counts, status: 'loaded' });
  }
  await wh.run('DROP TABLE IF EXISTS tmp_copilot');
  await wh.run('DROP TABLE IF EXISTS tmp_copilot_files');
}
