// Covers jobs/backfill.ts, jobs/ingest.ts, jobs/status.ts, src/warehouse/metrics.ts. Backfill against the real parts:
// demo drops in Microsoft's formats, real DuckDB files.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../jobs/backfill.js';
import { ingest } from '../jobs/ingest.js';
import { formatStatus, status } from '../jobs/status.js';
import type { JobContext } from '../src/context.js';
import { generateDemoDrops } from '../src/demo/generate.js';
import { writeDrop, writeManifest } from '../src/demo/writeDrop.js';
import {
  STORED_DAILY_METRICS,
  WEEKLY_METRICS,
  recomputeDailyMetrics,
  weekEndDow,
} from '../src/warehouse/metrics.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { listMigrations } from '../src/warehouse/sqlFiles.js';

const NEWEST = Math.max(...listMigrations().map((m) => m.version));
import { PARTNER, dumpTable, tempDir, testContext } from './helpers/context.js';

let dir: string;
let cleanup: () => void;
let dates: string[];
const exportsOf = () => path.join(dir, 'exports');
const TABLES = [
  ...STORED_DAILY_METRICS,
  ...WEEKLY_METRICS,
  'stg_user_activity',
  'stg_subscriptions',
  'stg_customers',
  'load_files',
  'load_issues',
];

const GRAINS: Record<string, string> = {
  adoption_daily: 'snapshot_date, customer_id, sku_id',
  adoption_workload_daily: 'snapshot_date, customer_id, sku_id, workload',
  adoption_customer_daily: 'snapshot_date, customer_id',
  adoption_portfolio_daily: 'snapshot_date, owner_email',
  adoption_customer_weekly: 'week_ending, customer_id',
  adoption_weekly: 'week_ending, customer_id, sku_id',
  adoption_workload_weekly: 'week_ending, customer_id, sku_id, workload',
  adoption_portfolio_weekly: 'week_ending, owner_email',
  user_license_activity: 'snapshot_date, customer_id, user_key, sku_id',
};

async function contextAt(name: string): Promise<JobContext> {
  const ctx = await testContext(dir);
  ctx.wh.close();
  ctx.config.warehouse.path = path.join(dir, `${name}.duckdb`);
  return { ...ctx, wh: await Warehouse.open(ctx.config.warehouse.path) };
}

async function dumpAll(ctx: JobContext) {
  return Object.fromEntries(
    await Promise.all(TABLES.map(async (t) => [t, await dumpTable(ctx, t)] as const)),
  );
}

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  dates = [];
  // 16 nightly drops with one missing night (a gap), 6 customers.
  for (const drop of generateDemoDrops({
    customers: 6,
    owners: 2,
    drops: 16,
    usersPerCustomer: 8,
    endDate: '2026-11-23',
    partnerTenantId: PARTNER,
  })) {
    if (drop.date === '2026-11-15') continue;
    writeDrop(path.join(exportsOf(), drop.date), drop.spec);
    dates.push(drop.date);
  }
});
afterAll(() => cleanup());

