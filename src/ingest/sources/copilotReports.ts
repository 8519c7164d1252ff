// Each tenant's Microsoft 365 Copilot usage report (tenants/<id>/copilotUsageUserDetail.csv, Graph's
// getMicrosoft365CopilotUsageUserDetail, v1 and v2) into stg_copilot_activity, and one row per report into
// stg_copilot_reports: its own as-of date and the apps its layout has. Same bad-input rules as every other file: a
// bad row is set aside with its line and column, a bad file with its reason, the rest loads. Headers are matched by
// name (case, spaces and punctuation ignored), in any order; v2's columns are documented only in prose, so the
// spellings seen or likely are all listed. Statements: queries/staging/stg_copilot_activity.sql.
import { COPILOT_APPS, type CopilotApp } from '../../config/schema.js';
import { insertRows } from '../../warehouse/insertRows.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { dateColumn, readCsvFiles, type CsvReadResult, type CsvSpec } from '../csvRead.js';
import type { DropFile } from '../drop.js';
import type { LoadIssue } from '../issues.js';
import { newSourceLoad, setAside, type SourceLoad } from '../loadLedger.js';
import { allStaging, runStaging, stageFileList, stagingStatement } from '../stagingSql.js';
import { duplicateUserIssue, emptyValueIssues } from './userRowIssues.js';

export const COPILOT_USER_REPORT: CsvSpec = {
  columns: [
    { key: 'report_refresh_date', headers: ['Report Refresh Date'], type: 'DATE', required: true },
    { key: 'user_key', headers: ['User Principal Name'], type: 'VARCHAR', required: true },
    dateColumn('last_activity', 'Last Activity Date'),
    dateColumn('chat_last', 'Copilot Chat Last Activity Date'),
    dateColumn(
      'teams_last',
      'Microsoft Teams Copilot Last Activity Date',
      'Teams Copilot Last Activity Date',
    ),
    dateColumn('word_last', 'Word Copilot Last Activity Date'),
    dateColumn('excel_last', 'Excel Copilot Last Activity Date'),
    dateColumn('powerpoint_last', 'PowerPoint Copilot Last Activity Date'),
    dateColumn('outlook_last', 'Outlook Copilot Last Activity Date'),
    dateColumn('onenote_last', 'OneNote Copilot Last Activity Date'),
    dateColumn('loop_last', 'Loop Copilot Last Activity Date'),
    dateColumn(
      'chat_work_last',
      'Copilot Chat (work) Last Activity Date',
      'Copilot Chat Work Last Activity Date',
    ),
    dateColumn(
      'chat_web_last',
      'Copilot Chat (web) Last Activity Date',
      'Copilot Chat Web Last Activity Date',
    ),
    dateColumn(
      'm365_app_last',
      'Microsoft 365 Copilot Last Activity Date',
      'Microsoft 365 Copilot App Last Activity Date',
      'Microsoft 365 Copilot (app) Last Activity Date',
    ),
    dateColumn(
      'edge_last',
      'Edge Last Activity Date',
      'Edge Copilot Last Activity Date',
      'Microsoft Edge Last Activity Date',
    ),
    dateColumn(
      'agent_last',
      'Copilot Agent Last Activity Date',
      'Copilot Agents Last Activity Date',
      'Agent Last Activity Date',
    ),
    {
      key: 'prompts_all',
      headers: [
        'Prompts submitted for all apps',
        'Prompts Submitted For All Apps',
        'Total Prompts Submitted',
      ],
      type: 'BIGINT',
    },
    {
      key: 'active_days',
      headers: ['Active Usage Days for all apps', 'Active Usage Days', 'Active Days'],
      type: 'BIGINT',
    },
    { key: 'report_period', headers: ['Report Period'], type: 'VARCHAR' },
  ],
  // Known and not needed: display names are personal data; per-app prompt counts add nothing to "active".
  ignored: [
    'Display Name',
    'Prompts submitted for Copilot Chat (work)',
    'Prompts submitted for Copilot Chat (web)',
  ],
};

