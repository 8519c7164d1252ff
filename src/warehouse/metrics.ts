import { RETIRED_WORKLOADS, WEEKDAYS, type Config } from '../config/schema.js';
import { addDays } from '../dates.js';
import type { Logger } from '../log.js';
import type { Params, Warehouse } from './warehouse.js';

/** DESIGN.md §1: active = used in the last 28 calendar days, both ends of the window included. */
export const ACTIVE_WINDOW_DAYS = 28;

/** Daily metric tables in the order they are computed; each reads only staging tables and those before it. */
export const DAILY_METRICS = [
  'user_license_keep',
  'user_license_skus',
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

/** The daily tables computed a span of nights at a time, from that span's user_license_counts. */
const SPAN_METRICS = DAILY_METRICS.slice(DAILY_METRICS.indexOf('user_license_counts') + 1);

/** The macro and TEMP tables of the pass itself, not stored. */
const PASS_ONLY = new Set<string>([
  'user_license_keep',
  'user_license_skus',
  'user_license_rows',
  'user_license_counts',
]);

/** Tables the daily pass stores. */
export const STORED_DAILY_METRICS = DAILY_METRICS.filter((t) => !PASS_ONLY.has(t));

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
  const ms = await computeDailyTables(wh, range, params, options);
  for (const table of DAILY_METRICS)
    options.log?.debug({ table, ms: ms[table] ?? 0 }, 'metric table computed');
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
  await wh.run('DROP TABLE IF EXISTS user_license_skus');
  await wh.run(
    `UPDATE loads SET metrics_at = now()::TIMESTAMP WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE`,
    params,
  );
}

type DailyTable = (typeof DAILY_METRICS)[number];

/** The daily tables of recomputeDailyMetrics, their rows deleted already; returns each table's milliseconds. */
async function computeDailyTables(
  wh: Warehouse,
  range: { from: string; to: string },
  params: Params,
  options: { log?: Logger; weekEndDow: number; rowsPerPass: number },
): Promise<Partial<Record<DailyTable, number>>> {
  const ms: Partial<Record<DailyTable, number>> = {};
  const timed = async (table: DailyTable, fn: () => Promise<unknown>) => {
    const t = process.hrtime.bigint();
    await fn();
    ms[table] = (ms[table] ?? 0) + Number(process.hrtime.bigint() - t) / 1e6;
  };
  await timed('user_license_keep', () => wh.runFile('metrics/user_license_keep', params));
  // The kept snapshots outside the range (a customer whose last snapshot of a week touched lies outside it): NULL,
  // and so nothing scanned for them, when there is none.
  const [outside] = await wh.all(
    `SELECT min(snapshot_date)::VARCHAR AS outside_from, max(snapshot_date)::VARCHAR AS outside_to
     FROM user_license_keep WHERE snapshot_date NOT BETWEEN $from::DATE AND $to::DATE`,
    range,
  );
  await timed('user_license_skus', () => wh.runFile('metrics/user_license_skus', { ...params, ...outside }));
  await timed('user_license_rows', () => wh.runFile('metrics/user_license_rows', params));
  // Stored for the snapshots in user_license_keep only (its range bounds the macro's scan); the counts then read
  // these rows back and compute only the other snapshots, so that each snapshot's rows are computed once.
  // One week at a time: a 90-day backfill stores 13 weeks of per-user rows, and one statement for all of them
  // took DuckDB's footprint within sight of 1.5 GiB.
  await timed('user_license_activity', async () => {
    const weeks = await wh.all(
      `SELECT min(snapshot_date) AS keep_from, max(snapshot_date) AS keep_to FROM user_license_keep
       GROUP BY week_ending(snapshot_date, $dow) ORDER BY 1`,
      { dow: options.weekEndDow },
    );
    for (const keep of weeks)
      await wh.runFile('metrics/user_license_activity', {
        ...params,
        keep_from: String(keep.keep_from),
        keep_to: String(keep.keep_to),
      });
  });
  await timed('user_license_counts', () => wh.runFile('metrics/user_license_counts', params));
  // A span of nights at a time, counts and then every daily table, the counts replaced at each span. At 10× the
  // counts of 89 nights (7 million rows, 2.5 GB uncompressed in a TEMP table) ran out of DuckDB's 768 MB while the
  // daily tables read them; a daily table reads only its own snapshot date, so spans in date order give the same rows.
  const spans = await userCountSpans(wh, range, options.rowsPerPass);
  for (const [i, span] of spans.entries()) {
    await timed('user_license_counts', () =>
      wh.run(
        'CREATE OR REPLACE TEMP TABLE user_license_counts AS FROM user_license_counts_of($from::DATE, $to::DATE, $window_days)',
        { ...span, window_days: ACTIVE_WINDOW_DAYS },
      ),
    );
    for (const table of SPAN_METRICS)
      await timed(table, () => wh.runFile(`metrics/${table}`, { ...params, ...span }));
    if (spans.length > 1)
      options.log?.debug({ span: i + 1, of: spans.length, ...span }, 'daily metrics: span done');
  }
  return ms;
}

/**
 * The spans of snapshot dates the daily tables are computed a span at a time over (datePasses), so that a backfill
 * at 10× never holds every night's per-user rows, nor every night's counts, in one statement. They cover the whole
 * range.
 */
async function userCountSpans(
  wh: Warehouse,
  range: { from: string; to: string },
  rowsPerPass: number,
): Promise<{ from: string; to: string }[]> {
  const rows = await wh.all(
    `SELECT snapshot_date::VARCHAR AS date, count(*)::DOUBLE AS n FROM stg_user_activity
     WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE GROUP BY ALL ORDER BY 1`,
    range,
  );
  return coveringSpans(
    datePasses(
      rows.map((r) => ({ date: String(r.date), rows: Number(r.n) })),
      rowsPerPass,
    ),
    range,
  );
}

/**
 * The range cut at the ends of weeks (weeks end on `weekEndDow`, 0 = Sunday, as week_ending in SQL): a backfill
 * recomputes and commits a week at a time. A week is the smallest piece: its per-user rows are those of its last
 * snapshot.
 */
export function weekChunks(
  range: { from: string; to: string },
  weekEndDow: number,
): { from: string; to: string }[] {
  const chunks: { from: string; to: string }[] = [];
  for (let from = range.from; from <= range.to;) {
    const dow = new Date(`${from}T00:00:00Z`).getUTCDay();
    const weekEnd = addDays(from, (7 + weekEndDow - dow) % 7);
    const to = weekEnd < range.to ? weekEnd : range.to;
    chunks.push({ from, to });
    from = addDays(to, 1);
  }
  return chunks;
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
