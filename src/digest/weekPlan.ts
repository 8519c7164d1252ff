// The state one week's digests share so that content is spread across customers (issue #18): how many customers each
// item has already been suggested to this week, and how many customers are flagged. Read once per digest run; each
// recipient's plan (src/digest/plan.ts) returns the counts with its new suggestions added, for the next recipient.
import type { Config } from '../config/schema.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export interface WeekPlan {
  /** item id → customers it has been suggested to this week (every recipient's) */
  weekCounts: Map<string, number>;
  /** customers the week's digests suggest content to, across every recipient */
  flaggedCustomers: number;
}

export async function loadWeekPlan(wh: Warehouse, config: Config, week: string): Promise<WeekPlan> {
  const counts = await wh.allFile('reports/digest_week_item_counts', { week });
  const [flagged] = await wh.allFile('reports/digest_flagged_customers', {
    week,
    low_usage: config.thresholds.lowUsage,
    low_deployment: config.thresholds.lowDeployment,
    limit: config.digest.maxCustomers,
  });
  return {
    weekCounts: new Map(counts.map((r) => [String(r.item_id), Number(r.customers)])),
    flaggedCustomers: Number(flagged?.customers ?? 0),
  };
}
