// One benchmark stage in a fresh process, so that its wall time and peak memory are its own.
// Usage: tsx bench/stage.ts <stage> <json options>. Prints one JSON line: { seconds, ...details }.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { backfill } from '../jobs/backfill.js';
import { SMTPServer } from 'smtp-server';
import { sendDigests } from '../jobs/digest.js';
import { buildReport, resolveWeek } from '../jobs/report.js';
import { writeCatalog } from '../src/warehouse/catalogTables.js';
import { ingest } from '../jobs/ingest.js';
import { loadCatalog, loadConfig } from '../src/config/load.js';
import type { JobContext } from '../src/context.js';
import { DEMO_PARTNER_TENANT } from '../src/demo/generate.js';
import { createLogger, silentLogger } from '../src/log.js';
import {
  recomputeDailyMetrics,
  recomputeWeeklyMetrics,
  rowsPerPass,
  weekEndDow,
} from '../src/warehouse/metrics.js';
import { Warehouse } from '../src/warehouse/warehouse.js';

interface Options {
  exports: string;
  db: string;
  date?: string;
  from?: string;
  to?: string;
  reprocess?: 'missing' | 'changed' | 'all';
  memoryLimit?: string;
}

async function context(o: Options): Promise<JobContext> {
  const config = loadConfig();
  config.exportsRoot = o.exports;
  config.warehouse.path = o.db;
  if (o.memoryLimit) config.warehouse.memoryLimit = o.memoryLimit;
  config.partner.tenantId = DEMO_PARTNER_TENANT;
  return {
    config,
    catalog: loadCatalog(config),
    // BENCH_LOG_LEVEL=debug prints each step's timing to stderr, for profiling a stage.
    log: process.env.BENCH_LOG_LEVEL
      ? createLogger({ level: process.env.BENCH_LOG_LEVEL, pretty: false })
      : silentLogger(),
    wh: await Warehouse.open(o.db, {
      threads: config.warehouse.threads,
      memoryLimit: config.warehouse.memoryLimit,
    }),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const t = process.hrtime.bigint();
  const result = await fn();
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, result };
}

