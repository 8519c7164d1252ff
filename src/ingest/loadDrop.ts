// Loads one nightly drop into the staging tables, replacing whatever that snapshot date held before: each source of
// sources/ in turn, the checks across them (dropChecks.ts), then the load's ledger (loadLedger.ts).
// Runs inside the caller's transaction: a crash part-way leaves the previous load of the date intact.
import type { Catalog, Config } from '../config/schema.js';
import { collectReportIssues } from '../collect/report.js';
import type { Logger } from '../log.js';
import { insertSubscriptionTerms, loadSpendSources } from '../spend/loadSpendSources.js';
import { insertRows, type ColumnType, type Value } from '../warehouse/insertRows.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { DropFile, SourceKind } from './drop.js';
import { customersWithoutData, leftOutIssues, missingSources } from './dropChecks.js';
import type { LoadIssue } from './issues.js';
import { parseJsonFile, readJsonFile, type Parsed } from './jsonSources.js';
import { clearSnapshot, setAside, writeLoadLedger, type FileOutcome, type SourceLoad } from './loadLedger.js';
import { productLookup } from './productLookup.js';
import { loadCopilotReports } from './sources/copilotReports.js';
import { loadCustomers } from './sources/customers.js';
import {
  parseGraphSubscriptions,
  parseSubscribedSkus,
  SUBSCRIBED_SKU_COLUMNS,
} from './sources/graphTenant.js';
import {
  DEPLOYMENT_COLUMNS,
  parseLicenseDeployment,
  parseLicenseUsage,
  parsePartnerCenterSubscriptions,
  USAGE_COLUMNS,
} from './sources/partnerCenter.js';
import { SUBSCRIPTION_COLUMNS } from './sources/subscriptionRows.js';
import { readTickets, TICKET_COLUMNS } from './sources/tickets.js';
import { loadUserReports, resolveAssignedProductNames } from './sources/userReports.js';

export interface DropLoad {
  outcomes: Map<string, FileOutcome>;
  issues: LoadIssue[];
  /** holders (users) or subscriptions of free/viral SKUs, by part number: never metric rows */
  excluded: Map<string, number>;
  /** product names in 'Assigned Products' the catalogue does not know, with how many users hold them */
  unknownProducts: Map<string, number>;
  missingSources: string[];
}

export interface DropInput {
  config: Config;
  catalog: Catalog;
  log: Logger;
  date: string;
  files: DropFile[];
  /** what finding the drop noticed (manifest, refused files) */
  issues: LoadIssue[];
}

function merge(load: DropLoad, part: SourceLoad): void {
  load.issues.push(...part.issues);
  for (const [rel, outcome] of part.outcomes) load.outcomes.set(rel, outcome);
}

function addCounts(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + n);
}

/** Tenant files of tenants missing from customers.csv are set aside: nobody owns them. */
function tenantFilter(customers: Set<string>, load: DropLoad): (file: DropFile) => boolean {
  return (file) => {
    if (!file.customerId || customers.has(file.customerId)) return true;
    load.issues.push({
      severity: 'error',
      code: 'unknown_tenant',
      file: file.rel,
      customerId: file.customerId,
      message: `tenant ${file.customerId} has no row in customers.csv; its files are set aside`,
    });
    load.outcomes.set(file.rel, setAside());
    return false;
  };
}

/** The collector's report (collect-report.json): the customers it could not collect, as issues of the load. */
async function loadCollectReports(reports: DropFile[], config: Config, load: DropLoad): Promise<void> {
  for (const f of reports) {
    const json = await readJsonFile(f, load.issues);
    const found = json === undefined ? [] : collectReportIssues(json, f.rel, config.digest.fallbackRecipient);
    load.issues.push(...found);
    load.outcomes.set(
      f.rel,
      json === undefined ? setAside() : { loaded: found.length, rejected: 0, status: 'loaded' },
    );
  }
}

/**
 * The JSON exports (Graph per tenant, Partner Center for all). Rows are appended once per
 * table rather than once per file; Partner Center rows of customers customers.csv lacks are set aside.
 */
