import { RETIRED_WORKLOADS, WEEKDAYS, type Config } from '../config/schema.js';
import { addDays } from '../dates.js';
import type { Logger } from '../log.js';
import type { Warehouse } from './warehouse.js';

/** DESIGN.md §1: active = used in the last 28 calendar days, both ends of the window included. */
export const ACTIVE_WINDOW_DAYS = 28;

/** Daily metric tables in the order they are computed; each reads only staging tables and those before it. */
export const DAILY_METRICS = [
  'user_license_keep',
  'user_license_rows',
  'user_license_activity',
  'user_license_counts',
  'adoption_daily',
  'adoption_workload_daily',
  'adoption_customer_daily',
  'adoption_portfolio_daily',
  'licence_spend_daily',
  'licence_spend_customer_daily',
  'licence_spend_owner_daily',
  'licence_spend_portfolio_daily',
] as const;

/** Weekly tables, in order: adoption_weekly takes the customer's rank from adoption_customer_weekly. */
export const WEEKLY_METRICS = [
  'adoption_customer_weekly',
  'adoption_weekly',
  'adoption_workload_weekly',
  'adoption_portfolio_weekly',
] as const;

/** Tables the daily pass stores; the others are a macro and TEMP tables of the pass itself. */
export const STORED_DAILY_METRICS = DAILY_METRICS.filter(
  (t) => t !== 'user_license_keep' && t !== 'user_license_rows' && t !== 'user_license_counts',
);

/**
 * Recomputes every daily metric table for the snapshot dates from..to in one set-based pass per table:
 * the same code serves one night's ingest and a backfill over months.
 */
export async function recomputeDailyMetrics(
  wh: Warehouse,
  range: { from: string; to: string },
  options: {
    partnerTenantId?: string | undefined;
    log?: Logger;
    weekEndDow: number;
    /** per-user rows counted in one statement (rowsPerPass of the configured memory limit) */
    rowsPerPass: number;
  },
): Promise<void> {
  // The per-user rows are kept for each week's last snapshot: the weeks touched are recomputed whole.
  const [weeks] = await wh.all(
    'SELECT week_ending($from::DATE, $dow) - 6 AS week_from, week_ending($to::DATE, $dow) AS week_to',
    { ...range, dow: options.weekEndDow },
  );
  const params = {
    ...range,
    week_from: String(weeks!.week_from),
    week_to: String(weeks!.week_to),
    week_end_dow: options.weekEndDow,
    window_days: ACTIVE_WINDOW_DAYS,
    partner_tenant: options.partnerTenantId ?? null,
    retired_workloads: JSON.stringify(RETIRED_WORKLOADS),
  };
  for (const table of [...STORED_DAILY_METRICS].reverse()) {
    const [from, to] = table === 'user_license_activity' ? ['week_from', 'week_to'] : ['from', 'to'];
    await wh.run(`DELETE FROM ${table} WHERE snapshot_date BETWEEN $${from}::DATE AND $${to}::DATE`, params);
  }
  let spans: { from: string; to: string }[] = [range];
  for (const table of DAILY_METRICS) {
    const t = process.hrtime.bigint();
    if (table === 'user_license_activity') {
      // Stored for the snapshots in user_license_keep only (its range bounds the macro's scan); the counts then read
      // these rows back and compute only the other snapshots, so that each snapshot's rows are computed once.
      // One week at a time: a 90-day backfill stores 13 weeks of per-user rows, and one statement for all of them
      // took DuckDB's footprint within sight of 1.5 GiB.
      const weeks = await wh.all(
        `SELECT min(snapshot_date) AS keep_from, max(snapshot_date) AS keep_to FROM user_license_keep
         GROUP BY week_ending(snapshot_date, $dow) ORDER BY 1`,
        { dow: options.weekEndDow },
      );
      for (const keep of weeks)
        await wh.runFile(`metrics/${table}`, {
          ...params,
          keep_from: String(keep.keep_from),
          keep_to: String(keep.keep_to),
        });
    } else if (table === 'user_license_counts') {
      await wh.runFile(`metrics/${table}`, params);
      spans = await countUsers(wh, range, options);
    } else if (table === 'user_license_keep' || table === 'user_license_rows') {
      await wh.runFile(`metrics/${table}`, params);
    } else {
      // The same spans as the counts: at 10×, adoption_daily over 89 nights in one statement ran out of 768 MB.
      for (const span of spans) await wh.runFile(`metrics/${table}`, { ...params, ...span });
    }
    options.log?.debug({ table, ms: Number(process.hrtime.bigint() - t) / 1e6 }, 'metric table computed');
  }
  await wh.run(
    `DELETE FROM load_issues WHERE code IN ('source_difference', 'usage_from_partner_center', 'usage_not_measurable', 'aggregate_only_product')
       AND snapshot_date BETWEEN $from::DATE AND $to::DATE`,
    params,
  );
  await wh.runFile('checks/source_differences', params);
  await wh.runFile('checks/usage_basis', params);
  await wh.run(
    `DELETE FROM load_issues WHERE code = 'no_price' AND snapshot_date BETWEEN $from::DATE AND $to::DATE`,
    params,
  );
  await wh.runFile('checks/spend_prices', params);
  await wh.run('DROP TABLE IF EXISTS user_license_counts');
  await wh.run('DROP TABLE IF EXISTS user_license_keep');
  await wh.run(
    `UPDATE loads SET metrics_at = now()::TIMESTAMP WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE`,
    params,
  );
}

