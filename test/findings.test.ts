// Covers queries/findings/findings.sql, src/digest/read.ts. queries/findings/findings.sql: every rule of DESIGN.md §4
// on hand-worked weekly figures, each on both sides of its threshold (the defaults of config/default.json: low
// deployment < 60%, low usage < 50%, weak workload 30 points below the best, 5 how-to tickets per 100 entitlements in
// 28 days, a drop of 10 points, renewal within 60 days with unassigned licences, upsell at ≥ 90% deployed and ≥ 80%
// used, usage over 100%).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeFindings } from '../src/digest/read.js';
import type { JobContext } from '../src/context.js';
import { insertRows } from '../src/warehouse/insertRows.js';
import { tempDir, testContext } from './helpers/context.js';

const WEEK = '2026-11-23';
const SNAPSHOT = '2026-11-23';
const AS_OF = '2026-11-22';
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const EXO1 = '4b9405b0-7788-4568-add1-99614e613b69';

/** Figures that raise nothing: deployed 75%, used 65%, no change. Each case changes what it tests. */
type Cell = string | number | boolean | null;
const NEUTRAL: Record<string, Cell> = {
  week_ending: WEEK,
  sku_id: E3,
  has_data: true,
  snapshot_date: SNAPSHOT,
  as_of_date: AS_OF,
  source: 'graph',
  licenses_sold: 100,
  licenses_assigned: 75,
  deployment_pct: 0.75,
  entitlements: 75,
  active_entitlements: 49,
  usage_pct: 0.65,
  usage_pct_adjusted: 0.65,
  usage_basis: 'any_workload',
  unassigned: 25,
  inactive: 26,
  active_deleted: 0,
  active_over_capacity: 0,
  over_capacity_cause: null,
  active_yammer_only: 0,
  usage_pct_change: 0,
  usage_pct_adjusted_change: 0,
  low_usage_streak: 0,
};

type Case = Record<string, Cell>;

const CASES: Record<string, Case> = {
  deployment_below: { deployment_pct: 0.59 },
  deployment_at: { deployment_pct: 0.6 },
  usage_below: { usage_pct_adjusted: 0.49 },
  usage_at: { usage_pct_adjusted: 0.5 },
  usage_aggregate_below: {
    usage_pct_adjusted: null,
    usage_pct: 0.45,
    usage_basis: 'busiest_workload_lower_bound',
  },
  usage_not_measurable: {
    usage_pct_adjusted: null,
    usage_pct: null,
    active_entitlements: null,
    usage_basis: 'not_measurable',
    usage_pct_change: null,
    usage_pct_adjusted_change: null,
  },
  weak_gap_over: {},
  weak_gap_under: {},
  weak_one_workload: {},
  how_to_at: { entitlements: 100 },
  how_to_below: { entitlements: 100 },
  declining_at: { usage_pct_adjusted_change: -0.1 },
  declining_short: { usage_pct_adjusted_change: -0.09 },
  renewal_inside: {},
  renewal_outside: {},
  renewal_all_assigned: { unassigned: 0, licenses_assigned: 100, deployment_pct: 1 },
  upsell_at: { deployment_pct: 0.9, usage_pct_adjusted: 0.8 },
  upsell_deployment_short: { deployment_pct: 0.89, usage_pct_adjusted: 0.8 },
  upsell_usage_short: { deployment_pct: 0.9, usage_pct_adjusted: 0.79 },
  over_100: { usage_pct: 1.01, active_over_capacity: 1, over_capacity_cause: 'trial' },
  at_100: { usage_pct: 1 },
};

