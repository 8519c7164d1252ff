// Loads one nightly drop into the staging tables, replacing whatever that snapshot date held before.
// Runs inside the caller's transaction: a crash part-way leaves the previous load of the date intact.
import { readFile } from 'node:fs/promises';
import type { Catalog, Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { insertRows, type ColumnType, type Value } from '../warehouse/insertRows.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { buildAliasIndex, resolveAssignedProducts } from './assignedProducts.js';
import { readCsvFiles } from './csvRead.js';
import { collectReportIssues } from '../collect/report.js';
import { classify, type DropFile, type SourceKind } from './drop.js';
import type { LoadIssue } from './issues.js';
import {
  parseGraphSubscriptions,
  parseLicenseDeployment,
  parseLicenseUsage,
  parsePartnerCenterSubscriptions,
  parseSubscribedSkus,
  type Parsed,
} from './jsonSources.js';
import { productLookup, type ProductLookup } from './productLookup.js';
import { compileTimeFormat, parseOpenedAt, recordStartLines, type TimeFormat } from './ticketTimes.js';
import { matchLocale } from '../locales.js';
import { loadCopilotReports } from './loadCopilot.js';
import { CUSTOMERS, GRAPH_USER_REPORT, TICKETS } from './sources.js';
import {
  insertSubscriptionTerms,
  loadSpendSources,
  SPEND_STAGING_TABLES,
} from '../spend/loadSpendSources.js';
import { checkEmailAddress } from './values.js';

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

export interface FileOutcome {
  loaded: number;
  rejected: number;
  status: 'loaded' | 'set_aside' | 'ignored';
}

export interface DropLoad {
  outcomes: Map<string, FileOutcome>;
  issues: LoadIssue[];
  /** holders (users) or subscriptions of free/viral SKUs, by part number: never metric rows */
  excluded: Map<string, number>;
  /** product names in 'Assigned Products' the catalogue does not know, with how many users hold them */
  unknownProducts: Map<string, number>;
  missingSources: string[];
}

interface LoadContext {
  wh: Warehouse;
  config: Config;
  catalog: Catalog;
  products: ProductLookup;
  log: Logger;
  date: string;
  result: DropLoad;
  customers: Set<string>;
  /** rows parsed from JSON files, appended once per table rather than once per file */
  pending: Map<string, { columns: [string, ColumnType][]; rows: Record<string, Value>[] }>;
}

const SUBSCRIPTION_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['customer_id', 'varchar'],
  ['source', 'varchar'],
  ['subscription_id', 'varchar'],
  ['commerce_subscription_id', 'varchar'],
  ['sku_id', 'varchar'],
  ['status_raw', 'varchar'],
  ['status', 'varchar'],
  ['is_trial', 'boolean'],
  ['units', 'bigint'],
  ['owner_tenant_id', 'varchar'],
  ['term_end', 'date'],
];
const SUBSCRIBED_SKU_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['customer_id', 'varchar'],
  ['sku_id', 'varchar'],
  ['part_number', 'varchar'],
  ['capability_status', 'varchar'],
  ['consumed_units', 'bigint'],
  ['enabled_units', 'bigint'],
  ['warning_units', 'bigint'],
  ['suspended_units', 'bigint'],
  ['locked_out_units', 'bigint'],
];
const DEPLOYMENT_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['customer_id', 'varchar'],
  ['customer_name', 'varchar'],
  ['sku_id', 'varchar'],
  ['product_name', 'varchar'],
  ['licenses_deployed', 'bigint'],
  ['licenses_sold', 'bigint'],
  ['processed_date', 'date'],
];
const USAGE_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['customer_id', 'varchar'],
  ['customer_name', 'varchar'],
  ['sku_id', 'varchar'],
  ['product_name', 'varchar'],
  ['workload', 'varchar'],
  ['licenses_active', 'bigint'],
  ['licenses_qualified', 'bigint'],
  ['processed_date', 'date'],
];

const SOURCE_NAMES: Partial<Record<SourceKind, string>> = {
  tickets: 'tickets.csv',
  pc_subscriptions: 'partner-center/subscriptions.json',
  pc_deployment: 'partner-center/licenses-deployment.json',
  pc_usage: 'partner-center/licenses-usage.json',
};

