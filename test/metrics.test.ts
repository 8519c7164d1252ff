// Covers jobs/ingest.ts, src/warehouse/metrics.ts, queries/metrics/. Pins every rule of DESIGN.md §1 on a hand-built
// drop (test/fixtures/rulesDrop.ts), through the real ingest job and a real DuckDB file. Expected values are worked out
// by hand in the comments.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import type { JobContext } from '../src/context.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import type { Row } from '../src/warehouse/warehouse.js';
import { dumpTable, tempDir, testContext } from './helpers/context.js';
import { AS_OF, DROP_DATE, SKU, T, rulesDrop } from './fixtures/rulesDrop.js';

let ctx: JobContext;
let cleanup: () => void;
let rows: Row[];

function row(customer: string, sku: string): Row {
  const r = rows.find((x) => x.customer_id === customer && x.sku_id === sku);
  if (!r) throw new Error(`no adoption_daily row for ${customer} × ${sku}`);
  return r;
}

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  writeDrop(path.join(t.dir, 'exports', DROP_DATE), rulesDrop());
  ctx = await testContext(t.dir);
  await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
  rows = await ctx.wh.all('SELECT * FROM adoption_daily WHERE snapshot_date = $d::DATE', { d: DROP_DATE });
});

afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

describe('adoption_daily: user-level rules (DESIGN.md §1.1)', () => {
  it('computes every column for a product with deleted, Yammer-only, stale and future activity', () => {
    // Holders of M365 E3, not deleted: u1 u2 u3 u4 u6 u7 u8 = 7. Sold: 10 (own) + 5 (other partner) = 15.
    // Active (deleted included): u1 (window's first day), u3 (OneDrive), u4 (Teams), u5 (deleted), u6 (Yammer) = 5.
    // Inactive: u2 (day before the window), u7 (never), u8 (after the as-of date) = 3.
    expect(row(T.main, SKU.E3)).toMatchObject({
      as_of_date: AS_OF,
      source: 'graph',
      licenses_sold: 15,
      licenses_sold_own: 10,
      licenses_assigned: 7,
      entitlements: 7,
      active_entitlements: 5,
      unassigned: 8,
      inactive: 3,
      active_deleted: 1,
      active_over_capacity: 0,
      over_capacity_cause: null,
      active_yammer_only: 1,
      usage_basis: 'any_workload',
    });
    expect(row(T.main, SKU.E3).deployment_pct).toBeCloseTo(7 / 15, 12);
    expect(row(T.main, SKU.E3).usage_pct).toBeCloseTo(5 / 7, 12);
    expect(row(T.main, SKU.E3).usage_pct_adjusted).toBeCloseTo(4 / 7, 12);
  });

  it('counts the window as [as_of − 27, as_of]: the first day counts, the day before and the day after do not', async () => {
    const flags = await ctx.wh.all(
      `SELECT user_key, active FROM user_license_activity WHERE snapshot_date = $d::DATE AND sku_id = $sku ORDER BY user_key`,
      { d: DROP_DATE, sku: SKU.E3 },
    );
    const active = Object.fromEntries(flags.map((f) => [f.user_key, f.active]));
    expect(active['u1@main.example']).toBe(true); // 2026-10-26 = as_of − 27
    expect(active['u2@main.example']).toBe(false); // 2026-10-25 = as_of − 28
    expect(active['u8@main.example']).toBe(false); // 2026-11-23 > as_of
  });

  it('does not count Teams activity for an Exchange-only licence', () => {
    // u9 (Teams only) is not active on Exchange Online (Plan 1); u10 (Exchange) is.
    expect(row(T.main, SKU.EXO1)).toMatchObject({
      licenses_sold: 3,
      licenses_assigned: 2,
      entitlements: 2,
      active_entitlements: 1,
      inactive: 1,
      usage_pct: 0.5,
    });
  });

  it('does not count a trial as sold, and explains the active users beyond the entitlements as a trial', () => {
    expect(row(T.main, SKU.E5)).toMatchObject({
      licenses_sold: 0,
      licenses_assigned: 2,
      deployment_pct: null,
      entitlements: 0,
      active_entitlements: 2,
      usage_pct: null,
      active_over_capacity: 2,
      over_capacity_cause: 'trial',
      usage_pct_adjusted: null,
    });
  });

  it('does not count a grace-period subscription as sold: Usage % goes over 100% and the cause is named', () => {
    // Sold 2 (Enabled) + 3 in Warning (grace, not counted). 3 holders, all active: entitlements 2, usage 150%.
    expect(row(T.main, SKU.BSTD)).toMatchObject({
      licenses_sold: 2,
      licenses_assigned: 3,
      deployment_pct: 1.5,
      entitlements: 2,
      active_entitlements: 3,
      usage_pct: 1.5,
      active_over_capacity: 1,
      over_capacity_cause: 'uncounted_subscription',
      usage_pct_adjusted: 1,
    });
  });

  it('gives a customer with nothing sold NULL percentages, and calls its extra activity unexplained', () => {
    expect(row(T.nothingSold, SKU.O365E3)).toMatchObject({
      licenses_sold: 0,
      licenses_assigned: 2,
      deployment_pct: null,
      entitlements: 0,
      usage_pct: null,
      usage_pct_adjusted: null,
      active_over_capacity: 1,
      over_capacity_cause: 'unexplained',
    });
  });

  it('ignores free/viral SKUs: no row, however many are sold or held', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.sku_id === SKU.PBI_FREE)).toBe(false);
    expect(
      rows
        .filter((r) => r.customer_id === T.main)
        .map((r) => r.sku_id)
        .sort(),
    ).toEqual([SKU.E3, SKU.E5, SKU.EXO1, SKU.BSTD].sort());
  });

  it('takes subscriptions from Partner Center when the tenant has no Graph subscriptions, all of them own', () => {
    // Active 4 counted; the expired (grace) one of 6 is not.
    expect(row(T.pcSubs, SKU.O365E1)).toMatchObject({
      licenses_sold: 4,
      licenses_sold_own: 4,
      licenses_assigned: 2,
      active_entitlements: 1,
      usage_pct: 0.5,
    });
  });
});

