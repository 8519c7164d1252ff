// The script an analyst would write instead of the job: DESIGN §1.1's adoption_daily for one night, computed with
// polars (a lazy scan over the night's Graph user-detail CSVs), written to a Parquet file. The benchmark times it as
// a whole command beside `adoption ingest`, and checks its figures against the warehouse's.
// Python's polars is what an analyst would reach for, but PyPI is out of reach here; nodejs-polars is the same Rust
// engine, bound to Node, installed from the npm registry by the benchmark into bench/.cache/peers.
// Usage: node adoption_daily_polars.mjs <drop dir> <products.json> <partner tenant id> <out.parquet>
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [drop, productsFile, partnerTenant, out] = process.argv.slice(2);
const require = createRequire(path.join(process.env.PEERS_DIR ?? '.', 'package.json'));
const pl = require('nodejs-polars');
const WINDOW = 28;

// One row per product name an 'Assigned Products' string may hold, with the workloads that make its holder active.
const products = JSON.parse(readFileSync(productsFile, 'utf8')).products.filter((p) => !p.excluded);
const seen = new Set();
const aliases = [];
for (const p of products)
  for (const a of p.aliases ?? []) {
    // A name several SKUs share goes to the catalogue's first, as a quick script would do it.
    if (seen.has(a.toUpperCase())) continue;
    seen.add(a.toUpperCase());
    const w = new Set(p.workloads);
    aliases.push({
      product: a.toUpperCase(),
      sku_id: p.skuId.toLowerCase(),
      p_exchange: w.has('exchange'),
      p_sharepoint: w.has('sharepoint'),
      p_teams: w.has('teams'),
      p_skype: w.has('skype'),
      p_yammer: w.has('yammer'),
      p_copilot: w.has('copilot'),
    });
  }
const productTable = pl.DataFrame(aliases).lazy();

// Dates as days since 1970, so that the window is plain arithmetic.
const date = (c) => pl.col(c).str.strptime(pl.Date, '%Y-%m-%d').cast(pl.Int32);
const inWindow = (c, asOf) =>
  pl
    .col(c)
    .gtEq(pl.col(asOf).sub(pl.lit(WINDOW - 1)))
    .and(pl.col(c).ltEq(pl.col(asOf)))
    .fillNull(false);

const tenantOf = pl.col('path').str.extract(pl.lit('tenants/([^/]+)/'), 1).alias('customer_id');
const users = pl
  .scanCSV(path.join(drop, 'tenants', '*', 'office365ActiveUserDetail.csv'), {
    includeFilePaths: 'path',
    inferSchemaLength: 0,
  })
  .select(
    tenantOf,
    pl.col('User Principal Name').alias('upn'),
    date('Report Refresh Date').alias('refresh'),
    pl.col('Is Deleted').eq(pl.lit('True')).alias('deleted'),
    pl.col('Assigned Products').alias('assigned'),
    date('Exchange Last Activity Date').alias('exchange'),
    date('OneDrive Last Activity Date').alias('onedrive'),
    date('SharePoint Last Activity Date').alias('sharepoint'),
    date('Skype For Business Last Activity Date').alias('skype'),
    date('Yammer Last Activity Date').alias('yammer'),
    date('Teams Last Activity Date').alias('teams'),
  )
  .withColumns(pl.col('refresh').max().over('customer_id').alias('as_of'));

// Graph writes the Copilot report in more than one column order (it added columns in 2025); selecting the columns by
// name lets one glob scan read them all.
const copilot = pl
  .scanCSV(path.join(drop, 'tenants', '*', 'copilotUsageUserDetail.csv'), {
    includeFilePaths: 'path',
    inferSchemaLength: 0,
    missingColumns: 'insert',
  })
  .select(
    tenantOf,
    pl.col('User Principal Name').alias('upn'),
    date('Report Refresh Date').alias('c_refresh'),
    date('Last Activity Date').alias('c_last'),
  )
  .withColumns(pl.col('c_refresh').max().over('customer_id').alias('c_as_of'))
  .select('customer_id', 'upn', inWindow('c_last', 'c_as_of').alias('w_copilot'));

