// Covers queries/macros/weekly.sql, src/warehouse/metrics.ts. The weekly window queries, pinned on hand-made daily
// rows. Weeks end on Monday (the default).
//   week ending:   W1 10-05  W2 10-12  W3 10-19 (no drop at all)  W4 10-26  W5 11-02  W6 11-09
//   customer A:    0.40      0.30      gap                        0.45      0.60      0.20     (usage_pct_adjusted)
// W1 has two snapshots (10-04 at 0.90, 10-05 at 0.40): the week's last one counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobContext } from '../src/context.js';
import { recomputeWeeklyMetrics } from '../src/warehouse/metrics.js';
import type { Row } from '../src/warehouse/warehouse.js';
import { tempDir, testContext } from './helpers/context.js';

let ctx: JobContext;
let cleanup: () => void;
let a: Row[];

const A = 'c0000000-0000-4000-8000-00000000000a';
const B = 'c0000000-0000-4000-8000-00000000000b';
const C = 'c0000000-0000-4000-8000-00000000000c';
const D = 'c0000000-0000-4000-8000-00000000000d';

async function day(
  date: string,
  customer: string,
  owner: string,
  adjusted: number,
  unused: number,
): Promise<void> {
  await ctx.wh.run(
    `INSERT INTO adoption_customer_daily (snapshot_date, customer_id, customer_name, owner_email, as_of_date, source,
       products, licenses_sold, licenses_sold_own, licenses_assigned, deployment_pct, entitlements, active_entitlements,
       usage_pct, usage_pct_adjusted, unassigned, inactive, usage_entitlements, adjusted_entitlements, active_adjusted)
     VALUES ($d::DATE, $c, $c, $o, $d::DATE - 1, 'graph', 1, 100, 100, 80, 0.8, 80, 40,
       $u + 0.05, $u, $unused, 0, 80, 80, round($u * 80)::BIGINT)`,
    { d: date, c: customer, o: owner, u: adjusted, unused },
  );
}

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  ctx = await testContext(t.dir);
  const dates = ['2026-10-04', '2026-10-05', '2026-10-12', '2026-10-26', '2026-11-02', '2026-11-09'];
  for (const d of dates) {
    await ctx.wh.run(
      `INSERT INTO loads (snapshot_date, run_id, loaded_at, drop_path, outcome, files, rows_loaded, rows_rejected, errors, warnings)
      VALUES ($d::DATE, 'r', now()::TIMESTAMP, 'x', 'loaded', 0, 0, 0, 0, 0)`,
      { d },
    );
  }
  const usage: [string, number][] = [
    ['2026-10-04', 0.9],
    ['2026-10-05', 0.4],
    ['2026-10-12', 0.3],
    ['2026-10-26', 0.45],
    ['2026-11-02', 0.6],
    ['2026-11-09', 0.2],
  ];
  for (const [d, u] of usage) await day(d, A, 'am1@x.example', u, 10);
  // Ranking in week 6: A and B tie on 10 unused licences; C has 5; D is in another book.
  await day('2026-11-09', B, 'am1@x.example', 0.7, 10);
  await day('2026-11-09', C, 'am1@x.example', 0.7, 5);
  await day('2026-11-09', D, 'am2@x.example', 0.7, 1);
  await recomputeWeeklyMetrics(ctx.wh, '2026-01-01', ctx.config);
  a = await ctx.wh.all(`SELECT * FROM adoption_customer_weekly WHERE customer_id = $c ORDER BY week_ending`, {
    c: A,
  });
});

afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

const col = (name: string) =>
  a.map((r) => (typeof r[name] === 'number' ? Math.round((r[name] as number) * 1e6) / 1e6 : r[name]));