describe('adoption_daily: aggregate-only customers (DESIGN.md §1.3)', () => {
  it('uses licensesDeployed / licensesSold and the busiest workload, accepting both spellings of licensesActive', () => {
    // EXO 9/15 (spelt licenseActive), SPO 12/15: product usage is the busiest, 12/15.
    expect(row(T.aggregate, SKU.E3)).toMatchObject({
      source: 'partner_center',
      as_of_date: '2026-11-21',
      licenses_sold: 20,
      licenses_assigned: 15,
      deployment_pct: 0.75,
      entitlements: 15,
      active_entitlements: 12,
      usage_pct: 0.8,
      usage_basis: 'busiest_workload_lower_bound',
      unassigned: 5,
      licenses_sold_own: null,
      usage_pct_adjusted: null,
      active_deleted: null,
      inactive: null,
    });
  });
});

describe('both kinds of source for one customer (DESIGN.md §1.3)', () => {
  it('uses the user-level figures and lists the difference in the data-quality report', async () => {
    expect(row(T.main, SKU.E3)).toMatchObject({ source: 'graph', licenses_sold: 15, licenses_assigned: 7 });
    const issues = await ctx.wh.all(
      `SELECT severity, customer_id, message FROM load_issues WHERE code = 'source_difference'`,
    );
    expect(issues).toEqual([
      {
        severity: 'info',
        customer_id: T.main,
        message:
          'Microsoft 365 E3: Graph (used) counts 15 sold and 7 assigned; Partner Center analytics counts 12 sold and 6 deployed',
      },
    ]);
  });
});