describe('backfill', () => {
  it('gives the same tables as ingesting the dates one by one, and a second run changes nothing', async () => {
    const oneByOne = await contextAt('one-by-one');
    for (const d of dates) await ingest(oneByOne, { asOf: d, trigger: 'manual' });
    const expected = await dumpAll(oneByOne);
    // Late data: a night in the middle of a week loaded again after the later nights. The week's stored per-user
    // rows are those of a later snapshot, outside the date reloaded; they must come out the same.
    for (const d of [dates[4]!, dates[9]!]) await ingest(oneByOne, { asOf: d, trigger: 'manual' });
    const afterLate = await dumpAll(oneByOne);
    for (const t of TABLES) expect(afterLate[t], t).toEqual(expected[t]);
    expect(expected.user_license_activity!.length).toBeGreaterThan(0);
    oneByOne.wh.close();

    const ctx = await contextAt('backfilled');
    const weeksDone: string[] = [];
    const first = await backfill(ctx, {
      trigger: 'backfill',
      from: dates[0]!,
      asOf: dates.at(-1)!,
      onMetricsProgress: (done, total, through) => weeksDone.push(`${done}/${total} ${through}`),
    });
    expect(first.loaded).toEqual(dates);
    // Weeks end on Monday (config/default.json): the daily metrics are recomputed and committed a week at a time.
    expect(weeksDone).toEqual(['1/3 2026-11-09', '2/3 2026-11-16', '3/3 2026-11-23']);
    expect(first.plan.find((p) => p.date === '2026-11-15')).toMatchObject({ action: 'no_drop' });
    expect(first.recomputed).toEqual({ from: dates[0], to: dates.at(-1) });
    const afterFirst = await dumpAll(ctx);
    for (const t of TABLES) expect(afterFirst[t], t).toEqual(expected[t]);
    // The metric tables have no primary key (migration 005): one row per grain is the queries' to keep.
    for (const [t, grain] of Object.entries(GRAINS)) {
      const [dups] = await ctx.wh.all(
        `SELECT count(*)::INTEGER AS n FROM (SELECT ${grain} FROM ${t} GROUP BY ${grain} HAVING count(*) > 1)`,
      );
      expect(dups, t).toEqual({ n: 0 });
    }
    expect(afterFirst.adoption_weekly!.length).toBeGreaterThan(0);

    // The counts and daily tables computed a night per span (as a night at 10× is under the default memory limit) and many nights
    // per statement give the same tables.
    const debug: unknown[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => debug.push(JSON.parse(line)) });
    await ctx.wh.transaction(() =>
      recomputeDailyMetrics(
        ctx.wh,
        { from: dates[0]!, to: dates.at(-1)! },
        { partnerTenantId: PARTNER, weekEndDow: weekEndDow(ctx.config), rowsPerPass: 1, log },
      ),
    );
    expect(debug.filter((l) => (l as { msg: string }).msg === 'daily metrics: span done')).toHaveLength(
      dates.length,
    );
    expect(await dumpAll(ctx)).toEqual(afterFirst);

    const second = await backfill(ctx, { trigger: 'backfill', from: dates[0]!, asOf: dates.at(-1)! });
    expect(second.loaded).toEqual([]);
    expect(second.plan.filter((p) => p.action === 'keep')).toHaveLength(dates.length);
    expect(await dumpAll(ctx)).toEqual(afterFirst);
    const runs = await ctx.wh.all(`SELECT state FROM runs WHERE job = 'backfill'`);
    expect(runs).toEqual([{ state: 'succeeded' }, { state: 'succeeded' }]);
    ctx.wh.close();
  });

  it('with --reprocess changed, reloads exactly the date whose file changed', async () => {
    const ctx = await contextAt('changed');
    await backfill(ctx, { trigger: 'backfill', from: dates[0]!, asOf: dates.at(-1)! });
    const old = dates[3]!;
    const tenant = (
      await ctx.wh.all(
        `SELECT customer_id FROM load_files WHERE snapshot_date = $d::DATE AND source = 'graph_users' ORDER BY 1 LIMIT 1`,
        { d: old },
      )
    )[0]!.customer_id;
    const file = path.join(exportsOf(), old, 'tenants', String(tenant), 'office365ActiveUserDetail.csv');
    const lines = readFileSync(file, 'utf8').split('\r\n');
    writeFileSync(file, [...lines.slice(0, 1), ...lines.slice(2)].join('\r\n')); // one user fewer
    writeManifest(path.join(exportsOf(), old)); // a corrected export comes with its manifest
    try {
      const dry = await backfill(ctx, {
        trigger: 'backfill',
        from: dates[0]!,
        asOf: dates.at(-1)!,
        reprocess: 'changed',
        dryRun: true,
      });
      expect(dry.plan.filter((p) => p.action === 'reload').map((p) => p.date)).toEqual([old]);
      expect(dry.plan.find((p) => p.date === old)!.reason).toMatch(
        /1 changed \(tenants\/.*office365ActiveUserDetail\.csv\)/,
      );
      const usersBefore = await ctx.wh.all(
        `SELECT count(*)::INTEGER AS n FROM stg_user_activity WHERE snapshot_date = $d::DATE`,
        { d: old },
      );
      expect(await ctx.wh.all(`SELECT count(*)::INTEGER AS n FROM runs WHERE job = 'backfill'`)).toEqual([
        { n: 1 },
      ]); // the dry run recorded nothing

      const res = await backfill(ctx, {
        trigger: 'backfill',
        from: dates[0]!,
        asOf: dates.at(-1)!,
        reprocess: 'changed',
      });
      expect(res.loaded).toEqual([old]);
      const usersAfter = await ctx.wh.all(
        `SELECT count(*)::INTEGER AS n FROM stg_user_activity WHERE snapshot_date = $d::DATE`,
        { d: old },
      );
      expect(usersAfter[0]!.n).toBe(Number(usersBefore[0]!.n) - 1);
      const again = await backfill(ctx, {
        trigger: 'backfill',
        from: dates[0]!,
        asOf: dates.at(-1)!,
        reprocess: 'changed',
      });
      expect(again.loaded).toEqual([]);
      const all = await backfill(ctx, {
        trigger: 'backfill',
        from: dates[0]!,
        asOf: dates[2]!,
        reprocess: 'all',
        dryRun: true,
      });
      expect(all.plan.map((p) => p.action)).toEqual(['reload', 'reload', 'reload']);
    } finally {
      writeFileSync(file, lines.join('\r\n'));
      writeManifest(path.join(exportsOf(), old));
      ctx.wh.close();
    }
  });

  it('status shows the dates loaded, the gap, freshness and the runs', async () => {
    const ctx = await contextAt('status');
    await backfill(ctx, { trigger: 'backfill', from: dates[0]!, asOf: dates.at(-1)! });
    const s = await status(ctx, { asOf: dates.at(-1)!, trigger: 'manual' });
    expect(s.dates).toEqual(dates);
    expect(s.gaps).toEqual(['2026-11-15']);
    expect(s.staleMetrics).toEqual([]);
    const text = formatStatus(s);
    expect(text).toContain(`dates loaded: ${dates.length}, 2026-11-08 … 2026-11-14, 2026-11-16 … 2026-11-23`);
    expect(text).toContain('gaps: 1 date(s): 2026-11-15');
    expect(text).toMatch(/Graph user reports\s+2026-11-22\s+2026-11-23/);
    expect(text).toMatch(/backfill\s+backfill\s+—\s+\S+ \S+\s+[\d.]+\s+succeeded\s+2026-11-08 … 2026-11-23/);
    ctx.wh.close();
  });
});

