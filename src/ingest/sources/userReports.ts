// Each tenant's Graph user-detail report (tenants/<id>/office365ActiveUserDetail.csv, formats.md §3.1) into
// stg_user_activity, and the product names of its 'Assigned Products' lists into stg_assigned_products. Rows go
// straight into staging from DuckDB's CSV reader and are checked there. Statements: queries/staging/.
import type { Catalog } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import { insertRows } from '../../warehouse/insertRows.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { buildAliasIndex, resolveAssignedProducts } from '../assignedProducts.js';
import { dateColumn, readCsvFiles, type CsvSpec } from '../csvRead.js';
import type { DropFile } from '../drop.js';
import type { LoadIssue } from '../issues.js';
import { newSourceLoad, setAside, type SourceLoad } from '../loadLedger.js';
import { allStaging, runStaging, stagingStatement, stageFileList } from '../stagingSql.js';
import { duplicateUserIssue, emptyValueIssues } from './userRowIssues.js';

/** Graph getOffice365ActiveUserDetail (formats.md §3.1). */
export const GRAPH_USER_REPORT: CsvSpec = {
  columns: [
    { key: 'report_refresh_date', headers: ['Report Refresh Date'], type: 'DATE', required: true },
    { key: 'user_key', headers: ['User Principal Name'], type: 'VARCHAR', required: true },
    { key: 'is_deleted', headers: ['Is Deleted'], type: 'BOOLEAN', required: true },
    dateColumn('deleted_date', 'Deleted Date'),
    dateColumn('exchange_last', 'Exchange Last Activity Date'),
    dateColumn('onedrive_last', 'OneDrive Last Activity Date'),
    dateColumn('sharepoint_last', 'SharePoint Last Activity Date'),
    dateColumn('skype_last', 'Skype For Business Last Activity Date'),
    dateColumn('yammer_last', 'Yammer Last Activity Date'),
    dateColumn('teams_last', 'Teams Last Activity Date'),
    { key: 'assigned_products', headers: ['Assigned Products'], type: 'VARCHAR', required: true },
  ],
  // Known and not needed: display names are personal data, licence flags and assign dates add nothing here.
  ignored: [
    'Display Name',
    ...['Exchange', 'OneDrive', 'SharePoint', 'Skype For Business', 'Yammer', 'Teams'].flatMap((w) => [
      `Has ${w} License`,
      `${w} License Assign Date`,
    ]),
  ],
};

const TABLE = 'stg_user_activity';

/** The issues of one tenant's report from its row of the `checks` statement. */
function reportIssues(rel: string, check: Record<string, unknown>): LoadIssue[] {
  const issues = emptyValueIssues(rel, [
    ['User Principal Name', check.no_user],
    ['Report Refresh Date', check.no_date],
    ['Is Deleted', check.no_deleted],
  ]);
  if (Number(check.duplicates) > 0) issues.push(duplicateUserIssue(rel, check.duplicates));
  if (Number(check.future_activity) > 0) {
    issues.push({
      severity: 'warning',
      code: 'activity_after_report_date',
      file: rel,
      message: `${String(check.future_activity)} row(s) have a last-activity date after the Report Refresh Date; such dates lie outside the 28-day window and do not count`,
    });
  }
  return issues;
}

/** Loads the user reports of tenants customers.csv knows (`reports`). */
export async function loadUserReports(
  wh: Warehouse,
  opts: { date: string; reports: DropFile[]; log: Logger },
): Promise<SourceLoad> {
  const { date, reports, log } = opts;
  const load = newSourceLoad();
  if (reports.length === 0) return load;
  await stageFileList(wh, TABLE, 'tmp_user_files', reports);
  const read = await readCsvFiles(wh, reports, GRAPH_USER_REPORT, 'tmp_users', {
    params: { date },
    statement: stagingStatement(TABLE, 'from_csv'),
  });
  log.debug({ date, ...read.timings }, 'user reports read');
  load.issues.push(...read.issues);
  const relOf = new Map(reports.map((f) => [f.customerId!, f.rel]));
  let t = process.hrtime.bigint();
  const lap = (what: string) => {
    const now = process.hrtime.bigint();
    log.debug({ date, step: what, ms: Number(now - t) / 1e6 }, 'user reports step');
    t = now;
  };
  const checks = await allStaging(wh, TABLE, 'checks', { date });
  lap('checks');
  let incomplete = 0;
  let duplicates = 0;
  for (const c of checks) {
    const rel = relOf.get(String(c.customer_id))!;
    const counts = read.read.get(rel)!;
    counts.loaded = Number(c.n) - Number(c.incomplete);
    counts.rejected += Number(c.incomplete);
    incomplete += Number(c.incomplete);
    duplicates += Number(c.duplicates);
    load.issues.push(...reportIssues(rel, c));
  }
  if (incomplete > 0) await runStaging(wh, TABLE, 'delete_incomplete', { date });
  if (duplicates > 0) await runStaging(wh, TABLE, 'delete_duplicates', { date });
  lap('deletes');
  for (const f of reports) {
    if (read.setAside.has(f.rel)) load.outcomes.set(f.rel, setAside());
    else if (!load.outcomes.has(f.rel))
      load.outcomes.set(f.rel, { ...read.read.get(f.rel)!, status: 'loaded' });
  }
  for (const [rel, counts] of read.read) {
    if (counts.loaded !== 0 || counts.rejected !== 0) continue;
    load.issues.push({
      severity: 'warning',
      code: 'no_rows',
      file: rel,
      message: 'has a header and no users; the tenant shows no licence holders',
    });
  }
  await runStaging(wh, TABLE, 'drop_temp');
  return load;
}

/**
 * The product names of the day's 'Assigned Products' lists, with their candidate SKUs, into stg_assigned_products.
 * Counts, by user, the free/viral SKUs held (by part number) and the names the catalogue does not know.
 */
export async function resolveAssignedProductNames(
  wh: Warehouse,
  opts: {
    date: string;
    catalog: Catalog;
    excluded: Map<string, number>;
    unknownProducts: Map<string, number>;
  },
): Promise<void> {
  const { date, catalog, excluded, unknownProducts } = opts;
  const index = buildAliasIndex(catalog.products);
  const excludedSkus = new Map(
    catalog.products.filter((p) => p.excluded).map((p) => [p.skuId, p.partNumber]),
  );
  const rows: Record<string, string | number | null>[] = [];
  for (const { list, n } of await allStaging(wh, 'stg_assigned_products', 'distinct_lists', { date })) {
    const assigned = String(list);
    for (const name of resolveAssignedProducts(assigned, index)) {
      const row = { snapshot_date: date, assigned_products: assigned, product_name: name.name };
      if (name.skuIds.length === 0) {
        rows.push({ ...row, sku_id: null, priority: 0 });
        unknownProducts.set(name.name, (unknownProducts.get(name.name) ?? 0) + Number(n));
        continue;
      }
      const part = excludedSkus.get(name.skuIds[0]!);
      if (part) excluded.set(part, (excluded.get(part) ?? 0) + Number(n));
      name.skuIds.forEach((sku, priority) => rows.push({ ...row, sku_id: sku, priority }));
    }
  }
  await insertRows(
    wh,
    'stg_assigned_products',
    [
      ['snapshot_date', 'date'],
      ['assigned_products', 'varchar'],
      ['product_name', 'varchar'],
      ['sku_id', 'varchar'],
      ['priority', 'integer'],
    ],
    rows,
  );
}
