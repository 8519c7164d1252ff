// Covers queries/macros/rollups.sql, queries/metrics/, jobs/report.ts, src/report/summarySheet.ts. Roll-ups that add up
// (DESIGN.md §1.5): on a history where one tenant is missing from a week's last night, every level of every table,
// daily and weekly, equals the sum of the level below for the same period, ratios recomputed from the sums; and the
// Summary and Trend sheets of one workbook show the same figure for the same week.
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { buildReport } from '../jobs/report.js';
import type { JobContext } from '../src/context.js';
import { writeDrop, type DropSpec, type GraphUser } from '../src/demo/writeDrop.js';
import { addDays } from '../src/dates.js';
import { PARTNER, tempDir, testContext } from './helpers/context.js';
import { rowsOf } from './helpers/sheets.js';

const OWNER = 'am@partner.example';
const A = 'f0000000-0000-4000-8000-00000000000a';
const B = 'f0000000-0000-4000-8000-00000000000b';
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const EXO1 = '4b9405b0-7788-4568-add1-99614e613b69';
// Weeks end on Monday (the default): 2026-11-16 and 2026-11-23.
const DATES = ['2026-11-12', '2026-11-14', '2026-11-16', '2026-11-19', '2026-11-23'];
// B's tenant is missing from the last night of the week ending 2026-11-16 and from 2026-11-23's.
const B_MISSING = new Set(['2026-11-16', '2026-11-23']);

function users(prefix: string, n: number, asOf: string, seed: number): GraphUser[] {
  return Array.from({ length: n }, (_, i) => ({
    upn: `${prefix}${i}@x.example`,
    products: i % 3 === 0 ? ['MICROSOFT 365 E3', 'EXCHANGE ONLINE (PLAN 1)'] : ['MICROSOFT 365 E3'],
    isDeleted: i === n - 1,
    deletedDate: i === n - 1 ? addDays(asOf, -3) : undefined,
    exchange: (i + seed) % 4 === 0 ? undefined : addDays(asOf, -((i * 7 + seed) % 35)),
    teams: (i + seed) % 5 === 0 ? addDays(asOf, -2) : undefined,
    yammer: i === 1 ? addDays(asOf, -1) : undefined,
  }));
}

function drop(date: string, k: number): DropSpec {
  const asOf = addDays(date, -1);
  const sub = (
    id: string,
    skuId: string,
    part: string,
    n: number,
    status: 'Enabled' | 'Warning' = 'Enabled',
  ) => ({
    id,
    skuId,
    skuPartNumber: part,
    status,
    isTrial: false,
    totalLicenses: n,
    ownerTenantId: PARTNER,
  });
  const tenants: DropSpec['tenants'] = [
    {
      tenantId: A,
      refreshDate: asOf,
      users: users('a', 12 + k, asOf, k),
      subscriptions: [
        sub('f1000000-0000-4000-8000-000000000001', E3, 'SPE_E3', 14),
        sub('f1000000-0000-4000-8000-000000000002', EXO1, 'EXCHANGESTANDARD', 3),
      ],
    },
  ];
  if (!B_MISSING.has(date)) {
    tenants.push({
      tenantId: B,
      refreshDate: asOf,
      users: users('b', 9 - (k % 3), asOf, k + 1),
      subscriptions: [
        sub('f1000000-0000-4000-8000-000000000003', E3, 'SPE_E3', 6),
        sub('f1000000-0000-4000-8000-000000000004', E3, 'SPE_E3', 2, 'Warning'),
      ],
    });
  }
  return {
    customers: [
      { customer_id: A, customer_name: 'Alpha Ltd', owner_email: OWNER },
      { customer_id: B, customer_name: 'Beta Ltd', owner_email: OWNER },
    ],
    tenants,
  };
}

let ctx: JobContext;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  ctx = await testContext(dir);
  for (const [k, date] of DATES.entries()) {
    writeDrop(path.join(dir, 'exports', date), drop(date, k));
    await ingest(ctx, { asOf: date, trigger: 'manual' });
  }
}, 120_000);
afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

const COUNTS = [
  'licenses_sold',
  'licenses_assigned',
  'entitlements',
  'active_entitlements',
  'unassigned',
  'inactive',
  'active_adjusted',
];
const ROLLUP_COUNTS = [...COUNTS, 'usage_entitlements', 'adjusted_entitlements'];

