// Covers queries/macros/scope.sql, queries/reports/, queries/findings/. Property: over random portfolios, what an
// account manager receives (every query behind their digest and their workbook) holds their own customers only, and all
// of them. Owners are drawn from addresses built to trip up a careless filter: case variants, LIKE wildcards, quotes,
// prefixes of one another, the empty owner, unicode. The queries are found, not listed: every report or findings query
// that takes $owner, so a new one is covered the day it is written (and must scope through the macros of
// queries/macros/scope.sql).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listMacros, parameterNames, QUERIES_DIR, sqlFile } from '../src/warehouse/sqlFiles.js';
import { Warehouse, type Params, type Row } from '../src/warehouse/warehouse.js';

const FIRST_WEEK = '2026-11-23';
// Each case runs every scoped query (twice as many as the 8 once listed by hand), so fewer cases than the 1000 of old keep
// the test's time about what it was; PROPERTY_RUNS=1000 runs more.
const CASES = Number(process.env.PROPERTY_RUNS ?? 300);
// E3, Business Standard, and Microsoft 365 Copilot (for the Copilot reports)
const SKUS = [
  '05e9a617-0261-4cee-bb44-138d3ef5d965',
  'f245ecc8-75af-4f8e-b61f-27d8114de5f3',
  '639dec6b-bb19-468b-871c-c5c441c4b0cb',
];
const COPILOT = 2;
const OWNERS = [
  'am1@partner.example',
  'AM1@partner.example',
  'am1@partner.example.evil',
  'am@partner.example',
  '%@partner.example',
  '_m1@partner.example',
  "o'brien@partner.example",
  'zoë@partner.example',
  '',
  null,
] as const;

let wh: Warehouse;
beforeAll(async () => {
  wh = await Warehouse.open(':memory:');
  await wh.run(
    `INSERT INTO catalog_products VALUES
      ($a, 'SPE_E3', 'Microsoft 365 E3', 'm365', false, true, true, true, true, true, true, false, false),
      ($b, 'O365_BUSINESS_PREMIUM', 'Microsoft 365 Business Standard', 'm365', false, true, true, true, true, true, true, false, false),
      ($c, 'Microsoft_365_Copilot', 'Microsoft 365 Copilot', 'copilot', false, false, false, false, false, false, false, false, true)`,
    { a: SKUS[0]!, b: SKUS[1]!, c: SKUS[COPILOT]! },
  );
});
afterAll(() => wh.close());

interface Customer {
  id: string;
  owner: string | null;
  skus: number[];
  usage: number;
  inactiveUsers: number;
}

/** Every parameter any scoped query takes; the week and owner are set per case. */
const PARAMS: Params = {
  week: FIRST_WEEK,
  owner: '',
  customer: null,
  low_usage: 2,
  low_deployment: 2,
  limit: 1000,
  days: 84,
  horizon_days: 90,
};

const customerArb = (i: number) =>
  fc.record({
    id: fc.constant(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
    owner: fc.constantFrom(...OWNERS),
    skus: fc.subarray([0, 1, COPILOT], { minLength: 1 }),
    usage: fc.double({ min: 0, max: 1.5, noNaN: true }),
    inactiveUsers: fc.integer({ min: 0, max: 3 }),
  });

const portfolioArb = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => customerArb(i))));