function setOutcome(ctx: LoadContext, rel: string, outcome: FileOutcome): void {
  ctx.result.outcomes.set(rel, outcome);
}

function addCounts(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + n);
}

async function readJson(ctx: LoadContext, file: DropFile): Promise<unknown> {
  const text = (file.content ? file.content.toString('utf8') : await readFile(file.abs, 'utf8')).replace(
    /^\uFEFF/,
    '',
  );
  file.content = undefined; // parsed once; let it go
  if (text.trim() === '') {
    ctx.result.issues.push({
      severity: 'error',
      code: 'empty_file',
      file: file.rel,
      message: 'is empty; set aside',
    });
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const msg = (err as Error).message;
    const line = jsonErrorLine(text, msg);
    ctx.result.issues.push({
      severity: 'error',
      code: 'bad_json',
      file: file.rel,
      line,
      message: `is not valid JSON (${msg.split(' while parsing')[0]}); set aside`,
    });
    return undefined;
  }
}

/**
 * The line of a JSON.parse error. Newer V8 says "position N" or "(line L column C)"; Node 20 only quotes the
 * text around the error ("…"status": }" is not valid JSON), which is found in the file.
 */
export function jsonErrorLine(text: string, message: string): number | undefined {
  const lineCol = /\(line (\d+) column \d+\)/.exec(message);
  if (lineCol) return Number(lineCol[1]);
  const pos = /position (\d+)/.exec(message);
  if (pos) return text.slice(0, Number(pos[1])).split('\n').length;
  const quoted = /"(?:\.\.\.)?([\s\S]+?)(?:\.\.\.)?" is not valid JSON/.exec(message)?.[1];
  if (quoted) {
    const at = text.indexOf(quoted);
    if (at >= 0) return text.slice(0, at + quoted.length).split('\n').length;
  }
  if (/Unexpected end of JSON input/.test(message)) return text.split('\n').length;
  return undefined;
}

/** Parses a JSON file and appends its rows, or sets the whole file aside. */
async function loadJsonFile<T extends object>(
  ctx: LoadContext,
  file: DropFile,
  parse: (json: unknown) => Parsed<T>,
  table: string,
  columns: [string, ColumnType][],
  keep: (row: T) => boolean = () => true,
): Promise<void> {
  const json = await readJson(ctx, file);
  if (json === undefined) return setOutcome(ctx, file.rel, { loaded: 0, rejected: 0, status: 'set_aside' });
  const parsed = parse(json);
  ctx.result.issues.push(...parsed.issues);
  addCounts(ctx.result.excluded, parsed.excluded);
  if (parsed.issues.some((i) => i.code === 'json_shape')) {
    return setOutcome(ctx, file.rel, { loaded: 0, rejected: 0, status: 'set_aside' });
  }
  const rows = parsed.rows.filter(keep);
  const pending = ctx.pending.get(table) ?? { columns, rows: [] };
  for (const r of rows) pending.rows.push({ snapshot_date: ctx.date, ...(r as Record<string, Value>) });
  ctx.pending.set(table, pending);
  const rejected = parsed.issues.filter((i) => i.severity === 'error').length;
  setOutcome(ctx, file.rel, { loaded: rows.length, rejected, status: 'loaded' });
}

/**
 * The line of customers.csv on which each customer id stands (the first), for issues about a row that DuckDB read
 * without line numbers. Reads the file as its BOM says (UTF-16 or UTF-8).
 */
async function customerLines(file: string): Promise<(customerId: string) => number | undefined> {
  const buf = await readFile(file);
  const text =
    buf[0] === 0xff && buf[1] === 0xfe ? buf.subarray(2).toString('utf16le') : buf.toString('utf8');
  const lines = text.toLowerCase().split('\n');
  return (id) => {
    const i = lines.findIndex((l) => l.includes(id.toLowerCase()));
    return i >= 0 ? i + 1 : undefined;
  };
}

