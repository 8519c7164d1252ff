// The floor: DuckDB alone reading one night's files into tables, with the columns named (no sniffing, no
// union_by_name, no checks), as the fastest possible loader of the same files would. A whole command, start-up
// included, so that it compares with `adoption ingest` as a user runs both.
// Usage: node floor.mjs <drop dir> <database file>
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, LIST, VARCHAR, listValue } from '@duckdb/node-api';

const [drop, dbFile] = process.argv.slice(2);
const tenants = path.join(drop, 'tenants');
const date = (names) => Object.fromEntries(names.map((n) => [n, 'DATE']));
const text = (names) => Object.fromEntries(names.map((n) => [n, 'VARCHAR']));
const bool = (names) => Object.fromEntries(names.map((n) => [n, 'BOOLEAN']));
const workloads = ['Exchange', 'OneDrive', 'SharePoint', 'Skype For Business', 'Yammer', 'Teams'];
const userColumns = {
  ...date(['Report Refresh Date']),
  ...text(['User Principal Name', 'Display Name']),
  ...bool(['Is Deleted']),
  ...date(['Deleted Date']),
  ...bool(workloads.map((w) => `Has ${w} License`)),
  ...date(workloads.map((w) => `${w} Last Activity Date`)),
  ...date(workloads.map((w) => `${w} License Assign Date`)),
  ...text(['Assigned Products']),
};
const copilotApps = [
  'Copilot Chat',
  'Microsoft Teams Copilot',
  'Word Copilot',
  'Excel Copilot',
  'PowerPoint Copilot',
];
const copilotColumns = {
  ...date(['Report Refresh Date']),
  ...text(['User Principal Name', 'Display Name']),
  ...date(['Last Activity Date', ...copilotApps.map((a) => `${a} Last Activity Date`)]),
  ...date([
    'Outlook Copilot Last Activity Date',
    'OneNote Copilot Last Activity Date',
    'Loop Copilot Last Activity Date',
  ]),
  ...text(['Report Period']),
};

const sqlColumns = (cols) =>
  `{${Object.entries(cols)
    .map(([k, v]) => `'${k.replace(/'/g, "''")}': '${v}'`)
    .join(', ')}}`;
const db = await DuckDBInstance.create(dbFile, { threads: '2' });
const con = await db.connect();
const csv = (cols) =>
  `header = true, auto_detect = false, columns = ${sqlColumns(cols)}, dateformat = '%Y-%m-%d', filename = true`;
await con.run(`CREATE TABLE users AS SELECT * FROM read_csv($g, ${csv(userColumns)})`, {
  g: path.join(tenants, '*', 'office365ActiveUserDetail.csv'),
});
// Graph writes the Copilot report in more than one column order: each order is its own read, as it would have to be.
const byHeader = new Map();
for (const t of readdirSync(tenants)) {
  const f = path.join(tenants, t, 'copilotUsageUserDetail.csv');
  let header;
  try {
    header = readFileSync(f, 'utf8')
      .split('\n', 1)[0]
      .replace(/^\uFEFF/, '')
      .trim();
  } catch {
    continue;
  }
  byHeader.set(header, [...(byHeader.get(header) ?? []), f]);
}
let first = true;
for (const [header, files] of byHeader) {
  const cols = Object.fromEntries(header.split(',').map((h) => [h, copilotColumns[h] ?? 'VARCHAR']));
  const select = `SELECT "Report Refresh Date", "User Principal Name", "Last Activity Date", filename FROM read_csv($g, ${csv(cols)})`;
  await con.run(
    first ? `CREATE TABLE copilot AS ${select}` : `INSERT INTO copilot ${select}`,
    { g: listValue(files) },
    { g: LIST(VARCHAR) },
  );
  first = false;
}
const json = (name, file, columns) =>
  con.run(
    `CREATE TABLE ${name} AS SELECT filename, unnest(value, recursive := true) FROM read_json($g, format = 'unstructured', columns = ${sqlColumns(columns)}, filename = true)`,
    { g: file },
  );
await json('subscriptions', path.join(tenants, '*', 'subscriptions.json'), {
  value:
    'STRUCT(id VARCHAR, skuId VARCHAR, skuPartNumber VARCHAR, status VARCHAR, isTrial BOOLEAN, totalLicenses INTEGER, ownerTenantId VARCHAR)[]',
});
await json('subscribed_skus', path.join(tenants, '*', 'subscribedSkus.json'), {
  value: 'STRUCT(skuId VARCHAR, skuPartNumber VARCHAR, capabilityStatus VARCHAR, consumedUnits INTEGER)[]',
});
await con.run(
  `CREATE TABLE customers AS SELECT * FROM read_csv($f, header = true, auto_detect = false, columns = ${sqlColumns(
    text(['customer_id', 'customer_name', 'owner_email', 'locale', 'segment']),
  )})`,
  { f: path.join(drop, 'customers.csv') },
);
await con.run(
  `CREATE TABLE tickets AS SELECT * FROM read_csv($f, header = true, auto_detect = false, columns = ${sqlColumns(
    {
      ...text(['ticket_id', 'customer_id']),
      opened_at: 'TIMESTAMPTZ',
      ...text(['category', 'product']),
    },
  )})`,
  { f: path.join(drop, 'tickets.csv') },
);
// Partner Center's files are small and read whole, each as one JSON document.
await con.run(
  `CREATE TABLE partner_center AS SELECT filename, json FROM read_json_objects($g, filename = true, maximum_object_size = 1073741824)`,
  {
    g: path.join(drop, 'partner-center', '*.json'),
  },
);
con.closeSync();
db.closeSync();