async function loadJsonSources(
  wh: Warehouse,
  input: DropInput,
  sources: { usable: (kind: SourceKind) => DropFile[]; customers: Set<string> },
  load: DropLoad,
): Promise<void> {
  const { date } = input;
  const { usable, customers } = sources;
  const products = productLookup(input.catalog);
  const known = tenantFilter(customers, load);
  const pending = new Map<string, { columns: [string, ColumnType][]; rows: Record<string, Value>[] }>();
  const stage = async <T extends object>(
    file: DropFile,
    [table, columns]: [string, [string, ColumnType][]],
    parse: (json: unknown) => Parsed<T>,
    keep?: (row: T) => boolean,
  ) => {
    const read = await parseJsonFile(file, parse, keep);
    load.issues.push(...read.issues);
    addCounts(load.excluded, read.excluded);
    load.outcomes.set(file.rel, read.outcome);
    if (read.outcome.status !== 'loaded') return;
    const entry = pending.get(table) ?? { columns, rows: [] };
    for (const row of read.rows) entry.rows.push({ snapshot_date: date, ...(row as Record<string, Value>) });
    pending.set(table, entry);
  };
  const subscriptions: [string, [string, ColumnType][]] = ['stg_subscriptions', SUBSCRIPTION_COLUMNS];
  for (const f of usable('graph_subscriptions'))
    if (known(f))
      await stage(f, subscriptions, (j) => parseGraphSubscriptions(j, f.rel, f.customerId!, products));
  for (const f of usable('graph_subscribed_skus')) {
    if (known(f))
      await stage(f, ['stg_subscribed_skus', SUBSCRIBED_SKU_COLUMNS], (j) =>
        parseSubscribedSkus(j, f.rel, f.customerId!, products),
      );
  }
  const unknownPcCustomers = new Set<string>();
  const knownCustomer = (row: { customer_id: string }) => {
    if (customers.has(row.customer_id)) return true;
    unknownPcCustomers.add(row.customer_id);
    return false;
  };
  for (const f of usable('pc_subscriptions'))
    await stage(f, subscriptions, (j) => parsePartnerCenterSubscriptions(j, f.rel, products), knownCustomer);
  for (const f of usable('pc_deployment')) {
    await stage(
      f,
      ['stg_pc_deployment', DEPLOYMENT_COLUMNS],
      (j) => parseLicenseDeployment(j, f.rel, products),
      knownCustomer,
    );
  }
  for (const f of usable('pc_usage'))
    await stage(
      f,
      ['stg_pc_usage', USAGE_COLUMNS],
      (j) => parseLicenseUsage(j, f.rel, products),
      knownCustomer,
    );
  await loadCollectReports(usable('collect_report'), input.config, load);
  for (const id of unknownPcCustomers) {
    load.issues.push({
      severity: 'warning',
      code: 'unknown_customer',
      file: 'partner-center/',
      customerId: id,
      message: `Partner Center lists customer ${id}, who has no row in customers.csv; its rows are set aside`,
    });
  }
  for (const [table, { columns, rows }] of pending) await insertRows(wh, table, columns, rows);
  await insertSubscriptionTerms(wh, date, pending.get('stg_subscriptions')?.rows ?? []);
}

/** Logs each step's milliseconds at debug level, for profiling a load. */
function phaseTimer(log: Logger, date: string): (phase: string) => void {
  let mark = process.hrtime.bigint();
  return (phase) => {
    const now = process.hrtime.bigint();
    log.debug({ date, phase, ms: Number(now - mark) / 1e6 }, 'load phase done');
    mark = now;
  };
}

export async function loadDrop(wh: Warehouse, input: DropInput): Promise<DropLoad> {
  const { date, files, config, log } = input;
  const load: DropLoad = {
    outcomes: new Map(),
    issues: [...input.issues],
    excluded: new Map(),
    unknownProducts: new Map(),
    missingSources: [],
  };
  await clearSnapshot(wh, date);
  for (const f of files) {
    if (f.refused) load.outcomes.set(f.rel, setAside());
    else if (f.kind === 'unknown' || f.kind === 'manifest')
      load.outcomes.set(f.rel, { loaded: 0, rejected: 0, status: 'ignored' });
  }
  const usable = (kind: SourceKind) => files.filter((f) => f.kind === kind && !f.refused);
  const phase = phaseTimer(log, date);

  const { customers, ...customersLoad } = await loadCustomers(wh, {
    date,
    defaultLocale: config.defaults.locale,
    files,
  });
  merge(load, customersLoad);
  phase('customers');
  const reports = usable('graph_users').filter(tenantFilter(customers, load));
  merge(load, await loadUserReports(wh, { date, reports, log }));
  phase('user reports');
  merge(
    load,
    await loadCopilotReports(wh, date, usable('graph_copilot').filter(tenantFilter(customers, load))),
  );
  phase('copilot reports');
  await loadJsonSources(wh, input, { usable, customers }, load);
  phase('json parsed and appended');
  await loadSpendSources(wh, { config, date, files, result: load });
  phase('spend sources');
  for (const f of usable('tickets')) {
    const { rows, ...ticketsLoad } = await readTickets(wh, f, { date, tickets: config.tickets });
    await insertRows(wh, 'stg_tickets', TICKET_COLUMNS, rows);
    merge(load, ticketsLoad);
  }
  await resolveAssignedProductNames(wh, {
    date,
    catalog: input.catalog,
    excluded: load.excluded,
    unknownProducts: load.unknownProducts,
  });
  phase('tickets and product names');

  const missing = missingSources(usable);
  load.missingSources.push(...missing.names);
  load.issues.push(...missing.issues);
  load.issues.push(
    ...(await customersWithoutData(wh, { date, customers, userReports: usable('graph_users') })),
    ...leftOutIssues(load.excluded, load.unknownProducts),
  );
  phase('checks');
  await writeLoadLedger(wh, { date, files, outcomes: load.outcomes, issues: load.issues });
  return load;
}