/** Every case in one load, each in a week of its own, so that the property costs queries, not loads. */
async function load(cases: Customer[][]): Promise<void> {
  // Values are bound as one JSON parameter and unnested in SQL: nothing is spliced into the statement.
  const flat = cases.flatMap((customers, k) => customers.map((c) => ({ ...c, k })));
  const p: Params = { first: FIRST_WEEK, rows: JSON.stringify(flat) };
  const rows = `(SELECT unnest(from_json($rows, '[{"k":"INTEGER","id":"VARCHAR","owner":"VARCHAR","skus":"INTEGER[]","usage":"DOUBLE","inactiveUsers":"INTEGER"}]'), recursive := true))`;
  const week = `($first::DATE + 7 * k)`;
  await wh.run(
    `INSERT INTO adoption_customer_weekly (week_ending, customer_id, has_data, snapshot_date, as_of_date, customer_name,
       owner_email, licenses_sold, licenses_assigned, deployment_pct, usage_pct, usage_pct_adjusted, unused, unassigned, inactive, low_usage_streak)
     SELECT ${week}, id, true, ${week}, ${week} - 1, 'Customer ' || id, owner, 10, 8, 0.8, usage, least(usage, 1), 5, 2, 3, 1
     FROM ${rows}`,
    p,
  );
  await wh.run(
    `INSERT INTO adoption_weekly (week_ending, customer_id, sku_id, has_data, snapshot_date, as_of_date, licenses_sold, licenses_assigned,
       deployment_pct, usage_pct, usage_pct_adjusted, low_usage_streak)
     SELECT ${week}, id, ($skus::VARCHAR[])[s + 1], true, ${week}, ${week} - 1, 10, 8, 0.8, usage, least(usage, 1), 1
     FROM ${rows}, unnest(skus) t(s)`,
    { ...p, skus: `[${SKUS.map((s) => `'${s}'`).join(',')}]` },
  );
  await wh.run(
    `INSERT INTO adoption_workload_weekly (week_ending, customer_id, sku_id, workload, has_data, licenses_qualified, licenses_active, usage_pct)
     SELECT week_ending, customer_id, sku_id, CASE WHEN sku_id = $copilot THEN 'copilot_chat' ELSE 'teams' END, true, 8, 4, 0.5
     FROM adoption_weekly`,
    { copilot: SKUS[COPILOT]! },
  );
  // Seats the partner sells, every one with both kinds of saving, so that the spend reports and findings have rows.
  await wh.run(
    `INSERT INTO licence_spend_daily (snapshot_date, customer_id, sku_id, price_basis, own_seats, unassigned, inactive,
       costed_unassigned, costed_inactive, monthly_price, currency, unassigned_monthly_cost, inactive_monthly_cost,
       next_renewal_date, renewal_deadline, renewal_monthly_price, reducible_at_renewal, reducible_now, reducible_now_until)
     SELECT snapshot_date, customer_id, sku_id, 'own_subscription', 10, 2, 3, 2, 3, 10, 'EUR', 20, 30,
       snapshot_date + 30, snapshot_date + 29, 10, 2, 1, snapshot_date + INTERVAL 3 DAY
     FROM adoption_weekly`,
  );
  await wh.run(
    `INSERT INTO suggestions SELECT week_ending, customer_id, 'item-' || sku_id, 'low_usage', sku_id, usage_pct_adjusted, deployment_pct
     FROM adoption_weekly`,
  );
  // The week's snapshot of each product, measured per user: the inactive users' report lists such products only.
  await wh.run(
    `INSERT INTO adoption_daily (snapshot_date, customer_id, sku_id, as_of_date, source, licenses_sold, licenses_assigned,
       entitlements, usage_basis, unassigned)
     SELECT snapshot_date, customer_id, sku_id, as_of_date, 'graph', 10, 8, 10, 'any_workload', 2 FROM adoption_weekly`,
  );
  await wh.run(
    `INSERT INTO user_license_activity (snapshot_date, customer_id, user_key, sku_id, as_of_date, is_deleted, active_exchange,
       active_sharepoint, active_skype, active_teams, active_yammer, active, last_activity_date)
     SELECT w.snapshot_date, w.customer_id, 'user' || u || '@' || w.customer_id, w.sku_id, w.as_of_date, false, false, false, false, false, false, false, NULL
     FROM adoption_weekly w JOIN ${rows} c ON c.id = w.customer_id AND w.week_ending = $first::DATE + 7 * c.k, range(c.inactiveUsers) t(u)`,
    p,
  );
  await wh.run(
    `INSERT INTO findings SELECT week_ending, customer_id, sku_id, 'low_usage', NULL, usage_pct, 0.5, '{}' FROM adoption_weekly WHERE usage_pct < 0.5`,
  );
  await wh.run(
    `INSERT INTO load_issues SELECT snapshot_date, 'warning', 'test', 'tenants/' || customer_id || '/office365ActiveUserDetail.csv', 1, NULL, NULL, 'a note'
     FROM adoption_customer_weekly`,
  );
  // An issue about no customer in particular (everyone sees it), and one that names its customer itself.
  await wh.run(
    `INSERT INTO load_issues SELECT DISTINCT snapshot_date, 'error', 'partner', 'partnercenter/customers.json', NULL, NULL, NULL, 'about no one'
     FROM adoption_customer_weekly`,
  );
  await wh.run(
    `INSERT INTO load_issues SELECT snapshot_date, 'warning', 'named', NULL, NULL, 'Domain', customer_id, 'names its customer'
     FROM adoption_customer_weekly`,
  );
  await wh.run(
    `INSERT INTO adoption_portfolio_weekly (week_ending, owner_email, has_data, customers)
     SELECT week_ending, coalesce(owner_email, ''), true, count(*) FROM adoption_customer_weekly GROUP BY ALL`,
  );
}

