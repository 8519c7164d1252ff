// The partner's customers.csv (DESIGN.md §2) into stg_customers: every owner_email through the one address rule,
// locales matched to a supported language, a customer listed twice kept once. Without a readable file the rest of the
// drop still loads, against the last list known. Statements: queries/staging/stg_customers.sql.
import { readFile } from 'node:fs/promises';
import { matchLocale } from '../../locales.js';
import { insertRows } from '../../warehouse/insertRows.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { readCsvFiles, type CsvSpec } from '../csvRead.js';
import type { DropFile } from '../drop.js';
import type { LoadIssue } from '../issues.js';
import { newSourceLoad, setAside, type SourceLoad } from '../loadLedger.js';
import { allStaging, appendText, runStaging } from '../stagingSql.js';
import { checkEmailAddress } from '../values.js';

/** The partner's customers.csv (DESIGN.md §2). */
export const CUSTOMERS: CsvSpec = {
  columns: [
    {
      key: 'customer_id',
      headers: ['customer_id', 'tenant_id', 'customerTenantId'],
      type: 'UUID',
      required: true,
    },
    { key: 'customer_name', headers: ['customer_name', 'name'], type: 'VARCHAR', required: true },
    {
      key: 'owner_email',
      headers: ['owner_email', 'account_manager_email'],
      type: 'VARCHAR',
      required: true,
    },
    { key: 'locale', headers: ['locale'], type: 'VARCHAR' },
    { key: 'segment', headers: ['segment'], type: 'VARCHAR' },
  ],
};

const TABLE = 'stg_customers';

export interface CustomersLoad extends SourceLoad {
  /** every customer of the snapshot date, read or carried forward */
  customers: Set<string>;
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

/**
 * Every owner_email through the one address rule (src/ingest/values.ts): what is stored is what the digest gives
 * RCPT TO, byte for byte. Anything but exactly one plain address is refused, never guessed at.
 */
async function checkOwnerEmails(wh: Warehouse, file: DropFile, issues: LoadIssue[]): Promise<void> {
  const owners = await allStaging(wh, TABLE, 'owner_emails');
  const checked = owners.map((o) => {
    const raw = String(o.raw);
    const check = raw.trim() === '' ? null : checkEmailAddress(raw);
    return {
      raw,
      address: check?.ok ? check.address : null,
      reason: check && !check.ok ? check.reason : null,
    };
  });
  await runStaging(wh, TABLE, 'create_owner_check');
  await appendText(wh, 'tmp_owner_check', ['raw', 'address', 'reason'], checked);
  const bad = await allStaging(wh, TABLE, 'bad_owner_emails');
  const lineOf = bad.length ? await customerLines(file.abs) : () => undefined;
  for (const b of bad) {
    issues.push({
      severity: 'warning',
      code: 'bad_owner_email',
      file: file.rel,
      line: lineOf(String(b.customer_id)),
      column: 'owner_email',
      customerId: String(b.customer_id),
      message: `customer ${String(b.customer_id)}: owner_email ${JSON.stringify(b.owner_email)} is not exactly one e-mail address: it ${String(b.reason)}; the customer is kept without an account manager`,
    });
  }
}

/** Locales as people write them (en-GB, zh-Hans-CN): one warning per value that matches no supported language. */
async function matchLocales(
  wh: Warehouse,
  file: DropFile,
  defaultLocale: string,
  issues: LoadIssue[],
): Promise<void> {
  const locales = await allStaging(wh, TABLE, 'locales');
  const localeMap = locales.map((l) => ({ raw: String(l.locale), locale: matchLocale(String(l.locale)) }));
  for (const [i, l] of localeMap.entries()) {
    if (l.locale) continue;
    issues.push({
      severity: 'warning',
      code: 'unknown_locale',
      file: file.rel,
      column: 'locale',
      message: `locale ${JSON.stringify(l.raw)} (${String(locales[i]!.n)} customer(s)) is not a supported language (en, zh-CN); ${defaultLocale} is used`,
    });
  }
  await runStaging(wh, TABLE, 'create_locales');
  await appendText(wh, 'tmp_locales', ['raw', 'locale'], localeMap);
}

/** Reads customers.csv into stg_customers; false when the file is set aside. */
async function readCustomersFile(
  wh: Warehouse,
  file: DropFile,
  opts: { date: string; defaultLocale: string },
  load: SourceLoad,
): Promise<boolean> {
  const read = await readCsvFiles(wh, [file], CUSTOMERS, 'tmp_customers');
  load.issues.push(...read.issues);
  const loaded = !read.setAside.has(file.rel);
  if (loaded) {
    await checkOwnerEmails(wh, file, load.issues);
    await matchLocales(wh, file, opts.defaultLocale, load.issues);
    for (const dup of await allStaging(wh, TABLE, 'duplicates')) {
      load.issues.push({
        severity: 'warning',
        code: 'duplicate_customer',
        file: file.rel,
        column: 'customer_id',
        customerId: String(dup.customer_id),
        message: `customer ${String(dup.customer_id)} is listed ${String(dup.n)} times; the first row is used`,
      });
    }
    await runStaging(wh, TABLE, 'from_csv', { date: opts.date, locale: opts.defaultLocale });
    load.outcomes.set(file.rel, { ...read.read.get(file.rel)!, status: 'loaded' });
  } else {
    load.outcomes.set(file.rel, setAside());
  }
  await runStaging(wh, TABLE, 'drop_temp');
  return loaded;
}

/** Without the partner's list the rest of the drop still loads, against the last list known (or bare tenant ids). */
async function carryForward(
  wh: Warehouse,
  opts: { date: string; defaultLocale: string; files: DropFile[]; file: DropFile | undefined },
  issues: LoadIssue[],
): Promise<void> {
  const { date } = opts;
  const [last] = await allStaging(wh, TABLE, 'previous_date', { date });
  const previous = last?.previous ?? null;
  issues.push({
    severity: 'error',
    code: 'missing_customers',
    file: 'customers.csv',
    message: `${opts.file ? 'could not be read' : 'is missing from the drop'}; ${
      previous
        ? `the customer list of ${String(previous)} is used instead`
        : 'no earlier customer list exists, so customers have no names or account managers'
    }`,
  });
  if (previous) return runStaging(wh, TABLE, 'carry_forward', { date, previous: String(previous) });
  const ids = new Set(opts.files.filter((f) => f.customerId).map((f) => f.customerId!));
  await insertRows(
    wh,
    TABLE,
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
      locale: opts.defaultLocale,
      carried_forward: true,
    })),
  );
}

/** Loads the customers of the drop (`files`: all of them, for the tenant ids when no list exists at all). */
export async function loadCustomers(
  wh: Warehouse,
  opts: { date: string; defaultLocale: string; files: DropFile[] },
): Promise<CustomersLoad> {
  const load = newSourceLoad();
  const file = opts.files.find((f) => f.kind === 'customers' && !f.refused);
  const loaded = file ? await readCustomersFile(wh, file, opts, load) : false;
  if (!loaded) await carryForward(wh, { ...opts, file }, load.issues);
  const rows = await allStaging(wh, TABLE, 'customer_ids', { date: opts.date });
  return { ...load, customers: new Set(rows.map((r) => String(r.customer_id))) };
}