/** Rows where `upper` differs from the sum of `lower` grouped by `keys` (counts), or a ratio from its sums. */
async function mismatches(opts: {
  upper: string;
  lower: string;
  keys: string[];
  lowerCounts: string[];
  where?: string;
  lowerKey?: Record<string, string>;
}): Promise<unknown[]> {
  const sums = opts.lowerCounts.map((c) =>
    c === 'usage_entitlements' && !opts.lowerCounts.includes('adjusted_entitlements')
      ? ''
      : `sum(${c}) AS ${c}`,
  );
  const lowerKeys = opts.keys.map((k) => `${opts.lowerKey?.[k] ?? k} AS ${k}`);
  const sql = `
    WITH lower AS (
      SELECT ${lowerKeys.join(', ')}, ${sums.filter(Boolean).join(', ')}
      FROM ${opts.lower} ${opts.where ? `WHERE ${opts.where}` : ''} GROUP BY ALL
    )
    SELECT u.${opts.keys.join(', u.')}, ${opts.lowerCounts
      .map((c) => `u.${c} AS upper_${c}, l.${c} AS lower_${c}`)
      .join(', ')}
    FROM ${opts.upper} u FULL JOIN lower l USING (${opts.keys.join(', ')})
    WHERE ${opts.upper.includes('weekly') ? '(u.has_data OR u.has_data IS NULL) AND ' : ''}
      (${opts.lowerCounts.map((c) => `u.${c} IS DISTINCT FROM l.${c}`).join(' OR ')})`;
  return ctx.wh.all(sql);
}

async function ratioMismatches(table: string): Promise<unknown[]> {
  return ctx.wh.all(`
    SELECT * FROM ${table}
    WHERE ${table.includes('weekly') ? 'has_data AND ' : ''}(
      abs(coalesce(deployment_pct, -1) - coalesce(licenses_assigned / nullif(licenses_sold, 0), -1)) > 1e-12
      OR abs(coalesce(usage_pct, -1) - coalesce(active_entitlements / nullif(usage_entitlements, 0), -1)) > 1e-12
      OR abs(coalesce(usage_pct_adjusted, -1) - coalesce(active_adjusted / nullif(adjusted_entitlements, 0), -1)) > 1e-12)`);
}