async function loadCustomers(ctx: LoadContext, files: DropFile[]): Promise<void> {
  const { wh, date, result } = ctx;
  const file = files.find((f) => f.kind === 'customers' && !f.refused);
  let loaded = false;
  if (file) {
    const read = await readCsvFiles(wh, [file], CUSTOMERS, 'tmp_customers');
    result.issues.push(...read.issues);
    if (!read.setAside.has(file.rel)) {
      const counts = read.read.get(file.rel)!;
      // Every owner_email through the one address rule (src/ingest/values.ts): what is stored is what the digest
      // gives RCPT TO, byte for byte. Anything but exactly one plain address is refused, never guessed at.
      const owners = await wh.all(
        'SELECT DISTINCT owner_email AS raw FROM tmp_customers WHERE owner_email IS NOT NULL',
      );
      const checked = owners.map((o) => {
        const raw = String(o.raw);
        const check = raw.trim() === '' ? null : checkEmailAddress(raw);
        return {
          raw,
          address: check?.ok ? check.address : null,
          reason: check && !check.ok ? check.reason : null,
        };
      });
      await wh.run(
        'CREATE OR REPLACE TEMP TABLE tmp_owner_check (raw VARCHAR, address VARCHAR, reason VARCHAR)',
      );
      await insertRows(
        wh,
        'tmp_owner_check',
        [
          ['raw', 'varchar'],
          ['address', 'varchar'],
          ['reason', 'varchar'],
        ],
        checked,
      );
      const bad = await wh.all(
        `SELECT t.customer_id::VARCHAR AS customer_id, t.owner_email, o.reason FROM tmp_customers t
         JOIN tmp_owner_check o ON o.raw = t.owner_email
         WHERE o.reason IS NOT NULL`,
      );
      const lineOf = bad.length ? await customerLines(file.abs) : () => undefined;
      for (const b of bad) {
        result.issues.push({
          severity: 'warning',
          code: 'bad_owner_email',
          file: file.rel,
          line: lineOf(String(b.customer_id)),
          column: 'owner_email',
          customerId: String(b.customer_id),
          message: `customer ${String(b.customer_id)}: owner_email ${JSON.stringify(b.owner_email)} is not exactly one e-mail address: it ${String(b.reason)}; the customer is kept without an account manager`,
        });
      }
      // Locales as people write them (en-GB, zh-Hans-CN): one warning per value that matches no supported language.
      const locales = await wh.all(
        `SELECT trim(locale) AS locale, count(*)::INTEGER AS n FROM tmp_customers
         WHERE locale IS NOT NULL AND trim(locale) <> '' GROUP BY 1 ORDER BY 1`,
      );
      const localeMap = locales.map((l) => ({
        raw: String(l.locale),
        locale: matchLocale(String(l.locale)),
      }));
      for (const [i, l] of localeMap.entries()) {
        if (l.locale) continue;
        result.issues.push({
          severity: 'warning',
          code: 'unknown_locale',
          file: file.rel,
          column: 'locale',
          message: `locale ${JSON.stringify(l.raw)} (${String(locales[i]!.n)} customer(s)) is not a supported language (en, zh-CN); ${ctx.config.defaults.locale} is used`,
        });
      }
      await wh.run('CREATE OR REPLACE TEMP TABLE tmp_locales (raw VARCHAR, locale VARCHAR)');
      await insertRows(
        wh,
        'tmp_locales',
        [
          ['raw', 'varchar'],
          ['locale', 'varchar'],
        ],
        localeMap,
      );
      const dups = await wh.all(
        'SELECT customer_id::VARCHAR AS customer_id, count(*)::INTEGER AS n FROM tmp_customers GROUP BY 1 HAVING count(*) > 1',
      );
      for (const dup of dups) {
        result.issues.push({
          severity: 'warning',
          code: 'duplicate_customer',
          file: file.rel,
          column: 'customer_id',
          customerId: String(dup.customer_id),
          message: `customer ${String(dup.customer_id)} is listed ${String(dup.n)} times; the first row is used`,
        });
      }
      await wh.run(
        `INSERT INTO stg_customers
         SELECT $date::DATE, customer_id::VARCHAR, coalesce(nullif(trim(customer_name), ''), customer_id::VARCHAR),
           (SELECT o.address FROM tmp_owner_check o WHERE o.raw = c.owner_email),
           coalesce(l.locale, $locale),
           nullif(trim(segment), ''), false
         FROM tmp_customers c LEFT JOIN tmp_locales l ON l.raw = trim(c.locale)
         WHERE customer_id IS NOT NULL
         QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY filename) = 1`,
        { date, locale: ctx.config.defaults.locale },
      );
      setOutcome(ctx, file.rel, { ...counts, status: 'loaded' });
      loaded = true;
    } else {
      setOutcome(ctx, file.rel, { loaded: 0, rejected: 0, status: 'set_aside' });
    }
    await wh.run('DROP TABLE IF EXISTS tmp_customers');
    await wh.run('DROP TABLE IF EXISTS tmp_locales');
    await wh.run('DROP TABLE IF EXISTS tmp_owner_check');
  }
  if (!loaded) {
    // Without the partner's list the rest of the drop still loads, against the last list known.
    const prev = await wh.all(
      'SELECT max(snapshot_date) AS d FROM stg_customers WHERE snapshot_date < $date::DATE',
      { date },
    );
    const prevDate = prev[0]?.d ?? null;
    result.issues.push({
      severity: 'error',
      code: 'missing_customers',
      file: 'customers.csv',
      message: `${file ? 'could not be read' : 'is missing from the drop'}; ${
        prevDate
          ? `the customer list of ${String(prevDate)} is used instead`
          : 'no earlier customer list exists, so customers have no names or account managers'
      }`,
    });
    if (prevDate) {
      await wh.run(
        `INSERT INTO stg_customers SELECT $date::DATE, customer_id, customer_name, owner_email, locale, segment, true
         FROM stg_customers WHERE snapshot_date = $prev::DATE`,
        { date, prev: String(prevDate) },
      );
    } else {
      const ids = new Set(files.filter((f) => f.customerId).map((f) => f.customerId!));
      await insertRows(
        wh,
        'stg_customers',
        [
          ['snapshot_date', 'date'],
          ['customer_id', 'varchar'],
          ['customer_name', 'varchar'],
          ['owner_email', 'varchar'],
          ['locale', 'varchar'],
          ['segment', 'varchar'],
          ['carried_forward', 'boolean'],
        ],
        [...ids].map((id) => ({
          snapshot_date: date,
          customer_id: id,
          customer_name: id,
          locale: ctx.config.defaults.locale,
          carried_forward: true,
        })),
      );
    }
  }
  const rows = await wh.all('SELECT customer_id FROM stg_customers WHERE snapshot_date = $date::DATE', {
    date,
  });
  for (const r of rows) ctx.customers.add(String(r.customer_id));
}