/**
 * The TEMP table user_license_counts filled a span of snapshot dates at a time (datePasses), so that a backfill at
 * 10× never holds every night's per-user rows in one statement. Returns the spans, covering the whole range: the
 * daily tables are computed over the same ones.
 */
async function countUsers(
  wh: Warehouse,
  range: { from: string; to: string },
  options: { log?: Logger; rowsPerPass: number },
): Promise<{ from: string; to: string }[]> {
  const rows = await wh.all(
    `SELECT snapshot_date::VARCHAR AS date, count(*)::DOUBLE AS n FROM stg_user_activity
     WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE GROUP BY ALL ORDER BY 1`,
    range,
  );
  const spans = coveringSpans(
    datePasses(
      rows.map((r) => ({ date: String(r.date), rows: Number(r.n) })),
      options.rowsPerPass,
    ),
    range,
  );
  for (const [i, span] of spans.entries()) {
    const into =
      i === 0 ? 'CREATE OR REPLACE TEMP TABLE user_license_counts AS' : 'INSERT INTO user_license_counts';
    await wh.run(`${into} FROM user_license_counts_of($from::DATE, $to::DATE, $window_days)`, {
      ...span,
      window_days: ACTIVE_WINDOW_DAYS,
    });
    if (spans.length > 1)
      options.log?.debug({ pass: i + 1, of: spans.length, ...span }, 'user_license_counts: pass done');
  }
  return spans;
}

/**
 * Spans stretched to cover `range` without gap or overlap: a night without a user report (Partner Center's figures
 * only) still gets its daily rows. No span at all: the range as one (the TEMP table is still made, empty).
 */
export function coveringSpans(
  spans: readonly { from: string; to: string }[],
  range: { from: string; to: string },
): { from: string; to: string }[] {
  if (spans.length === 0) return [{ ...range }];
  return spans.map((span, i) => ({
    from: i === 0 ? range.from : addDays(spans[i - 1]!.to, 1),
    to: i === spans.length - 1 ? range.to : span.to,
  }));
}

/**
 * The per-user rows one statement may count under a DuckDB memory limit such as '768MB'. Measured at 10×: one
 * night's 5.2 million users counted in about 400 MB of DuckDB's memory, eleven nights at once ran out of 732 MiB.
 */
export function rowsPerPass(memoryLimit: string): number {
  return Math.max(1, Math.floor(sizeBytes(memoryLimit) / BYTES_PER_USER_ROW));
}
const BYTES_PER_USER_ROW = 128;

/** A size as the configuration writes it ('768MB', '1.5GiB'): KB, MB… are powers of 1000, KiB, MiB… of 1024. */
export function sizeBytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT])(i?)B$/i.exec(size.trim());
  if (!m) throw new Error(`not a size: ${size}`);
  const power = 'KMGT'.indexOf(m[2]!.toUpperCase()) + 1;
  return Number(m[1]) * (m[3] ? 1024 : 1000) ** power;
}

/**
 * Consecutive snapshot dates grouped into spans of at most `maxRows` rows (a date with more is a span of its own),
 * so that a backfill over months counts its users in a few statements and a night at 10× in one.
 */
export function datePasses(
  dates: readonly { date: string; rows: number }[],
  maxRows: number,
): { from: string; to: string }[] {
  const spans: { from: string; to: string; rows: number }[] = [];
  for (const d of dates) {
    const last = spans.at(-1);
    if (last && last.rows + d.rows <= maxRows) {
      last.to = d.date;
      last.rows += d.rows;
    } else spans.push({ from: d.date, to: d.date, rows: d.rows });
  }
  return spans.map(({ from, to }) => ({ from, to }));
}

export function weekEndDow(config: Config): number {
  return WEEKDAYS.indexOf(config.weekly.weekEndsOn);
}

/**
 * Rewrites the weekly tables from the week holding `fromDate` on. Later weeks are rewritten too: their
 * week-over-week changes, moving averages and streaks depend on the earlier weeks.
 */
export async function recomputeWeeklyMetrics(
  wh: Warehouse,
  fromDate: string,
  config: Config,
  log?: Logger,
): Promise<void> {
  const dow = weekEndDow(config);
  const [w] = await wh.all('SELECT week_ending($d::DATE, $dow) AS w', { d: fromDate, dow });
  const params = { from_week: String(w!.w), week_end_dow: dow, low_usage: config.thresholds.lowUsage };
  for (const table of [...WEEKLY_METRICS].reverse())
    await wh.run(`DELETE FROM ${table} WHERE week_ending >= $from_week::DATE`, params);
  for (const table of WEEKLY_METRICS) {
    const t = process.hrtime.bigint();
    await wh.runFile(`metrics/${table}`, params);
    log?.debug({ table, ms: Number(process.hrtime.bigint() - t) / 1e6 }, 'metric table computed');
  }
}