describe('adoption_workload_daily', () => {
  it('counts OneDrive with SharePoint and each workload on its own', async () => {
    const w = await ctx.wh.all(
      `SELECT workload, licenses_qualified, licenses_active FROM adoption_workload_daily
       WHERE snapshot_date = $d::DATE AND customer_id = $c AND sku_id = $s ORDER BY workload`,
      { d: DROP_DATE, c: T.main, s: SKU.E3 },
    );
    expect(w).toEqual([
      { workload: 'exchange', licenses_qualified: 7, licenses_active: 2 }, // u1, u5
      { workload: 'sharepoint', licenses_qualified: 7, licenses_active: 1 }, // u3 (OneDrive)
      // skype is a retired workload (DESIGN.md §3): read, counted as activity, but not a row of its own
      { workload: 'teams', licenses_qualified: 7, licenses_active: 1 }, // u4
      { workload: 'yammer', licenses_qualified: 7, licenses_active: 1 }, // u6
    ]);
  });

  it('keeps the aggregate workloads as Partner Center gave them', async () => {
    const w = await ctx.wh.all(
      `SELECT workload, licenses_qualified, licenses_active, usage_pct FROM adoption_workload_daily
       WHERE snapshot_date = $d::DATE AND customer_id = $c ORDER BY workload`,
      { d: DROP_DATE, c: T.aggregate },
    );
    expect(w).toEqual([
      { workload: 'exchange', licenses_qualified: 15, licenses_active: 9, usage_pct: 0.6 },
      { workload: 'sharepoint', licenses_qualified: 15, licenses_active: 12, usage_pct: 0.8 },
    ]);
  });
});

describe('roll-ups', () => {
  it('rolls a customer up as ratios of sums', async () => {
    const [c] = await ctx.wh.all(
      `SELECT * FROM adoption_customer_daily WHERE snapshot_date = $d::DATE AND customer_id = $c`,
      { d: DROP_DATE, c: T.main },
    );
    // sold 15+3+0+2 = 20; assigned 7+2+2+3 = 14; entitlements 7+2+0+2 = 11; active 5+1+2+3 = 11
    // adjusted: least(active live, ent) = 4 + 1 + 0 + 2 = 7 over 11 (E5 has no entitlements, so it adds 0 to both)
    expect(c).toMatchObject({
      customer_name: 'Main Rules Ltd',
      owner_email: 'am1@partner.example',
      products: 4,
      licenses_sold: 20,
      licenses_assigned: 14,
      entitlements: 11,
      active_entitlements: 11,
      usage_pct: 1,
    });
    expect(c!.deployment_pct).toBeCloseTo(14 / 20, 12);
    expect(c!.usage_pct_adjusted).toBeCloseTo(7 / 11, 12);
  });

  it('rolls the portfolio up per account manager', async () => {
    const p = await ctx.wh.all(
      `SELECT owner_email, customers, licenses_sold, licenses_assigned FROM adoption_portfolio_daily WHERE snapshot_date = $d::DATE ORDER BY 1`,
      { d: DROP_DATE },
    );
    // am1: Main (20 sold, 14 assigned) + Nothing Sold (0, 2); am2: Aggregate (20, 15) + PC Subs (4, 2)
    expect(p).toEqual([
      { owner_email: 'am1@partner.example', customers: 2, licenses_sold: 20, licenses_assigned: 16 },
      { owner_email: 'am2@partner.example', customers: 2, licenses_sold: 24, licenses_assigned: 17 },
    ]);
  });
});

describe('re-ingest', () => {
  it('leaves identical tables when the same date is loaded again', async () => {
    const tables = [
      'adoption_daily',
      'adoption_workload_daily',
      'adoption_customer_daily',
      'adoption_portfolio_daily',
      'user_license_activity',
      'stg_user_activity',
      'stg_subscriptions',
      'load_files',
    ];
    const before = await Promise.all(tables.map((t) => dumpTable(ctx, t)));
    await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
    const after = await Promise.all(tables.map((t) => dumpTable(ctx, t)));
    expect(after).toEqual(before);
    const [loads] = await ctx.wh.all('SELECT count(*)::INTEGER AS n FROM loads');
    expect(loads!.n).toBe(1);
  });
});
