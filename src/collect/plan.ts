// What a collect run still has to fetch, from what is already on disk. Pure: takes the facts (which tenant
// folders are in the drop, which Partner Center parts are kept, which failures are recorded) and returns the work.
// A killed run leaves only whole units behind (a tenant folder is renamed into the drop in one step), so a re-run
// fetches exactly the units that are missing.

export interface ListedCustomer {
  /** Partner Center customer id, as Partner Center printed it */
  id: string;
  /** Entra tenant id, lower case */
  tenantId: string;
  name: string;
}

export type Unit = 'graph' | 'pc';

export interface RecordedFailure {
  customerId: string;
  tenantId: string;
  customerName: string;
  unit: Unit | 'analytics';
  code: string;
  reason: string;
  action: string;
}

export interface DiskFacts {
  /** lower-case tenant ids with a complete folder in the drop */
  tenantFolders: ReadonlySet<string>;
  /** lower-case customer ids whose Partner Center subscriptions are kept */
  pcKept: ReadonlySet<string>;
  /** failures recorded by an earlier (possibly killed) run: `${unit} ${tenantId}` */
  failed: ReadonlySet<string>;
}

export interface Work {
  customer: ListedCustomer;
  units: Unit[];
}

export function failureKey(unit: Unit | 'analytics', tenantId: string): string {
  return `${unit} ${tenantId.toLowerCase()}`;
}

/** Every customer with at least one unit to fetch, in listing order. */
export function planWork(customers: readonly ListedCustomer[], facts: DiskFacts): Work[] {
  const out: Work[] = [];
  for (const c of customers) {
    const units: Unit[] = [];
    const t = c.tenantId.toLowerCase();
    if (!facts.tenantFolders.has(t) && !facts.failed.has(failureKey('graph', t))) units.push('graph');
    if (!facts.pcKept.has(c.id.toLowerCase()) && !facts.failed.has(failureKey('pc', t))) units.push('pc');
    if (units.length) out.push({ customer: c, units });
  }
  return out;
}

/** Merges the items of several pages under the first page's envelope, without its next-page link. */
export function mergePages(
  pages: readonly Record<string, unknown>[],
  itemsKey: string,
  dropKeys: readonly string[],
): Record<string, unknown> {
  const first = pages[0] ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(first)) {
    if (dropKeys.includes(k)) continue;
    out[k] = k === itemsKey ? pages.flatMap((p) => (p[itemsKey] as unknown[] | undefined) ?? []) : v;
  }
  return out;
}

export interface AssignmentRow {
  owner_email: string;
  locale: string;
  segment: string;
}

/** customers.csv rows: the listing in order, each with its account manager from the assignment file if any. */
export function customerRows(
  customers: readonly ListedCustomer[],
  assignments: ReadonlyMap<string, AssignmentRow>,
): { rows: string[][]; unassigned: ListedCustomer[] } {
  const unassigned: ListedCustomer[] = [];
  const rows = customers.map((c) => {
    const a = assignments.get(c.tenantId.toLowerCase()) ?? assignments.get(c.id.toLowerCase());
    if (!a) unassigned.push(c);
    return [c.tenantId, c.name, a?.owner_email ?? '', a?.locale ?? '', a?.segment ?? ''];
  });
  return { rows, unassigned };
}