const id = (name: string) =>
  `${(Object.keys(CASES).indexOf(name) + 1).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
const nameOf = new Map(Object.keys(CASES).map((n) => [id(n), n]));

let ctx: JobContext;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  ctx = await testContext(t.dir);
  for (const [name, c] of Object.entries(CASES)) {
    const row = { ...NEUTRAL, ...c, customer_id: id(name) };
    const cols = Object.keys(row);
    await ctx.wh.run(
      `INSERT INTO adoption_weekly (${cols.join(', ')}) VALUES (${cols.map((k) => `$${k}`).join(', ')})`,
      row,
    );
  }
  const workload = (name: string, w: string, usage: number) => ({
    week_ending: WEEK,
    customer_id: id(name),
    sku_id: E3,
    workload: w,
    has_data: true,
    usage_pct: usage,
  });
  const workloads = [
    workload('weak_gap_over', 'exchange', 0.9),
    workload('weak_gap_over', 'teams', 0.59), // 31 points below: weak
    workload('weak_gap_under', 'exchange', 0.9),
    workload('weak_gap_under', 'teams', 0.61), // 29 points below: not weak
    workload('weak_one_workload', 'exchange', 0.1), // nothing to compare it with
  ];
  for (const w of workloads) {
    await ctx.wh.run(
      `INSERT INTO adoption_workload_weekly (week_ending, customer_id, sku_id, workload, has_data, usage_pct)
       VALUES ($week_ending::DATE, $customer_id, $sku_id, $workload, $has_data, $usage_pct)`,
      w,
    );
  }
  // how_to_at: 5 how-to tickets in the window (per 100 entitlements: 5.0); how_to_below: 4, plus three that do not
  // count (a day before the window, an incident, after the as-of date).
  const ticket = (name: string, n: number, opened: string, category = 'How-to') => ({
    snapshot_date: SNAPSHOT,
    ticket_id: `${name}-${n}`,
    customer_id: id(name),
    opened_at: opened,
    category,
    product: null,
  });
  const tickets = [
    ...[0, 1, 2, 3, 4].map((n) => ticket('how_to_at', n, `2026-10-${26 + n}T10:00:00Z`)), // 2026-10-26: the window's first day
    ...[0, 1, 2, 3].map((n) => ticket('how_to_below', n, '2026-11-20T10:00:00Z')),
    ticket('how_to_below', 10, '2026-10-25T23:59:59Z'),
    ticket('how_to_below', 11, '2026-11-20T10:00:00Z', 'Incident'),
    ticket('how_to_below', 12, '2026-11-23T08:00:00Z'),
  ];
  await insertRows(
    ctx.wh,
    'stg_tickets',
    [
      ['snapshot_date', 'date'],
      ['ticket_id', 'varchar'],
      ['customer_id', 'varchar'],
      ['opened_at', 'timestamp'],
      ['category', 'varchar'],
      ['product', 'varchar'],
    ],
    tickets,
  );
  const sub = (name: string, termEnd: string, extra: Record<string, string | boolean | number> = {}) => ({
    snapshot_date: SNAPSHOT,
    customer_id: id(name),
    source: 'graph',
    subscription_id: `${name}-sub`,
    sku_id: E3,
    status_raw: 'Enabled',
    status: 'active',
    is_trial: false,
    units: 100,
    term_end: termEnd,
    ...extra,
  });
  const subs = [
    sub('renewal_inside', '2027-01-21'), // as-of + 60 days
    sub('renewal_outside', '2027-01-22'), // as-of + 61 days
    sub('renewal_all_assigned', '2026-12-01'),
    { ...sub('deployment_at', '2026-12-01', { is_trial: true }), sku_id: EXO1 }, // a trial never renews
  ];
  await insertRows(
    ctx.wh,
    'stg_subscriptions',
    [
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
    ],
    subs,
  );
  await computeFindings(ctx, WEEK);
});
afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

async function findings(): Promise<{ case: string; finding: string; workload: unknown; value: unknown }[]> {
  const rows = await ctx.wh.all(
    `SELECT customer_id, finding, workload, value FROM findings WHERE week_ending = $w::DATE ORDER BY finding, customer_id`,
    { w: WEEK },
  );
  return rows.map((r) => ({
    case: nameOf.get(String(r.customer_id)) ?? String(r.customer_id),
    finding: String(r.finding),
    workload: r.workload,
    value: r.value,
  }));
}

describe('findings of a week', () => {
  it('raises exactly the findings worked out by hand, each rule on both sides of its threshold', async () => {
    const all = await findings();
    expect(all.length).toBeGreaterThan(0);
    const round = (v: unknown) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v);
    expect(all.map((f) => ({ ...f, value: round(f.value) }))).toEqual([
      { case: 'declining_at', finding: 'declining', workload: null, value: -0.1 },
      { case: 'how_to_at', finding: 'high_how_to', workload: null, value: 5 },
      { case: 'deployment_below', finding: 'low_deployment', workload: null, value: 0.59 },
      { case: 'usage_below', finding: 'low_usage', workload: null, value: 0.49 },
      { case: 'usage_aggregate_below', finding: 'low_usage', workload: null, value: 0.45 },
      { case: 'renewal_inside', finding: 'renewal_risk', workload: null, value: 60 },
      { case: 'upsell_at', finding: 'upsell', workload: null, value: 0.8 },
      { case: 'over_100', finding: 'usage_over_100', workload: null, value: 1.01 },
      { case: 'weak_gap_over', finding: 'weak_workload', workload: 'teams', value: 0.59 },
    ]);
  });

  it('carries the figures the digest words need', async () => {
    const detail = async (name: string, finding: string) => {
      const [r] = await ctx.wh.all('SELECT detail FROM findings WHERE customer_id = $c AND finding = $f', {
        c: id(name),
        f: finding,
      });
      return JSON.parse(String(r!.detail)) as Record<string, unknown>;
    };
    expect(await detail('how_to_at', 'high_how_to')).toEqual({ tickets: 5, entitlements: 100 });
    expect(await detail('renewal_inside', 'renewal_risk')).toEqual({
      term_end: '2027-01-21',
      unassigned: 25,
    });
    expect(await detail('weak_gap_over', 'weak_workload')).toEqual({ best: 0.9 });
    expect(await detail('over_100', 'usage_over_100')).toMatchObject({
      active_over_capacity: 1,
      cause: 'trial',
    });
  });

  it('never names a retired workload as weak, even in history written before it was retired', async () => {
    await ctx.wh.run(
      `INSERT INTO adoption_workload_weekly (week_ending, customer_id, sku_id, workload, has_data, usage_pct)
       VALUES ($w::DATE, $c, $s, 'skype', true, 0.0)`,
      { w: WEEK, c: id('weak_gap_under'), s: E3 },
    );
    await computeFindings(ctx, WEEK);
    const weak = (await findings()).filter((f) => f.finding === 'weak_workload');
    expect(weak).toEqual([
      { case: 'weak_gap_over', finding: 'weak_workload', workload: 'teams', value: 0.59 },
    ]);
  });
});
