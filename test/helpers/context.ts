import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCatalog, loadConfig } from '../../src/config/load.js';
import type { JobContext } from '../../src/context.js';
import { silentLogger } from '../../src/log.js';
import { Warehouse, type Row } from '../../src/warehouse/warehouse.js';

export const PARTNER = '9b0d3c2a-5e4f-4a1b-8c7d-6e5f4a3b2c1d';

export function tempDir(prefix = 'adoption-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A job context on a real DuckDB file in `dir`, exports read from `dir/exports`. */
export async function testContext(dir: string): Promise<JobContext> {
  const config = loadConfig();
  config.exportsRoot = path.join(dir, 'exports');
  config.warehouse.path = path.join(dir, 'warehouse.duckdb');
  config.partner.tenantId = PARTNER;
  return {
    config,
    catalog: loadCatalog(config),
    log: silentLogger(),
    wh: await Warehouse.open(config.warehouse.path),
  };
}

/** Every row of a table, ordered by every column: for comparing whole tables. */
export async function dumpTable(ctx: JobContext, table: string): Promise<Row[]> {
  const cols = (
    await ctx.wh.all(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position`,
      { t: table },
    )
  ).map((r) => String(r.column_name));
  return ctx.wh.all(`SELECT * FROM ${table} ORDER BY ${cols.map((_, i) => i + 1).join(', ')}`);
}
