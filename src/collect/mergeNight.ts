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

function mergePartnerCenter(p: NightPaths, customers: readonly ListedCustomer[]): void {
  const items: unknown[] = [];
  for (const c of customers) {
    const kept = readJsonFile<unknown[]>(path.join(p.partnerCenter, `${c.id.toLowerCase()}.json`));
    if (kept) items.push(...kept);
  }
  if (existsSync(p.partnerCenter))
    writeFileAtomic(
      path.join(p.drop, 'partner-center', 'subscriptions.json'),
      JSON.stringify({ totalCount: items.length, items, attributes: { objectType: 'Collection' } }, null, 1),
    );
  for (const name of ANALYTICS_FILES) {
    const kept = path.join(p.work, name);
    if (existsSync(kept)) writeFileAtomic(path.join(p.drop, 'partner-center', name), readFileSync(kept));
  }
  const priceFiles = namesIn(p.prices)
    .filter((n) => !n.endsWith('.tmp'))
    .sort();
  for (const name of priceFiles)
    writeFileAtomic(path.join(p.drop, 'partner-center', name), readFileSync(path.join(p.prices, name)));
}

function recordedFailures(p: NightPaths): RecordedFailure[] {
  return (existsSync(p.failures) ? readdirSync(p.failures).sort() : [])
    .map((n) => readJsonFile<RecordedFailure>(path.join(p.failures, n)))
    .filter((f): f is RecordedFailure => f !== undefined)
    .sort(byTenantUnitCode);
}

/** Writes the night's merged files and the manifest; returns what the collect report says. */
export function mergeNight(
  p: NightPaths,
  customers: readonly ListedCustomer[],
  assignments: ReadonlyMap<string, AssignmentRow>,
): { failures: RecordedFailure[]; unassigned: ListedCustomer[] } {
  const { rows, unassigned } = customerRows(customers, assignments);
  writeFileAtomic(path.join(p.drop, 'customers.csv'), csvLines(CUSTOMER_COLUMNS, rows, '\n'));
  mergePartnerCenter(p, customers);
  const failures = recordedFailures(p);
  writeJsonAtomic(path.join(p.drop, COLLECT_REPORT), {
    date: path.basename(p.drop),
    customers: customers.length,
    notCollected: failures,
    unassigned: unassigned.map((c) => ({ customerId: c.id, tenantId: c.tenantId, customerName: c.name })),
  });
  writeCollectManifest(p.drop);
  return { failures, unassigned };
}
