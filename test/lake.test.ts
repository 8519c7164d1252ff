// Covers jobs/lake.ts. jobs/lake.ts (`adoption export --lake DIR`): every metric table as Hive-partitioned Parquet,
// read back with DuckDB's read_parquet(hive_partitioning = true) equal to the warehouse table by table; after a date is
// loaded again with changed data, only the partitions that changed are rewritten.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { LAKE_TABLES, exportLake } from '../jobs/lake.js';
import { SCHEDULED_JOB_TABLE } from '../jobs/scheduled.js';
import { runJob } from '../src/schedule/runner.js';
import { existsSync } from 'node:fs';
import type { JobContext } from '../src/context.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { dumpTable, tempDir, testContext } from './helpers/context.js';
import { T, rulesDrop } from './fixtures/rulesDrop.js';

const DATES = ['2026-11-16', '2026-11-23'];
let ctx: JobContext;
let dir: string;
let cleanup: () => void;
let lake: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  ctx = await testContext(dir);
  for (const d of DATES) {
    writeDrop(path.join(dir, 'exports', d), rulesDrop());
    await ingest(ctx, { asOf: d, trigger: 'manual' });
  }
  lake = path.join(dir, 'lake');
});
afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

/** The lake's rows of a table, in the warehouse's column order, read the way Spark or Trino would. */
async function readLake(table: string, columns: string[]): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const glob = path.join(lake, table, '*', '*.parquet');
    const order = columns.map((_, i) => i + 1).join(', ');
    const reader = await con.runAndReadAll(
      `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM read_parquet($glob, hive_partitioning = true) ORDER BY ${order}`,
      { glob },
    );
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

function partitionFiles(): Map<string, number> {
  const out = new Map<string, number>();
  for (const table of Object.keys(LAKE_TABLES)) {
    const tdir = path.join(lake, table);
    for (const part of readdirSync(tdir))
      out.set(`${table}/${part}`, statSync(path.join(tdir, part, 'data.parquet')).ino);
  }
  return out;
}

describe('the lake', () => {
  it('holds every metric table partitioned by date, equal to the warehouse table by table', async () => {
    const res = await exportLake(ctx, { asOf: DATES[1]!, trigger: 'manual', dir: lake });
    expect(res.written).toBeGreaterThan(0);
    expect(readdirSync(path.join(lake, 'adoption_daily')).sort()).toEqual(
      DATES.map((d) => `snapshot_date=${d}`),
    );
    expect(readdirSync(path.join(lake, 'adoption_weekly')).sort()).toEqual(
      DATES.map((d) => `week_ending=${d}`),
    );
    for (const table of Object.keys(LAKE_TABLES)) {
      const expected = await dumpTable(ctx, table);
      if (expected.length === 0) continue; // the spend tables: the fixture has no price list
      const columns = Object.keys(expected[0]!);
      const got = await readLake(table, columns);
      // Dates and numbers as the warehouse's plain rows give them.
      const norm = (rows: Record<string, unknown>[]) =>
        rows.map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])),
        );
      expect(norm(got), table).toEqual(norm(expected));
    }
  });

  it('rewrites only the partitions whose rows changed, and nothing on a second run', async () => {
    const first = partitionFiles();
    expect(first.size).toBeGreaterThan(0);
    const again = await exportLake(ctx, { asOf: DATES[1]!, trigger: 'manual', dir: lake });
    expect(again.written).toBe(0);
    expect(partitionFiles()).toEqual(first);

    // A corrected export of the last night: one more licence holder at the main customer.
    const spec = rulesDrop();
    spec.tenants
      .find((t) => t.tenantId === T.main)!
      .users!.push({
        upn: 'late@main.example',
        products: ['MICROSOFT 365 E3'],
        exchange: '2026-11-21',
      });
    writeDrop(path.join(dir, 'exports', DATES[1]!), spec);
    await ingest(ctx, { asOf: DATES[1]!, trigger: 'manual' });
    const res = await exportLake(ctx, { asOf: DATES[1]!, trigger: 'manual', dir: lake });
    expect(res.written).toBeGreaterThan(0);
    const after = partitionFiles();
    const rewritten = [...after].filter(([k, ino]) => first.get(k) !== ino).map(([k]) => k);
    expect(rewritten.length).toBeGreaterThan(0);
    // Only the corrected night's partitions (daily: its snapshot; weekly: its week) were written again.
    for (const k of rewritten) expect(k).toMatch(/=2026-11-23$/);
    expect(rewritten).toContain('adoption_daily/snapshot_date=2026-11-23');
    expect(after.get('adoption_daily/snapshot_date=2026-11-16')).toBe(
      first.get('adoption_daily/snapshot_date=2026-11-16'),
    );
    // And the lake still equals the warehouse.
    const expected = await dumpTable(ctx, 'adoption_daily');
    const got = await readLake('adoption_daily', Object.keys(expected[0]!));
    expect(got.length).toBe(expected.length);
  });

  it('follows each scheduled ingest when lake.path is configured', async () => {
    ctx.wh.close();
    const config = { ...ctx.config, lake: { path: path.join(dir, 'scheduled-lake') } };
    config.schedule = { ...config.schedule, ingest: { ...config.schedule.ingest, waitForDropMinutes: 0 } };
    const report = await runJob(
      { config, catalog: ctx.catalog, log: ctx.log, env: {}, jobs: SCHEDULED_JOB_TABLE },
      { job: 'ingest', dueMs: Date.parse('2026-11-24T03:00:00Z'), trigger: 'manual', date: DATES[1]! },
    );
    expect(report.state).toBe('succeeded');
    expect(Number(report.counts?.lakePartitionsWritten)).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, 'scheduled-lake', 'adoption_daily', `snapshot_date=${DATES[1]}`))).toBe(
      true,
    );
    ctx = await testContext(dir);
  });
});