describe('migrations', () => {
  it('upgrades a warehouse made by schema version 1, keeping its data, and it keeps working', async () => {
    const file = path.join(dir, 'v1.duckdb');
    const v1 = await Warehouse.open(file, { migrateUpTo: 1 });
    expect(await v1.schemaVersion()).toBe(1);
    await v1.run(
      `INSERT INTO loads VALUES ('2026-01-01', 'old-run', '2026-01-02 03:00:00', '/old', 'loaded', 3, 10, 0, 0, 0)`,
    );
    await v1.run(`INSERT INTO adoption_daily (snapshot_date, customer_id, sku_id, as_of_date, source, licenses_sold, licenses_assigned, entitlements,
      active_entitlements, usage_basis, unassigned) VALUES ('2026-01-01', 'c', 's', '2025-12-31', 'graph', 10, 8, 8, 6, 'any_workload', 2)`);
    v1.close();

    const ctx = await contextAt('v1');
    expect(await ctx.wh.schemaVersion()).toBe(NEWEST);
    const [load] = await ctx.wh.all(`SELECT run_id, metrics_at FROM loads`);
    expect(load).toEqual({ run_id: 'old-run', metrics_at: '2026-01-02 03:00:00' });
    expect(await ctx.wh.all(`SELECT licenses_sold FROM adoption_daily`)).toEqual([{ licenses_sold: 10 }]);
    await ingest(ctx, { asOf: dates[0]!, trigger: 'manual' });
    expect((await status(ctx, { asOf: dates[0]!, trigger: 'manual' })).dates).toEqual([
      '2026-01-01',
      dates[0],
    ]);
    ctx.wh.close();
  });

  it('refuses a warehouse from a newer version, clearly', async () => {
    const file = path.join(dir, 'future.duckdb');
    const wh = await Warehouse.open(file);
    await wh.run(`INSERT INTO schema_migrations VALUES (999, 'from_the_future', now()::TIMESTAMP)`);
    wh.close();
    await expect(Warehouse.open(file)).rejects.toThrow(
      new RegExp(
        `has schema version 999, newer than this program knows \\(${NEWEST}\\); upgrade adoption-insights`,
      ),
    );
  });
});