/** 5,000 customers × 3 products, 40 account managers, 100,000 inactive users, in the week ending `week`. */
async function seedBigPortfolio(ctx: JobContext, week: string): Promise<void> {
  const { wh } = ctx;
  await writeCatalog(wh, ctx.catalog);
  const p = { week };
  const skus = `['05e9a617-0261-4cee-bb44-138d3ef5d965', 'f245ecc8-75af-4f8e-b61f-27d8114de5f3', '4b9405b0-7788-4568-add1-99614e613b69']`;
  await wh.run(
    `INSERT INTO loads (snapshot_date, run_id, loaded_at, drop_path, outcome, files, rows_loaded, rows_rejected, errors, warnings, metrics_at)
    SELECT $week::DATE - (w * 7)::INTEGER, 'seed', now()::TIMESTAMP, 'seed', 'loaded', 0, 0, 0, 0, 0, now()::TIMESTAMP FROM range(12) t(w)`,
    p,
  );
  await wh.run(
    `INSERT INTO adoption_customer_weekly
    SELECT $week::DATE - (w * 7)::INTEGER, printf('%08d-0000-4000-8000-000000000000', c), true, $week::DATE - (w * 7)::INTEGER, $week::DATE - (w * 7)::INTEGER - 1,
      'Customer ' || c || ' Ltd', 'am' || (c % 40) || '@partner.example', 300, 240, 0.8, 240, 150, 0.62, 0.6, 60, 20, 80,
      0.01, 0.02, 0.02, 0.6, 0.6, (c % 5)::INTEGER, $week::DATE - 84, $week::DATE - (w * 7)::INTEGER, 1
    FROM range(5000) a(c), range(2) b(w)`,
    p,
  );
  await wh.run(
    `INSERT INTO adoption_weekly (week_ending, customer_id, sku_id, has_data, snapshot_date, as_of_date, source, licenses_sold,
      licenses_sold_own, licenses_assigned, deployment_pct, entitlements, active_entitlements, usage_pct, usage_pct_adjusted, usage_basis,
      unassigned, inactive, active_deleted, active_over_capacity, over_capacity_cause, active_yammer_only, deployment_pct_change,
      usage_pct_change, usage_pct_adjusted_change, low_usage_streak, first_seen, last_seen, customer_rank_in_book)
    SELECT $week::DATE, printf('%08d-0000-4000-8000-000000000000', c), (${skus})[k + 1], true, $week::DATE, $week::DATE - 1, 'graph',
      100, 80, 80, 0.8, 80, 50 + k, (50 + k) / 80, 0.6, 'any_workload', 20, 7, 1, 0, NULL, 1, 0.01, -0.02, 0.01, 0, $week::DATE - 84, $week::DATE, 1
    FROM range(5000) a(c), range(3) b(k)`,
    p,
  );
  await wh.run(
    `INSERT INTO adoption_workload_weekly
    SELECT $week::DATE, printf('%08d-0000-4000-8000-000000000000', c), (${skus})[k + 1], w, true, $week::DATE, $week::DATE - 1, 'graph', 80, 40, 0.5, 0.01, 0.5
    FROM range(5000) a(c), range(3) b(k), (VALUES ('exchange'), ('sharepoint'), ('teams')) v(w)`,
    p,
  );
  await wh.run(
    `INSERT INTO adoption_portfolio_weekly
    SELECT $week::DATE - (w * 7)::INTEGER, 'am' || o || '@partner.example', true, $week::DATE - (w * 7)::INTEGER, $week::DATE - (w * 7)::INTEGER - 1, 125, 37500, 30000, 0.8,
      30000, 18000, 0.6, 0.58, 7500, 2500, 0.01, 0.01, 0.01, 0.6, 0.58
    FROM range(40) a(o), range(12) b(w)`,
    p,
  );
  await wh.run(
    `INSERT INTO user_license_activity
    SELECT $week::DATE, printf('%08d-0000-4000-8000-000000000000', u % 5000), printf('%032X', hash(u)), (${skus})[(u % 3) + 1],
      $week::DATE - 1, false, false, false, false, false, false, false, CASE WHEN u % 4 = 0 THEN NULL ELSE $week::DATE - (30 + u % 200)::INTEGER END
    FROM range(100000) t(u)`,
    p,
  );
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
    const { seconds, result } = await timed(() => ingest(ctx, { asOf: o.date!, trigger: 'manual' }));
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
          {
            partnerTenantId: DEMO_PARTNER_TENANT,
            weekEndDow: weekEndDow(ctx.config),
            rowsPerPass: rowsPerPass(ctx.config.warehouse.memoryLimit),
          },
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
      ctx.wh.transaction(() => recomputeWeeklyMetrics(ctx.wh, o.from!, ctx.config, ctx.log)),
    );
    out = { seconds };
    ctx.wh.close();
    break;
  }
  case 'backfill': {
    const ctx = await context(o);
    const { seconds, result } = await timed(() =>
      backfill(ctx, { from: o.from!, asOf: o.to!, reprocess: o.reprocess ?? 'missing', trigger: 'backfill' }),
    );
    out = { seconds, loaded: result.loaded.length };
    ctx.wh.close();
    break;
  }
  case 'workbook': {
    // The portfolio workbook of every customer, from a warehouse already loaded.
    const ctx = await context(o);
    const week = await resolveWeek(ctx, o.date!);
    const { seconds, result } = await timed(() =>
      buildReport(ctx, { asOf: week, trigger: 'manual', outDir: path.dirname(o.db) }),
    );
    out = { seconds, rows: result.rows };
    ctx.wh.close();
    break;
  }
  case 'workbook-synthetic': {
    // Issue #4's big portfolio: 5,000 customers × 3 products and 100,000 inactive users, seeded straight into the
    // weekly tables, then the portfolio workbook of all of them.
    const ctx = await context(o);
    await seedBigPortfolio(ctx, o.date!);
    const { seconds, result } = await timed(() =>
      buildReport(ctx, { asOf: o.date!, trigger: 'manual', outDir: path.dirname(o.db) }),
    );
    out = { seconds, rows: result.rows };
    ctx.wh.close();
    break;
  }
  case 'digests': {
    // Every account manager's digest rendered (workbook attached) and sent to an SMTP server on 127.0.0.1.
    const ctx = await context(o);
    const received: number[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _s, cb) {
        let n = 0;
        stream.on('data', (c: Buffer) => (n += c.length));
        stream.on('end', () => {
          received.push(n);
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    Object.assign(ctx.config.smtp, {
      host: '127.0.0.1',
      port: (server.server.address() as { port: number }).port,
      requireTLS: false,
      user: null,
    });
    ctx.config.outputDir = path.join(path.dirname(o.db), 'digest-workbooks');
    const { seconds, result } = await timed(() =>
      sendDigests(ctx, { asOf: o.date!, trigger: 'manual', resend: true }),
    );
    await new Promise<void>((r) => server.close(() => r()));
    out = {
      seconds,
      sent: result.outcomes.filter((x) => x.state === 'sent').length,
      messages: received.length,
      mib: received.reduce((a, b) => a + b, 0) / 2 ** 20,
    };
    ctx.wh.close();
    break;
  }
  default:
    throw new Error(`unknown stage ${stage}`);
}
console.log(JSON.stringify(out));
