// One benchmark stage in a fresh process, so that its wall time and peak memory are its own.
// Usage: tsx bench/stage.ts <stage> <json options>. Prints one JSON line: { seconds, ...details }.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { backfill } from '../jobs/backfill.js';
import { ingest } from '../jobs/ingest.js';
import { loadCatalog, loadConfig } from '../src/config/load.js';
import type { JobContext } from '../src/context.js';
import { DEMO_PARTNER_TENANT } from '../src/demo/generate.js';
import { silentLogger } from '../src/log.js';
import { recomputeDailyMetrics, recomputeWeeklyMetrics } from '../src/warehouse/metrics.js';
import { Warehouse } from '../src/warehouse/warehouse.js';

interface Options {
  exports: string;
  db: string;
  date?: string;
  from?: string;
  to?: string;
  reprocess?: 'missing' | 'changed' | 'all';
}

async function context(o: Options): Promise<JobContext> {
  const config = loadConfig();
  config.exportsRoot = o.exports;
  config.warehouse.path = o.db;
  config.partner.tenantId = DEMO_PARTNER_TENANT;
  return { config, catalog: loadCatalog(config), log: silentLogger(), wh: await Warehouse.open(o.db) };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const t = process.hrtime.bigint();
  const result = await fn();
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, result };
}

const [stage, json] = process.argv.slice(2);
const o = JSON.parse(json ?? '{}') as Options;
let out: Record<string, unknown>;

switch (stage) {
  case 'baseline': {
    // DuckDB alone: the night's CSV and JSON files into tables with read_csv / read_json, nothing else.
    const drop = path.join(o.exports, o.date!);
    const { seconds } = await timed(async () => {
      const db = await DuckDBInstance.create(o.db, { threads: '2' });
      const con = await db.connect();
      const tenants = path.join(drop, 'tenants');
      await con.run(`CREATE TABLE users AS SELECT * FROM read_csv($g, filename = true)`, {
        g: path.join(tenants, '*', 'office365ActiveUserDetail.csv'),
      });
      await con.run(`CREATE TABLE subs AS SELECT * FROM read_json($g, filename = true)`, {
        g: path.join(tenants, '*', 'subscriptions.json'),
      });
      await con.run(`CREATE TABLE skus AS SELECT * FROM read_json($g, filename = true)`, {
        g: path.join(tenants, '*', 'subscribedSkus.json'),
      });
      await con.run(`CREATE TABLE customers AS SELECT * FROM read_csv($f)`, {
        f: path.join(drop, 'customers.csv'),
      });
      await con.run(`CREATE TABLE tickets AS SELECT * FROM read_csv($f)`, {
        f: path.join(drop, 'tickets.csv'),
      });
      for (const f of readdirSync(path.join(drop, 'partner-center'))) {
        await con.run(`CREATE TABLE "pc_${f.replace(/\W/g, '_')}" AS SELECT * FROM read_json($f)`, {
          f: path.join(drop, 'partner-center', f),
        });
      }
      con.closeSync();
      db.closeSync();
    });
    out = { seconds };
    break;
  }
  case 'ingest': {
    const ctx = await context(o);
    const { seconds, result } = await timed(() => ingest(ctx, { date: o.date! }));
    out = { seconds, rows: result.rowsLoaded, metricRows: result.metricRows };
    ctx.wh.close();
    break;
  }
  case 'daily': {
    const ctx = await context(o);
    const { seconds } = await timed(() =>
      ctx.wh.transaction(() =>
        recomputeDailyMetrics(
          ctx.wh,
          { from: o.date!, to: o.date! },
          { partnerTenantId: DEMO_PARTNER_TENANT },
        ),
      ),
    );
    out = { seconds };
    ctx.wh.close();
    break;
  }
  case 'weekly': {
    const ctx = await context(o);
    const { seconds } = await timed(() =>
      ctx.wh.transaction(() => recomputeWeeklyMetrics(ctx.wh, o.from!, ctx.config)),
    );
    out = { seconds };
    ctx.wh.close();
    break;
  }
  case 'backfill': {
    const ctx = await context(o);
    const { seconds, result } = await timed(() =>
      backfill(ctx, { from: o.from!, to: o.to!, reprocess: o.reprocess ?? 'missing' }),
    );
    out = { seconds, loaded: result.loaded.length };
    ctx.wh.close();
    break;
  }
  default:
    throw new Error(`unknown stage ${stage}`);
}
console.log(JSON.stringify(out));