/** queries/<dir>/<name>.sql files that take $owner: what an account manager is sent is read by these. */
const SCOPED = ['reports', 'findings'].flatMap((dir) =>
  readdirSync(path.join(QUERIES_DIR, dir))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => `${dir}/${file.slice(0, -'.sql'.length)}`)
    .filter((name) => parameterNames(sqlFile(name)).has('owner'))
    .sort(),
);

/** owned_by and every macro of queries/macros/ that calls it, directly or through another. */
function scopeMacros(): Set<string> {
  const bodies = new Map(
    listMacros().flatMap(({ sql }) =>
      sql.split(/(?=CREATE OR REPLACE TEMP MACRO )/).flatMap((part) => {
        const name = /^CREATE OR REPLACE TEMP MACRO (\w+)\(/.exec(part)?.[1];
        return name ? [[name, part] as const] : [];
      }),
    ),
  );
  const scoping = new Set(['owned_by']);
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, body] of bodies)
      if (!scoping.has(name) && [...scoping].some((m) => new RegExp(`\\b${m}\\(`).test(body))) {
        scoping.add(name);
        grew = true;
      }
  }
  return scoping;
}

it('finds every query that scopes by owner, and each scopes through the scope macros', () => {
  for (const name of [
    'customers',
    'attention',
    'workloads',
    'inactive_users',
    'data_quality',
    'digest_findings',
    'trend',
    'summary',
    'digest_suggestion_history',
  ])
    expect(SCOPED).toContain(`reports/${name}`);
  const macros = [...scopeMacros()];
  expect(macros).toContain('in_scope');
  for (const name of SCOPED) {
    const calls = macros.filter((m) => new RegExp(`\\b${m}\\(`).test(sqlFile(name)));
    expect(
      calls,
      `queries/${name}.sql takes $owner: scope it with owned_by or in_scope (queries/macros/scope.sql)`,
    ).not.toEqual([]);
  }
});

/**
 * Checks of the reports whose rows are sums, not customers: what the sums must count for `owner`, given the
 * customers of each case (a case per week). A report found without customer_id and without a check here fails.
 */
const SUM_CHECKS: Record<
  string,
  (rows: Row[], owner: string, cases: Customer[][], k: number, where: string) => void
> = {
  'reports/summary': (rows, owner, cases, k, where) => {
    const [summary] = rows;
    expect(Number(summary?.customers ?? 0), where).toBe(
      cases[k]!.filter((c) => (c.owner ?? '') === owner).length,
    );
  },
  'reports/trend': (rows, owner, _cases, _k, where) => {
    for (const t of rows) expect(t.series, where).toBe(owner === '' ? '(no account manager)' : owner);
  },
  'reports/copilot_trend': (rows, owner, cases, _k, where) => {
    for (const t of rows) {
      const held = cases[weekIndex(String(t.week_ending))]!.filter(
        (c) => (c.owner ?? '') === owner && c.skus.includes(COPILOT),
      );
      expect(Number(t.customers), `${t.week_ending}; ${where}`).toBe(held.length);
    }
  },
  'reports/digest_recipients': (rows, owner, cases, k, where) => {
    const held = cases[k]!.filter((c) => (c.owner ?? '') === owner).length;
    expect(
      rows.map((r) => [r.owner, Number(r.customers)]),
      where,
    ).toEqual(held ? [[owner, held]] : []);
  },
  'reports/spend_totals': (rows, owner, cases, k, where) => {
    const customers = rows.reduce((n, t) => n + Number(t.customers), 0);
    expect(customers, where).toBe(cases[k]!.filter((c) => (c.owner ?? '') === owner).length);
  },
};

