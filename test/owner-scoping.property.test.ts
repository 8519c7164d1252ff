// Property: over random portfolios, what an account manager receives (every query behind their digest and their
// workbook) holds their own customers only, and all of them. Owners are drawn from addresses built to trip up a
// careless filter: case variants, LIKE wildcards, quotes, prefixes of one another, the empty owner, unicode.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Warehouse, type Params } from '../src/warehouse/warehouse.js';

const FIRST_WEEK = '2026-11-23';
const CASES = Number(process.env.PROPERTY_RUNS ?? 1000);
const SKUS = ['05e9a617-0261-4cee-bb44-138d3ef5d965', 'f245ecc8-75af-4f8e-b61f-27d8114de5f3'];
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
      ($b, 'O365_BUSINESS_PREMIUM', 'Microsoft 365 Business Standard', 'm365', false, true, true, true, true, true, true, false, false)`,
    { a: SKUS[0]!, b: SKUS[1]! },
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

const customerArb = (i: number) =>
  fc.record({
    id: fc.constant(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
    owner: fc.constantFrom(...OWNERS),
    skus: fc.subarray([0, 1], { minLength: 1 }),
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
     SELECT week_ending, customer_id, sku_id, 'teams', true, 8, 4, 0.5 FROM adoption_weekly`,
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
  await wh.run(
    `INSERT INTO adoption_portfolio_weekly (week_ending, owner_email, has_data, customers)
     SELECT week_ending, coalesce(owner_email, ''), true, count(*) FROM adoption_customer_weekly GROUP BY ALL`,
  );
}

const REPORTS = ['customers', 'attention', 'workloads', 'inactive_users', 'data_quality', 'digest_findings'];

it(`no digest or owner workbook ever holds a customer of another owner (${CASES} random portfolios)`, async () => {
  const seed = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
  const cases = fc.sample(portfolioArb, { numRuns: CASES, seed });
  await load(cases);
  const pick = fc.sample(fc.nat(), { numRuns: CASES, seed: seed + 1 });
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
    const mine = customers.filter((c) => (c.owner ?? '') === owner).map((c) => c.id);
    for (const report of REPORTS) {
      const rows = await wh.allFile(`reports/${report}`, {
        week,
        owner,
        customer: null,
        low_usage: 2,
        low_deployment: 2,
        limit: 1000,
      });
      for (const r of rows) {
        const id = String(r.customer_id);
        if (ownerOf.get(id) !== owner)
          throw new Error(
            `${report} for "${owner}" holds ${id}, a customer of "${ownerOf.get(id)}"; ${where}`,
          );
      }
      if (report === 'customers' || report === 'attention')
        expect(new Set(rows.map((r) => r.customer_id)), `${report}; ${where}`).toEqual(new Set(mine));
    }
    const trend = await wh.allFile('reports/trend', { week, owner, customer: null });
    for (const t of trend) expect(t.series, where).toBe(owner === '' ? '(no account manager)' : owner);
    const [summary] = await wh.allFile('reports/summary', { week, owner, customer: null });
    expect(Number(summary?.customers ?? 0), where).toBe(mine.length);
  }
}, 600_000);
