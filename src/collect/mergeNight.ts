// The end of a night: the merged files go into the drop (customers.csv with each account manager, Partner
// Center's subscriptions of every customer in one document, the analytics, the month's price files, the collect
// report), then manifest.json last, so that ingest never reads a drop that is still being written.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { csvLines } from '../csvText.js';
import { writeFileAtomic } from '../deliver/files.js';
import { writeCollectManifest } from './dropManifest.js';
import { customerRows, type AssignmentRow, type ListedCustomer, type RecordedFailure } from './plan.js';
import { COLLECT_REPORT, namesIn, readJsonFile, writeJsonAtomic, type NightPaths } from './workDir.js';

const CUSTOMER_COLUMNS = ['customer_id', 'customer_name', 'owner_email', 'locale', 'segment'];
const ANALYTICS_FILES = ['licenses-deployment.json', 'licenses-usage.json'];

/** Pure: the order the collect report lists failures in, so that a re-run writes the same bytes. */
export function byTenantUnitCode(a: RecordedFailure, b: RecordedFailure): number {
  return a.tenantId.localeCompare(b.tenantId) || a.unit.localeCompare(b.unit) || a.code.localeCompare(b.code);
}

function mergePartnerCenter(paths: NightPaths, customers: readonly ListedCustomer[]): void {
  const items: unknown[] = [];
  for (const c of customers) {
    const kept = readJsonFile<unknown[]>(path.join(paths.partnerCenter, `${c.id.toLowerCase()}.json`));
    if (kept) items.push(...kept);
  }
  if (existsSync(paths.partnerCenter))
    writeFileAtomic(
      path.join(paths.drop, 'partner-center', 'subscriptions.json'),
      JSON.stringify({ totalCount: items.length, items, attributes: { objectType: 'Collection' } }, null, 1),
    );
  for (const name of ANALYTICS_FILES) {
    const kept = path.join(paths.work, name);
    if (existsSync(kept)) writeFileAtomic(path.join(paths.drop, 'partner-center', name), readFileSync(kept));
  }
  const priceFiles = namesIn(paths.prices)
    .filter((n) => !n.endsWith('.tmp'))
    .sort();
  for (const name of priceFiles)
    writeFileAtomic(
      path.join(paths.drop, 'partner-center', name),
      readFileSync(path.join(paths.prices, name)),
    );
}

function recordedFailures(paths: NightPaths): RecordedFailure[] {
  return (existsSync(paths.failures) ? readdirSync(paths.failures).sort() : [])
    .map((n) => readJsonFile<RecordedFailure>(path.join(paths.failures, n)))
    .filter((f): f is RecordedFailure => f !== undefined)
    .sort(byTenantUnitCode);
}

/** Writes the night's merged files and the manifest; returns what the collect report says. */
export function mergeNight(
  paths: NightPaths,
  customers: readonly ListedCustomer[],
  assignments: ReadonlyMap<string, AssignmentRow>,
): { failures: RecordedFailure[]; unassigned: ListedCustomer[] } {
  const { rows, unassigned } = customerRows(customers, assignments);
  writeFileAtomic(path.join(paths.drop, 'customers.csv'), csvLines(CUSTOMER_COLUMNS, rows, '\n'));
  mergePartnerCenter(paths, customers);
  const failures = recordedFailures(paths);
  writeJsonAtomic(path.join(paths.drop, COLLECT_REPORT), {
    date: path.basename(paths.drop),
    customers: customers.length,
    notCollected: failures,
    unassigned: unassigned.map((c) => ({ customerId: c.id, tenantId: c.tenantId, customerName: c.name })),
  });
  writeCollectManifest(paths.drop);
  return { failures, unassigned };
}