describe('adoption_customer_weekly', () => {
  it("has one row per week, a gap week included, taking each week's last snapshot", () => {
    expect(col('week_ending')).toEqual([
      '2026-10-05',
      '2026-10-12',
      '2026-10-19',
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
    ]);
    expect(col('has_data')).toEqual([true, true, false, true, true, true]);
    expect(col('snapshot_date')).toEqual([
      '2026-10-05',
      '2026-10-12',
      null,
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
    ]);
    expect(col('usage_pct_adjusted')).toEqual([0.4, 0.3, null, 0.45, 0.6, 0.2]);
  });

  it('shows a gap as NULL, not zero, and computes no change across it', () => {
    expect(col('unassigned')[2]).toBeNull();
    expect(col('usage_pct_adjusted_change')).toEqual([null, -0.1, null, null, 0.15, -0.4]);
    expect(col('usage_pct_change')).toEqual([null, -0.1, null, null, 0.15, -0.4]);
  });

  it('averages the weeks with data among the last four', () => {
    expect(col('usage_pct_adjusted_ma4')).toEqual([0.4, 0.35, 0.35, 0.383333, 0.45, 0.416667]);
  });

  it('counts consecutive weeks below the threshold (0.5), resetting on a good week and on a gap', () => {
    expect(col('low_usage_streak')).toEqual([1, 2, 0, 1, 0, 1]);
  });

  it('knows when the customer was first and last seen', () => {
    expect(col('first_seen')).toEqual(Array(6).fill('2026-10-04'));
    expect(col('last_seen')).toEqual([
      '2026-10-05',
      '2026-10-12',
      '2026-10-12',
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
    ]);
  });

  it("ranks customers within each account manager's book by unused licences, ties sharing a rank", async () => {
    const ranks = await ctx.wh.all(
      `SELECT customer_id, rank_in_book FROM adoption_customer_weekly WHERE week_ending = '2026-11-09' ORDER BY customer_id`,
    );
    expect(ranks).toEqual([
      { customer_id: A, rank_in_book: 1 },
      { customer_id: B, rank_in_book: 1 },
      { customer_id: C, rank_in_book: 3 },
      { customer_id: D, rank_in_book: 1 },
    ]);
    expect(col('rank_in_book')[2]).toBeNull();
  });
});

describe('weekly tables computed night by night', () => {
  it('equal the tables computed at once, a customer returning after weeks away included', async () => {
    const t = tempDir();
    const nightly = await testContext(t.dir);
    const prev = ctx;
    ctx = nightly;
    try {
      const E = 'c0000000-0000-4000-8000-00000000000e';
      const nights: [string, string, number][] = [
        ['2026-10-04', A, 0.9],
        ['2026-10-05', A, 0.4],
        ['2026-10-05', E, 0.3],
        ['2026-10-12', A, 0.3],
        ['2026-10-26', A, 0.45],
        ['2026-11-02', A, 0.6],
        ['2026-11-09', A, 0.2],
        ['2026-11-09', E, 0.2],
        ['2026-11-10', E, 0.25],
      ];
      const tables = ['adoption_customer_weekly', 'adoption_portfolio_weekly'];
      const dump = async () =>
        Object.fromEntries(
          await Promise.all(
            tables.map(async (tb) => [tb, await nightly.wh.all(`SELECT * FROM ${tb} ORDER BY ALL`)] as const),
          ),
        );
      for (const [d, c, u] of nights) {
        await nightly.wh.run(
          `INSERT INTO loads (snapshot_date, run_id, loaded_at, drop_path, outcome, files, rows_loaded, rows_rejected, errors, warnings)
          VALUES ($d::DATE, 'r', now()::TIMESTAMP, 'x', 'loaded', 0, 0, 0, 0, 0) ON CONFLICT DO NOTHING`,
          { d },
        );
        await day(d, c, c === E ? 'am3@x.example' : 'am1@x.example', u, 10);
        await recomputeWeeklyMetrics(nightly.wh, d, nightly.config);
      }
      const incremental = await dump();
      await recomputeWeeklyMetrics(nightly.wh, '2026-01-01', nightly.config);
      const whole = await dump();
      expect(incremental).toEqual(whole);
      // E's four empty weeks are rows, written when E came back (weeks end on Mondays: 2026-11-10 is a new week).
      const e = await nightly.wh.all(
        `SELECT week_ending, has_data FROM adoption_customer_weekly WHERE customer_id = $c ORDER BY week_ending`,
        { c: E },
      );
      expect(e.map((r) => r.has_data)).toEqual([true, false, false, false, false, true, true]);
    } finally {
      ctx = prev;
      nightly.wh.close();
      t.cleanup();
    }
  });
});