/** The app each date column stands for: the app rows of the workload tables. */
export const COPILOT_APP_COLUMNS: Record<CopilotApp, string> = {
  copilot_chat: 'chat_last',
  copilot_teams: 'teams_last',
  copilot_word: 'word_last',
  copilot_excel: 'excel_last',
  copilot_powerpoint: 'powerpoint_last',
  copilot_outlook: 'outlook_last',
  copilot_onenote: 'onenote_last',
  copilot_loop: 'loop_last',
  copilot_chat_work: 'chat_work_last',
  copilot_chat_web: 'chat_web_last',
  copilot_m365_app: 'm365_app_last',
  copilot_edge: 'edge_last',
  copilot_agent: 'agent_last',
};

const TABLE = 'stg_copilot_activity';

/**
 * Per report, from its row of the `checks` statement: rows without a user or a report date set aside (their counts
 * moved), a user listed twice flagged. Returns each tenant's report date and whether any row must be deleted.
 */
function checkReports(
  checks: Record<string, unknown>[],
  relOf: Map<string, string>,
  read: CsvReadResult,
  issues: LoadIssue[],
): { refreshOf: Map<string, string | null>; incomplete: number; duplicates: number } {
  const refreshOf = new Map<string, string | null>();
  let incomplete = 0;
  let duplicates = 0;
  for (const c of checks) {
    const customerId = String(c.customer_id);
    const rel = relOf.get(customerId)!;
    refreshOf.set(customerId, (c.refresh as string | null) ?? null);
    issues.push(
      ...emptyValueIssues(rel, [
        ['User Principal Name', c.no_user],
        ['Report Refresh Date', c.no_date],
      ]),
    );
    const counts = read.read.get(rel)!;
    counts.loaded = Number(c.n) - Number(c.incomplete);
    counts.rejected += Number(c.incomplete);
    incomplete += Number(c.incomplete);
    duplicates += Number(c.duplicates);
    if (Number(c.duplicates) > 0) issues.push(duplicateUserIssue(rel, c.duplicates));
  }
  return { refreshOf, incomplete, duplicates };
}

/** One row per report loaded: its own as-of date, and the apps its layout has (an app without a column is not an app nobody uses). */
async function recordReports(
  wh: Warehouse,
  date: string,
  loaded: DropFile[],
  read: CsvReadResult,
  refreshOf: Map<string, string | null>,
): Promise<void> {
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
}

/**
 * Loads the Copilot usage reports of tenants customers.csv knows (`reports`): read straight into the table, checked
 * there (queries/staging/stg_copilot_activity.sql), as the Office 365 user reports are.
 */
export async function loadCopilotReports(
  wh: Warehouse,
  date: string,
  reports: DropFile[],
): Promise<SourceLoad> {
  const load = newSourceLoad();
  if (reports.length === 0) return load;
  await stageFileList(wh, TABLE, 'tmp_copilot_files', reports);
  const read = await readCsvFiles(wh, reports, COPILOT_USER_REPORT, 'tmp_copilot', {
    params: { date },
    statement: stagingStatement(TABLE, 'from_csv'),
  });
  load.issues.push(...read.issues);
  const loaded = reports.filter((f) => !read.setAside.has(f.rel));
  for (const f of reports) if (read.setAside.has(f.rel)) load.outcomes.set(f.rel, setAside());
  const relOf = new Map(reports.map((f) => [f.customerId!, f.rel]));
  const checks = await allStaging(wh, TABLE, 'checks', { date });
  const { refreshOf, incomplete, duplicates } = checkReports(checks, relOf, read, load.issues);
  if (incomplete > 0) await runStaging(wh, TABLE, 'delete_incomplete', { date });
  if (duplicates > 0) await runStaging(wh, TABLE, 'delete_duplicates', { date });
  if (loaded.length > 0) await recordReports(wh, date, loaded, read, refreshOf);
  // A header-only report is a tenant without Copilot licences: normal, nothing to report.
  for (const f of loaded)
    load.outcomes.set(f.rel, { ...(read.read.get(f.rel) ?? { loaded: 0, rejected: 0 }), status: 'loaded' });
  await runStaging(wh, TABLE, 'drop_temp');
  return load;
}