/** Tenant files of tenants missing from customers.csv are set aside: nobody owns them. */
function tenantKnown(ctx: LoadContext, file: DropFile): boolean {
  if (!file.customerId || ctx.customers.has(file.customerId)) return true;
  ctx.result.issues.push({
    severity: 'error',
    code: 'unknown_tenant',
    file: file.rel,
    customerId: file.customerId,
    message: `tenant ${file.customerId} has no row in customers.csv; its files are set aside`,
  });
  setOutcome(ctx, file.rel, { loaded: 0, rejected: 0, status: 'set_aside' });
  return false;
}

async function loadUserReports(ctx: LoadContext, files: DropFile[]): Promise<void> {
  const { wh, date, result } = ctx;
  const reports = files.filter((f) => f.kind === 'graph_users' && !f.refused && tenantKnown(ctx, f));
  if (reports.length === 0) return;
  // Rows go straight into staging (one write), tagged with their tenant; they are checked there, and the few
  // that must not stay are deleted before the transaction ends.
  await wh.run('CREATE OR REPLACE TEMP TABLE tmp_user_files (abs VARCHAR, rel VARCHAR, customer_id VARCHAR)');
  await insertRows(
    wh,
    'tmp_user_files',
    [
      ['abs', 'varchar'],
      ['rel', 'varchar'],
      ['customer_id', 'varchar'],
    ],
    reports.map((f) => ({ abs: f.abs, rel: f.rel, customer_id: f.customerId })),
  );
  const read = await readCsvFiles(wh, reports, GRAPH_USER_REPORT, 'tmp_users', {
    params: { date },
    insert: (select) => `INSERT INTO stg_user_activity
      SELECT $date::DATE, f.customer_id, nullif(trim(t.user_key), ''), t.is_deleted, t.deleted_date, t.report_refresh_date,
        t.exchange_last, t.onedrive_last, t.sharepoint_last, t.skype_last, t.yammer_last, t.teams_last,
        coalesce(t.assigned_products, ''), t.extras
      FROM (${select}) t JOIN tmp_user_files f ON f.abs = t.filename`,
  });
  ctx.log.debug({ date, ...read.timings }, 'user reports read');
  result.issues.push(...read.issues);
  const relOf = new Map(reports.map((f) => [f.customerId!, f.rel]));
  let t = process.hrtime.bigint();
  const lap = (what: string) => {
    const now = process.hrtime.bigint();
    ctx.log.debug({ date, step: what, ms: Number(now - t) / 1e6 }, 'user reports step');
    t = now;
  };
  // One pass over the rows for every per-file check: rows loaded, values missing, users listed twice, activity
  // after the report date. (One report per tenant, so the tenant names the file.)
  const checks = await wh.all(
    `SELECT customer_id,
       count(*)::INTEGER AS n,
       count(*) FILTER (WHERE user_key IS NULL)::INTEGER AS no_user,
       count(*) FILTER (WHERE report_refresh_date IS NULL)::INTEGER AS no_date,
       count(*) FILTER (WHERE is_deleted IS NULL)::INTEGER AS no_deleted,
       count(*) FILTER (WHERE user_key IS NULL OR report_refresh_date IS NULL OR is_deleted IS NULL)::INTEGER AS incomplete,
       (count(user_key) - count(DISTINCT user_key))::INTEGER AS duplicates,
       count(*) FILTER (WHERE greatest(exchange_last, onedrive_last, sharepoint_last, skype_last, yammer_last, teams_last)
                              > report_refresh_date)::INTEGER AS future_activity
     FROM stg_user_activity WHERE snapshot_date = $date::DATE
     GROUP BY customer_id`,
    { date },
  );
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
    for (const [col, n] of [
      ['User Principal Name', c.no_user],
      ['Report Refresh Date', c.no_date],
      ['Is Deleted', c.no_deleted],
    ] as const) {
      if (Number(n) > 0) {
        result.issues.push({
          severity: 'error',
          code: 'empty_required_value',
          file: rel,
          column: col,
          message: `${String(n)} row(s) have no value; set aside`,
        });
      }
    }
    if (Number(c.duplicates) > 0) {
      result.issues.push({
        severity: 'warning',
        code: 'duplicate_user',
        file: rel,
        column: 'User Principal Name',
        message: `${String(c.duplicates)} row(s) repeat a user already listed; each user is counted once (the row with the newest activity)`,
      });
    }
    if (Number(c.future_activity) > 0) {
      result.issues.push({
        severity: 'warning',
        code: 'activity_after_report_date',
        file: rel,
        message: `${String(c.future_activity)} row(s) have a last-activity date after the Report Refresh Date; such dates lie outside the 28-day window and do not count`,
      });
    }
  }
  if (incomplete > 0) {
    await wh.run(
      'DELETE FROM stg_user_activity WHERE snapshot_date = $date::DATE AND (user_key IS NULL OR report_refresh_date IS NULL OR is_deleted IS NULL)',
      { date },
    );
  }
  if (duplicates > 0) {
    // Keep, per user, the row with the newest report and activity.
    await wh.run(
      `DELETE FROM stg_user_activity WHERE rowid IN (
         SELECT rowid FROM stg_user_activity WHERE snapshot_date = $date::DATE
         QUALIFY row_number() OVER (
           PARTITION BY customer_id, user_key
           ORDER BY report_refresh_date DESC,
             greatest(exchange_last, onedrive_last, sharepoint_last, skype_last, yammer_last, teams_last) DESC NULLS LAST,
             is_deleted
         ) > 1)`,
      { date },
    );
  }
  lap('deletes');
  for (const f of reports) {
    if (read.setAside.has(f.rel)) setOutcome(ctx, f.rel, { loaded: 0, rejected: 0, status: 'set_aside' });
    else if (!result.outcomes.has(f.rel))
      setOutcome(ctx, f.rel, { ...read.read.get(f.rel)!, status: 'loaded' });
  }
  const empty = [...read.read].filter(([, c]) => c.loaded === 0 && c.rejected === 0);
  for (const [rel] of empty) {
    result.issues.push({
      severity: 'warning',
      code: 'no_rows',
      file: rel,
      message: 'has a header and no users; the tenant shows no licence holders',
    });
  }
  await wh.run('DROP TABLE IF EXISTS tmp_user_files');
}