const holders = users
  .withColumns(
    inWindow('exchange', 'as_of').alias('w_exchange'),
    inWindow('sharepoint', 'as_of').or(inWindow('onedrive', 'as_of')).alias('w_sharepoint'),
    inWindow('teams', 'as_of').alias('w_teams'),
    inWindow('skype', 'as_of').alias('w_skype'),
    inWindow('yammer', 'as_of').alias('w_yammer'),
  )
  .join(copilot, { on: ['customer_id', 'upn'], how: 'left' })
  .withColumns(pl.col('assigned').str.split('+').alias('product'))
  .explode('product')
  .withColumns(pl.col('product').str.strip().str.toUpperCase())
  .join(productTable, { on: 'product', how: 'inner' })
  .withColumns(
    pl
      .col('p_exchange')
      .and(pl.col('w_exchange'))
      .or(pl.col('p_sharepoint').and(pl.col('w_sharepoint')))
      .or(pl.col('p_teams').and(pl.col('w_teams')))
      .or(pl.col('p_skype').and(pl.col('w_skype')))
      .or(pl.col('p_yammer').and(pl.col('w_yammer')))
      .or(pl.col('p_copilot').and(pl.col('w_copilot').fillNull(false)))
      .alias('active'),
  )
  .groupBy(['customer_id', 'sku_id'])
  .agg(
    pl.col('deleted').not().sum().cast(pl.Int64).alias('licenses_assigned'),
    pl.col('active').sum().cast(pl.Int64).alias('active_entitlements'),
    pl.col('deleted').not().and(pl.col('active').not()).sum().cast(pl.Int64).alias('inactive'),
  );

// Subscriptions: each tenant's Graph subscriptions.json (an OData envelope, so parsed rather than scanned).
const subs = [];
const tenantsDir = path.join(drop, 'tenants');
for (const tenant of readdirSync(tenantsDir)) {
  const f = path.join(tenantsDir, tenant, 'subscriptions.json');
  if (!existsSync(f)) continue;
  for (const s of JSON.parse(readFileSync(f, 'utf8')).value ?? []) {
    const counted = s.status === 'Enabled' && !s.isTrial;
    subs.push({
      customer_id: tenant,
      sku_id: String(s.skuId).toLowerCase(),
      sold: counted ? Number(s.totalLicenses) : 0,
      sold_own: counted && s.ownerTenantId === partnerTenant ? Number(s.totalLicenses) : 0,
    });
  }
}
const sold = pl
  .DataFrame(subs)
  .lazy()
  .join(productTable.select('sku_id').unique(), { on: 'sku_id', how: 'inner' })
  .groupBy(['customer_id', 'sku_id'])
  .agg(pl.col('sold').sum().alias('licenses_sold'), pl.col('sold_own').sum().alias('licenses_sold_own'));

const daily = sold
  .join(holders, { on: ['customer_id', 'sku_id'], how: 'full', coalesce: true })
  .withColumns(
    pl.col('licenses_sold').fillNull(0).cast(pl.Int64),
    pl.col('licenses_sold_own').fillNull(0).cast(pl.Int64),
    pl.col('licenses_assigned').fillNull(0),
    pl.col('active_entitlements').fillNull(0),
    pl.col('inactive').fillNull(0),
  )
  .withColumns(pl.minHorizontal([pl.col('licenses_assigned'), pl.col('licenses_sold')]).alias('entitlements'))
  .withColumns(
    pl
      .when(pl.col('licenses_sold').gt(0))
      .then(pl.col('licenses_assigned').div(pl.col('licenses_sold')))
      .otherwise(pl.lit(null))
      .alias('deployment_pct'),
    pl
      .when(pl.col('entitlements').gt(0))
      .then(pl.col('active_entitlements').div(pl.col('entitlements')))
      .otherwise(pl.lit(null))
      .alias('usage_pct'),
    pl
      .maxHorizontal([pl.col('licenses_sold').sub(pl.col('licenses_assigned')), pl.lit(0)])
      .alias('unassigned'),
  )
  .collectSync();

daily.writeParquet(out);
console.log(JSON.stringify({ rows: daily.height }));