function weekIndex(week: string): number {
  return (Date.parse(`${week}T00:00:00Z`) - Date.parse(`${FIRST_WEEK}T00:00:00Z`)) / (7 * 86_400_000);
}

it(`no digest or owner workbook ever holds a customer of another owner (${CASES} random portfolios)`, async () => {
  const seed = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
  const cases = fc.sample(portfolioArb, { numRuns: CASES, seed });
  await load(cases);
  const pick = fc.sample(fc.nat(), { numRuns: CASES, seed: seed + 1 });
  const perCustomer = new Map<string, boolean>();
  // A digest run sets the week's inactive licence holders and load issues aside before its workbooks read them.
  const setAside = async (week: string) => {
    await wh.runFile('reports/digest_inactive_holders', { week });
    await wh.runFile('reports/digest_week_issues', { week });
  };
  await setAside(FIRST_WEEK);
  for (const name of SCOPED)
    perCustomer.set(
      name,
      (await wh.columnsOf(sqlFile(name), PARAMS)).some((c) => c.name === 'customer_id'),
    );
  const rowsSeen = new Map<string, number>();
  for (const [k, customers] of cases.entries()) {
    const where = `case ${k} of seed ${seed} (PROPERTY_SEED=${seed} reproduces it): ${JSON.stringify(customers)}`;
    const week = new Date(Date.parse(`${FIRST_WEEK}T00:00:00Z`) + 7 * k * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const ownerOf = new Map<string, string>(customers.map((c) => [c.id, c.owner ?? '']));
    // The digest goes to each distinct owner in the data (NULL and '' are the same: nobody's).
    const owners = (
      await wh.all(
        `SELECT DISTINCT coalesce(owner_email, '') AS o FROM adoption_customer_weekly WHERE week_ending = $week::DATE AND has_data`,
        { week },
      )
    ).map((r) => String(r.o));
    expect(new Set(owners), where).toEqual(new Set(customers.map((c) => c.owner ?? '')));
    // One owner per case (now and then one with no customer), every query behind their digest and workbook.
    const candidates = [...owners, 'nobody@partner.example'];
    const owner = candidates[pick[k]! % candidates.length]!;
    const ownersCustomers = customers.filter((c) => (c.owner ?? '') === owner).map((c) => c.id);
    await setAside(week);
    // A digest's workbook lists the same inactive users, in the same order, as the owner's workbook on its own.
    expect(
      await wh.allFile('reports/digest_inactive_users', { ...PARAMS, week, owner }),
      `digest_inactive_users; ${where}`,
    ).toEqual(await wh.allFile('reports/inactive_users', { ...PARAMS, week, owner }));
    // And the same data quality lines.
    expect(
      await wh.allFile('reports/digest_data_quality', { ...PARAMS, week, owner }),
      `digest_data_quality; ${where}`,
    ).toEqual(await wh.allFile('reports/data_quality_grouped', { ...PARAMS, week, owner }));
    for (const report of SCOPED) {
      const rows = await wh.allFile(report, { ...PARAMS, week, owner });
      rowsSeen.set(report, (rowsSeen.get(report) ?? 0) + rows.length);
      if (!perCustomer.get(report)) {
        const check = SUM_CHECKS[report];
        if (!check)
          throw new Error(`${report} has no customer_id column: add a check of its sums to SUM_CHECKS`);
        check(rows, owner, cases, k, where);
        continue;
      }
      for (const r of rows) {
        // A data quality line about no customer in particular is everyone's: it holds nobody's customer.
        if (r.customer_id === null && /data_quality/.test(report)) continue;
        const id = String(r.customer_id);
        if (ownerOf.get(id) !== owner)
          throw new Error(
            `${report} for "${owner}" holds ${id}, a customer of "${ownerOf.get(id)}"; ${where}`,
          );
      }
      if (report === 'reports/customers' || report === 'reports/attention')
        expect(new Set(rows.map((r) => r.customer_id)), `${report}; ${where}`).toEqual(
          new Set(ownersCustomers),
        );
    }
  }
  // A query that never returned a row proved nothing: the portfolios must give every one of them rows.
  for (const report of SCOPED) expect(rowsSeen.get(report) ?? 0, report).toBeGreaterThan(0);
}, 600_000);