async function resolveAssignedProductNames(ctx: LoadContext): Promise<void> {
  const { wh, date, result } = ctx;
  const index = buildAliasIndex(ctx.catalog.products);
  const excludedSkus = new Map(
    ctx.catalog.products.filter((p) => p.excluded).map((p) => [p.skuId, p.partNumber]),
  );
  const distinct = await wh.all(
    'SELECT assigned_products AS s, count(*)::INTEGER AS n FROM stg_user_activity WHERE snapshot_date = $date::DATE GROUP BY 1',
    { date },
  );
  const rows: Record<string, string | number | null>[] = [];
  for (const { s, n } of distinct) {
    for (const name of resolveAssignedProducts(String(s), index)) {
      if (name.skuIds.length === 0) {
        rows.push({
          snapshot_date: date,
          assigned_products: String(s),
          product_name: name.name,
          sku_id: null,
          priority: 0,
        });
        result.unknownProducts.set(name.name, (result.unknownProducts.get(name.name) ?? 0) + Number(n));
        continue;
      }
      const part = excludedSkus.get(name.skuIds[0]!);
      if (part) result.excluded.set(part, (result.excluded.get(part) ?? 0) + Number(n));
      name.skuIds.forEach((sku, priority) =>
        rows.push({
          snapshot_date: date,
          assigned_products: String(s),
          product_name: name.name,
          sku_id: sku,
          priority,
        }),
      );
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

/** The tickets of tickets.csv: every row that cannot be read is set aside with its line, column and reason. */
async function loadTickets(ctx: LoadContext, file: DropFile): Promise<void> {
  const { wh, date, result } = ctx;
  const read = await readCsvFiles(wh, [file], TICKETS, 'tmp_tickets');
  result.issues.push(...read.issues);
  if (read.setAside.has(file.rel)) {
    setOutcome(ctx, file.rel, { loaded: 0, rejected: 0, status: 'set_aside' });
    await wh.run('DROP TABLE IF EXISTS tmp_tickets');
    return;
  }
  // Rows come back in file order (rowid); each is named by the line its record starts on, the reader's rejects
  // (already reported with their lines) left out.
  const rows = await wh.all(
    `SELECT trim(ticket_id) AS ticket_id, customer_id::VARCHAR AS customer_id, opened_at, trim(category) AS category,
       nullif(trim(product), '') AS product
     FROM tmp_tickets ORDER BY rowid`,
  );
  await wh.run('DROP TABLE IF EXISTS tmp_tickets');
  const rejectedLines = new Set(
    read.issues.filter((i) => i.file === file.rel && i.line !== undefined).map((i) => i.line!),
  );
  const starts = recordStartLines(await readFile(file.abs)).slice(1);
  const lines = starts.filter((l) => !rejectedLines.has(l));
  const lineOf = (k: number) => (lines.length === rows.length ? lines[k] : undefined);
  const format = ctx.config.tickets.openedAtFormat
    ? (compileTimeFormat(ctx.config.tickets.openedAtFormat) as TimeFormat)
    : null;
  const counts = read.read.get(file.rel)!;
  const kept = new Map<string, Record<string, Value>>();
  const refuse = (k: number, column: string, reason: string) => {
    counts.rejected++;
    result.issues.push({
      severity: 'error',
      code: 'bad_row',
      file: file.rel,
      line: lineOf(k),
      column,
      message: `${reason}; the row is set aside`,
    });
  };
  rows.forEach((r, k) => {
    if (!r.ticket_id) return refuse(k, 'ticket_id', 'the ticket id is empty');
    if (!r.customer_id) return refuse(k, 'customer_id', 'the customer id is empty');
    const opened = parseOpenedAt(r.opened_at as string | null, {
      format,
      timeZone: ctx.config.tickets.timeZone,
    });
    if (!opened.ok) return refuse(k, 'opened_at', opened.reason);
    const row = {
      snapshot_date: date,
      ticket_id: String(r.ticket_id),
      customer_id: String(r.customer_id),
      opened_at: opened.utc,
      category: String(r.category ?? ''),
      product: r.product as string | null,
    };
    // A ticket listed twice: its latest opening is kept.
    const prev = kept.get(row.ticket_id);
    if (!prev || String(prev.opened_at) < row.opened_at) kept.set(row.ticket_id, row);
  });
  await insertRows(
    wh,
    'stg_tickets',
    [
      ['snapshot_date', 'date'],
      ['ticket_id', 'varchar'],
      ['customer_id', 'varchar'],
      ['opened_at', 'timestamp'],
      ['category', 'varchar'],
      ['product', 'varchar'],
    ],
    [...kept.values()],
  );
  counts.loaded = rows.length - (counts.rejected - rejectedLines.size);
  setOutcome(ctx, file.rel, { ...counts, status: 'loaded' });
}

export async function loadDrop(
  wh: Warehouse,
  opts: {
    config: Config;
    catalog: Catalog;
    log: Logger;
    date: string;
    files: DropFile[];
    issues: LoadIssue[];
  },
): Promise<DropLoad> {
  const { date, files } = opts;
  const result: DropLoad = {
    outcomes: new Map(),
    issues: [...opts.issues],
    excluded: new Map(),
    unknownProducts: new Map(),
    missingSources: [],
  };
  const ctx: LoadContext = {
    wh,
    config: opts.config,
    catalog: opts.catalog,
    products: productLookup(opts.catalog),
    log: opts.log,
    date,
    result,
    customers: new Set(),
    pending: new Map(),
  };

  for (const table of STAGING_TABLES)
    await wh.run(`DELETE FROM ${table} WHERE snapshot_date = $date::DATE`, { date });

  for (const f of files) {
    if (f.refused) setOutcome(ctx, f.rel, { loaded: 0, rejected: 0, status: 'set_aside' });
    else if (f.kind === 'unknown' || f.kind === 'manifest')
      setOutcome(ctx, f.rel, { loaded: 0, rejected: 0, status: 'ignored' });
  }
  const usable = (kind: SourceKind) => files.filter((f) => f.kind === kind && !f.refused);

  let mark = process.hrtime.bigint();
  const phase = (name: string) => {
    const now = process.hrtime.bigint();
    opts.log.debug({ date, phase: name, ms: Number(now - mark) / 1e6 }, 'load phase done');
    mark = now;
  };
  await loadCustomers(ctx, files);
  phase('customers');
  await loadUserReports(ctx, files);
  phase('user reports');
  await loadCopilotReports(
    wh,
    date,
    usable('graph_copilot').filter((f) => tenantKnown(ctx, f)),
    { issues: result.issues, setOutcome: (rel, outcome) => setOutcome(ctx, rel, outcome) },
  );
  phase('copilot reports');

  for (const f of usable('graph_subscriptions')) {
    if (tenantKnown(ctx, f)) {
      await loadJsonFile(
        ctx,
        f,
        (j) => parseGraphSubscriptions(j, f.rel, f.customerId!, ctx.products),
        'stg_subscriptions',
        SUBSCRIPTION_COLUMNS,
      );
    }
  }
  for (const f of usable('graph_subscribed_skus')) {
    if (tenantKnown(ctx, f)) {
      await loadJsonFile(
        ctx,
        f,
        (j) => parseSubscribedSkus(j, f.rel, f.customerId!, ctx.products),
        'stg_subscribed_skus',
        SUBSCRIBED_SKU_COLUMNS,
      );
    }
  }
  const unknownPcCustomers = new Set<string>();
  const knownCustomer = (row: { customer_id: string }) => {
    if (ctx.customers.has(row.customer_id)) return true;
    unknownPcCustomers.add(row.customer_id);
    return false;
  };
  for (const f of usable('pc_subscriptions')) {
    await loadJsonFile(
      ctx,
      f,
      (j) => parsePartnerCenterSubscriptions(j, f.rel, ctx.products),
      'stg_subscriptions',
      SUBSCRIPTION_COLUMNS,
      knownCustomer,
    );
  }
  for (const f of usable('pc_deployment')) {
    await loadJsonFile(
      ctx,
      f,
      (j) => parseLicenseDeployment(j, f.rel, ctx.products),
      'stg_pc_deployment',
      DEPLOYMENT_COLUMNS,
      knownCustomer,
    );
  }
  for (const f of usable('pc_usage')) {
    await loadJsonFile(
      ctx,
      f,
      (j) => parseLicenseUsage(j, f.rel, ctx.products),
      'stg_pc_usage',
      USAGE_COLUMNS,
      knownCustomer,
    );
  }
  for (const f of usable('collect_report')) {
    const json = await readJson(ctx, f);
    const found =
      json === undefined ? [] : collectReportIssues(json, f.rel, ctx.config.digest.fallbackRecipient);
    result.issues.push(...found);
    setOutcome(ctx, f.rel, {
      loaded: found.length,
      rejected: 0,
      status: json === undefined ? 'set_aside' : 'loaded',
    });
  }
  for (const id of unknownPcCustomers) {
    result.issues.push({
      severity: 'warning',
      code: 'unknown_customer',
      file: 'partner-center/',
      customerId: id,
      message: `Partner Center lists customer ${id}, who has no row in customers.csv; its rows are set aside`,
    });
  }
  phase('json parsed');
  for (const [table, { columns, rows }] of ctx.pending) await insertRows(wh, table, columns, rows);
  await insertSubscriptionTerms(wh, date, ctx.pending.get('stg_subscriptions')?.rows ?? []);
  await loadSpendSources(wh, { config: ctx.config, date, files, result });
  phase('json appended');
  for (const f of usable('tickets')) await loadTickets(ctx, f);
  await resolveAssignedProductNames(ctx);
  phase('tickets and product names');

  for (const [kind, name] of Object.entries(SOURCE_NAMES)) {
    if (usable(kind as SourceKind).length === 0) {
      result.missingSources.push(name);
      result.issues.push({
        severity: 'info',
        code: 'missing_source',
        file: name,
        message: 'is not in the drop (optional); nothing from it this day',
      });
    }
  }
  const tenantsWithUsers = new Set(usable('graph_users').map((f) => f.customerId));
  const pcCustomers = await wh.all(
    'SELECT DISTINCT customer_id FROM stg_pc_deployment WHERE snapshot_date = $date::DATE UNION SELECT DISTINCT customer_id FROM stg_pc_usage WHERE snapshot_date = $date::DATE',
    { date },
  );
  const covered = new Set([...tenantsWithUsers, ...pcCustomers.map((r) => String(r.customer_id))]);
  for (const id of ctx.customers) {
    if (!covered.has(id)) {
      result.issues.push({
        severity: 'warning',
        code: 'customer_without_data',
        customerId: id,
        message: `customer ${id} is in customers.csv but the drop has no user report and no Partner Center analytics for it; it has no metrics this day`,
      });
    }
  }
  for (const [part, n] of result.excluded) {
    result.issues.push({
      severity: 'info',
      code: 'excluded_sku',
      message: `${part}: ${n} free/viral licence holder(s) or subscription(s) ignored`,
    });
  }
  for (const [name, n] of result.unknownProducts) {
    result.issues.push({
      severity: 'info',
      code: 'unknown_product',
      column: 'Assigned Products',
      message: `"${name}" (held by ${n} user(s)) is not in the product catalogue; ignored`,
    });
  }

  phase('checks');
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
    files.map((f) => {
      const o = result.outcomes.get(f.rel) ?? { loaded: 0, rejected: 0, status: 'set_aside' as const };
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
    result.issues.map((i) => ({
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
  return result;
}
