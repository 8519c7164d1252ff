// What the digest reads from the warehouse and writes back to it: the week's findings, the recipients, one account
// manager's rows for the plan (src/digest/plan.ts), and the suggestions the plan made. The SQL is in
// queries/reports/digest_*.sql and the files they name.
import { RETIRED_WORKLOADS } from '../config/schema.js';
import type { JobContext } from '../context.js';
import { ACTIVE_WINDOW_DAYS } from '../warehouse/metrics.js';
import { insertRows } from '../warehouse/insertRows.js';
import type { Row } from '../warehouse/warehouse.js';
import { ownerCopilot } from './copilot.js';
import { FOLLOW_UP_DAYS, readyForCopilot, type DigestRows } from './plan.js';
import { ownerSpend } from './spend.js';

/** The week's findings (queries/findings/findings.sql), computed afresh from the week's data. */
export async function computeFindings(ctx: JobContext, week: string): Promise<void> {
  const limits = ctx.config.thresholds;
  await ctx.wh.runFile('reports/digest_findings_clear', { week });
  await ctx.wh.runFile('findings/findings', {
    week,
    low_deployment: limits.lowDeployment,
    low_usage: limits.lowUsage,
    weak_gap: limits.weakWorkloadGap,
    how_to_per_100: limits.howToPer100,
    declining: limits.decliningDrop,
    renewal_days: limits.renewalDays,
    upsell_deployment: limits.upsellDeployment,
    upsell_usage: limits.upsellUsage,
    copilot_low_usage: limits.copilot.lowUsage,
    copilot_low_deployment: limits.copilot.lowDeployment,
    copilot_weak_gap: limits.copilot.weakAppGap,
    copilot_readiness_usage: limits.copilot.readinessUsage,
    copilot_min_entitlements: limits.copilot.readinessMinEntitlements,
    window_days: ACTIVE_WINDOW_DAYS,
    retired_workloads: JSON.stringify(RETIRED_WORKLOADS),
    how_to_categories: JSON.stringify(
      ctx.config.tickets.categories.how_to.map((c) => c.trim().toLowerCase()),
    ),
  });
}

export interface DigestAddressee {
  /** the account manager ('' = customers without one) */
  owner: string;
  /** where the digest goes: the account manager, or digest.fallbackRecipient for customers without one */
  recipient: string;
  customers: number;
}

/** The week's recipients (one account manager's with `owner`), in address order. */
export async function digestAddressees(
  ctx: JobContext,
  week: string,
  owner: string | undefined,
): Promise<DigestAddressee[]> {
  const rows = await ctx.wh.allFile('reports/digest_recipients', {
    week,
    owner: owner ? owner.toLowerCase() : null,
  });
  return rows.map((r) => ({
    owner: String(r.owner),
    // Customers without an account manager go to the fallback address, never to everyone.
    recipient: String(r.owner) || ctx.config.digest.fallbackRecipient,
    customers: Number(r.customers),
  }));
}

/** Everything the plan needs about one account manager's customers this week. */
export async function readDigestRows(ctx: JobContext, week: string, owner: string): Promise<DigestRows> {
  const { wh, config } = ctx;
  const scope = { week, owner, customer: null };
  const summary = await wh.allFile('reports/summary', scope);
  // Every customer below a threshold: the plan lists the first digest.maxCustomers and counts the rest.
  const attention = await wh.allFile('reports/attention', {
    ...scope,
    low_usage: config.thresholds.lowUsage,
    low_deployment: config.thresholds.lowDeployment,
    limit: null,
  });
  const findings = await wh.allFile('reports/digest_findings', { week, owner });
  const history = await wh.allFile('reports/digest_suggestion_history', {
    week,
    owner,
    days: Math.max(config.digest.cooldownWeeks * 7, FOLLOW_UP_DAYS),
  });
  const spend = await ownerSpend(ctx, week, owner);
  const copilot = await ownerCopilot(ctx, week, owner, readyForCopilot(findings));
  return { summary, attention, findings, history, spend, copilot };
}

/** Records the week's new suggestions: the cool-down and the follow-ups of later weeks read them. */
export async function recordSuggestions(ctx: JobContext, suggestions: Row[]): Promise<void> {
  await insertRows(
    ctx.wh,
    'suggestions',
    [
      ['week_ending', 'date'],
      ['customer_id', 'varchar'],
      ['item_id', 'varchar'],
      ['finding', 'varchar'],
      ['sku_id', 'varchar'],
      ['usage_pct_adjusted', 'double'],
      ['deployment_pct', 'double'],
    ],
    suggestions,
  );
}