describe('daily roll-ups', () => {
  it('has the history it is meant to test: a tenant missing from a week’s last night', async () => {
    const rows = await ctx.wh.all(
      `SELECT snapshot_date::VARCHAR AS d, count(*)::INTEGER AS customers FROM adoption_customer_daily GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual(DATES.map((d) => ({ d, customers: B_MISSING.has(d) ? 1 : 2 })));
  });

  it('a customer is the sum of its products', async () => {
    const [count] = await ctx.wh.all('SELECT count(*)::INTEGER AS n FROM adoption_daily');
    expect(count!.n).toBeGreaterThan(0);
    expect(
      await mismatches({
        upper: 'adoption_customer_daily',
        lower: 'adoption_daily',
        keys: ['snapshot_date', 'customer_id'],
        lowerCounts: COUNTS,
      }),
    ).toEqual([]);
  });

  it('an account manager is the sum of their customers', async () => {
    expect(
      await mismatches({
        upper: 'adoption_portfolio_daily',
        lower: 'adoption_customer_daily',
        keys: ['snapshot_date', 'owner_email'],
        lowerCounts: ROLLUP_COUNTS,
        lowerKey: { owner_email: "coalesce(owner_email, '')" },
      }),
    ).toEqual([]);
  });

  it('keeps the per-user rows of each customer’s last snapshot of each week, a night the tenant missed included', async () => {
    // The nights of 2026-11-16 and 2026-11-23 stored B's rows of the nights before (its last of those weeks), whose
    // product strings lie outside the night being ingested.
    const lastOfWeek = await ctx.wh.all(
      `SELECT customer_id, max(snapshot_date) AS snapshot_date FROM stg_user_activity
       GROUP BY customer_id, week_ending(snapshot_date, 1)`,
    );
    expect(lastOfWeek).toHaveLength(4);
    const rows = await ctx.wh.all(
      `SELECT snapshot_date::VARCHAR AS d, customer_id AS c, count(*) FILTER (WHERE sku_id = $e3)::INTEGER AS e3
       FROM user_license_activity GROUP BY ALL ORDER BY 1, 2`,
      { e3: E3 },
    );
    // Every user of the generated tenants holds E3: 12 + k of A's, 9 - (k mod 3) of B's on night k.
    expect(rows).toEqual([
      { d: '2026-11-14', c: B, e3: 8 },
      { d: '2026-11-16', c: A, e3: 14 },
      { d: '2026-11-19', c: B, e3: 9 },
      { d: '2026-11-23', c: A, e3: 16 },
    ]);
  });

  it('recomputes every ratio from the sums', async () => {
    for (const t of ['adoption_customer_daily', 'adoption_portfolio_daily'])
      expect(await ratioMismatches(t)).toEqual([]);
  });
});

describe('weekly roll-ups', () => {
  it('a customer week is the sum of its product weeks, both from the customer’s last snapshot of the week', async () => {
    const [count] = await ctx.wh.all('SELECT count(*)::INTEGER AS n FROM adoption_weekly WHERE has_data');
    expect(count!.n).toBeGreaterThan(0);
    expect(
      await mismatches({
        upper: 'adoption_customer_weekly',
        lower: 'adoption_weekly',
        keys: ['week_ending', 'customer_id'],
        lowerCounts: COUNTS,
        where: 'has_data',
      }),
    ).toEqual([]);
  });

  it('an account manager’s week is the sum of their customers’ weeks, the missing tenant counted with its last snapshot', async () => {
    expect(
      await mismatches({
        upper: 'adoption_portfolio_weekly',
        lower: 'adoption_customer_weekly',
        keys: ['week_ending', 'owner_email'],
        lowerCounts: ROLLUP_COUNTS,
        where: 'has_data',
        lowerKey: { owner_email: "coalesce(owner_email, '')" },
      }),
    ).toEqual([]);
    const [w] = await ctx.wh.all(
      `SELECT customers, snapshot_date::VARCHAR AS d FROM adoption_portfolio_weekly WHERE week_ending = '2026-11-16'`,
    );
    expect(w).toEqual({ customers: 2, d: '2026-11-16' });
    const [b] = await ctx.wh.all(
      `SELECT snapshot_date::VARCHAR AS d FROM adoption_customer_weekly WHERE week_ending = '2026-11-16' AND customer_id = $b`,
      { b: B },
    );
    expect(b).toEqual({ d: '2026-11-14' });
  });

  it('recomputes every ratio from the sums', async () => {
    for (const t of ['adoption_customer_weekly', 'adoption_portfolio_weekly'])
      expect(await ratioMismatches(t)).toEqual([]);
  });
});

describe('one workbook', () => {
  it('shows the same figures for the same week on its Summary and Trend sheets', async () => {
    const file = (
      await buildReport(ctx, {
        asOf: '2026-11-16',
        owner: OWNER,
        trigger: 'manual',
        outDir: path.join(dir, 'out'),
      })
    ).file;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const summary = wb.getWorksheet('Summary')!;
    // Three notes, then each block: its title, its header, its rows, a blank row.
    const licences = rowsOf(summary, 5);
    const rates = rowsOf(summary, 5 + licences.length + 3);
    expect(licences.length).toBeGreaterThan(0);
    expect(rates.length).toBeGreaterThan(0);
    const value = (rows: typeof licences, measure: string) =>
      rows.find((r) => String(r['Measure']!.value).startsWith(measure))!['This week']!.value;
    const trend = rowsOf(wb.getWorksheet('Trend')!).find(
      (r) => (r['Week ending']!.value as Date).toISOString().slice(0, 10) === '2026-11-16',
    )!;
    expect(trend).toBeDefined();
    expect(trend['Sold']!.value).toBe(value(licences, 'Licences sold'));
    expect(trend['Assigned']!.value).toBe(value(licences, 'Licences assigned'));
    expect(trend['Deployment %']!.value).toBe(value(rates, 'Deployment %'));
    expect(trend['Usage %']!.value).toBe(value(rates, 'Usage %'));
    expect(trend['Usage % (adjusted)']!.value).toBe(value(rates, 'Usage % (adjusted'));
  });
});
