import type { Warehouse } from './warehouse.js';

/** DESIGN.md §1: active = used in the last 28 calendar days, both ends of the window included. */
export const ACTIVE_WINDOW_DAYS = 28;

/** Metric tables in the order they are computed; each reads only staging tables and those before it. */
export const DAILY_METRICS = [
  'user_license_activity',
  'adoption_daily',
  'adoption_workload_daily',
  'adoption_customer_daily',
  'adoption_portfolio_daily',
] as const;

/**
 * Recomputes every daily metric table for the snapshot dates from..to in one set-based pass per table:
 * the same code serves one night's ingest and a backfill over months.
 */
export async function recomputeDailyMetrics(
  wh: Warehouse,
  range: { from: string; to: string },
  options: { partnerTenantId?: string | undefined },
): Promise<void> {
  const params = {
    ...range,
    window_days: ACTIVE_WINDOW_DAYS,
    partner_tenant: options.partnerTenantId ?? null,
  };
  for (const table of [...DAILY_METRICS].reverse()) {
    await wh.run(`DELETE FROM ${table} WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE`, params);
  }
  for (const table of DAILY_METRICS) await wh.runFile(`metrics/${table}`, params);
}
