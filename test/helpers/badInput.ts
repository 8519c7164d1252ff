// What the bad-input tests share: the rules drop written fresh for each test (without its manifest: the cases
// damage files after the export, and manifests are tested on their own), and the checks that the damage stayed
// where it was and that the run report names it.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { IngestSummary } from '../../jobs/ingest.js';
import type { JobContext } from '../../src/context.js';
import { writeDrop } from '../../src/demo/writeDrop.js';
import { describeIssue } from '../../src/ingest/issues.js';
import { formatIngestReport } from '../../src/ingest/report.js';
import { DROP_DATE, T, rulesDrop } from '../fixtures/rulesDrop.js';
import { tempDir, testContext } from './context.js';

export interface BadInputDrop {
  ctx: JobContext;
  dir: string;
  drop: string;
}

/** Registers the hooks that give each test a fresh rules drop and warehouse; the fields are set before each test. */
export function useBadInputDrop(): BadInputDrop {
  const env = {} as BadInputDrop;
  let cleanup: () => void;
  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    env.dir = dir;
    env.drop = path.join(dir, 'exports', DROP_DATE);
    writeDrop(env.drop, rulesDrop());
    rmSync(path.join(env.drop, 'manifest.json'));
    env.ctx = await testContext(dir);
  });
  afterEach(() => {
    env.ctx.wh.close();
    cleanup();
  });
  return env;
}

export const read = (f: string) => readFileSync(f, 'utf8');
export const userReport = (drop: string, tenant: string) =>
  path.join(drop, 'tenants', tenant, 'office365ActiveUserDetail.csv');
export const mainReport = (drop: string) => userReport(drop, T.main);
export const MAIN_FILE = `tenants/${T.main}/office365ActiveUserDetail.csv`;

/** Rows loaded per customer from the Graph user reports. */
export async function usersPerCustomer(ctx: JobContext): Promise<Record<string, number>> {
  const rows = await ctx.wh.all(
    `SELECT customer_id, count(*)::INTEGER AS n FROM stg_user_activity WHERE snapshot_date = $d::DATE GROUP BY 1 ORDER BY 1`,
    { d: DROP_DATE },
  );
  return Object.fromEntries(rows.map((r) => [String(r.customer_id), Number(r.n)]));
}

/** The other tenants' user rows are all there: the damage stayed where it was. */
export async function othersIntact(ctx: JobContext): Promise<void> {
  const u = await usersPerCustomer(ctx);
  expect(u[T.nothingSold]).toBeGreaterThan(0);
  expect(u[T.pcSubs]).toBeGreaterThan(0);
}

/** The customers with metric rows on the drop's date. */
export async function customersWithRows(ctx: JobContext): Promise<string[]> {
  const r = await ctx.wh.all(
    'SELECT DISTINCT customer_id FROM adoption_daily WHERE snapshot_date = $d::DATE ORDER BY 1',
    { d: DROP_DATE },
  );
  return r.map((x) => String(x.customer_id));
}

export function expectReported(
  s: IngestSummary,
  code: string,
  where: { file?: string; line?: number; column?: string },
) {
  const issue = s.issues.find((i) => i.code === code && (!where.file || i.file === where.file));
  expect(issue, `no ${code} issue in ${JSON.stringify(s.issues, null, 1)}`).toBeDefined();
  expect(issue).toMatchObject(where);
  // and the run report a person reads names it too
  expect(formatIngestReport(s)).toContain(describeIssue(issue!).slice(0, 60));
  return issue!;
}
