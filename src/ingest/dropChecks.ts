// Checks across the sources of one drop, once every source is staged: optional sources missing, customers with no
// data at all, and the free/viral SKUs and unknown product names counted while loading.
import type { Warehouse } from '../warehouse/warehouse.js';
import type { DropFile, SourceKind } from './drop.js';
import type { LoadIssue } from './issues.js';
import { allStaging } from './stagingSql.js';

const OPTIONAL_SOURCES: Partial<Record<SourceKind, string>> = {
  tickets: 'tickets.csv',
  pc_subscriptions: 'partner-center/subscriptions.json',
  pc_deployment: 'partner-center/licenses-deployment.json',
  pc_usage: 'partner-center/licenses-usage.json',
};

/** The optional sources with no usable file in the drop, by name, and an issue for each. */
export function missingSources(usable: (kind: SourceKind) => DropFile[]): {
  names: string[];
  issues: LoadIssue[];
} {
  const names = Object.entries(OPTIONAL_SOURCES)
    .filter(([kind]) => usable(kind as SourceKind).length === 0)
    .map(([, name]) => name);
  const issues = names.map((name): LoadIssue => ({
    severity: 'info',
    code: 'missing_source',
    file: name,
    message: 'is not in the drop (optional); nothing from it this day',
  }));
  return { names, issues };
}

/** Customers of customers.csv with neither a user report nor Partner Center analytics: no metrics this day. */
export async function customersWithoutData(
  wh: Warehouse,
  opts: { date: string; customers: Set<string>; userReports: DropFile[] },
): Promise<LoadIssue[]> {
  const withAnalytics = await allStaging(wh, 'stg_pc_deployment', 'customers_with_analytics', {
    date: opts.date,
  });
  const covered = new Set([
    ...opts.userReports.map((f) => f.customerId),
    ...withAnalytics.map((r) => String(r.customer_id)),
  ]);
  return [...opts.customers]
    .filter((id) => !covered.has(id))
    .map((id) => ({
      severity: 'warning',
      code: 'customer_without_data',
      customerId: id,
      message: `customer ${id} is in customers.csv but the drop has no user report and no Partner Center analytics for it; it has no metrics this day`,
    }));
}

/** What the load left out of the metrics on purpose: free/viral SKUs, and product names the catalogue lacks. */
export function leftOutIssues(
  excluded: Map<string, number>,
  unknownProducts: Map<string, number>,
): LoadIssue[] {
  return [
    ...[...excluded].map(([part, n]): LoadIssue => ({
      severity: 'info',
      code: 'excluded_sku',
      message: `${part}: ${n} free/viral licence holder(s) or subscription(s) ignored`,
    })),
    ...[...unknownProducts].map(([name, n]): LoadIssue => ({
      severity: 'info',
      code: 'unknown_product',
      column: 'Assigned Products',
      message: `"${name}" (held by ${n} user(s)) is not in the product catalogue; ignored`,
    })),
  ];
}
