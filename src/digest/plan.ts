// One recipient's digest, planned from rows already read (changesets' shape: read → pure plan → deliver): which
// customers it lists, the content suggested to each (the cool-down and the week's spread applied), the follow-ups
// on earlier suggestions, and the suggestions to record. Pure: no warehouse, no clock, no disk; the week's item
// counts come in and go out, so that the caller carries them from one recipient to the next.
import { workloads as WORKLOADS, type ContentItem, type Problem } from '../config/schema.js';
import type { Row } from '../warehouse/warehouse.js';
import type { DigestCopilot } from './copilot.js';
import { matchContent, type FindingForMatch } from './match.js';
import type { Recipient } from './recipients.js';
import { orderByMoney, type DigestSpend } from './spend.js';
import type { DigestData } from './view.js';
import type { WeekPlan } from './weekPlan.js';

/** How far back the digest looks for its follow-ups ("suggested N weeks ago; usage since"): 12 weeks. */
export const FOLLOW_UP_DAYS = 84;

/** The content id of the trend chart the HTML shows inline. */
export const CHART_CID = 'trend@adoption-insights';

export interface DigestRules {
  /** digest.maxCustomers: the attention list is cut here, the rest are counted ("N more") */
  maxCustomers: number;
  maxSuggestionsPerCustomer: number;
  cooldownWeeks: number;
  attachWorkbook: boolean;
}

export interface DigestRows {
  /** reports/summary: this week, then the week before (absent on a first week) */
  summary: Row[];
  /** reports/attention without a limit: every customer below a threshold, most unused licences first */
  attention: Row[];
  /** reports/digest_findings */
  findings: Row[];
  /** reports/digest_suggestion_history, back to the longer of the cool-down and FOLLOW_UP_DAYS */
  history: Row[];
  spend: DigestSpend;
  copilot?: DigestCopilot;
}

export interface PlanInput {
  week: string;
  reader: Recipient;
  partnerName: string;
  rows: DigestRows;
  items: readonly ContentItem[];
  weekPlan: WeekPlan;
  rules: DigestRules;
}

export interface DigestPlan {
  data: DigestData;
  /** rows for the suggestions table: this week's new suggestions (none where this week's were already made) */
  suggestions: Row[];
  /** the week's plan with this digest's suggestions counted, for the next recipient */
  weekPlan: WeekPlan;
}

const daysAgo = (r: Row) => Number(r.days_ago);
const usageOf = (r: Row) => (r.usage_pct_adjusted ?? r.usage_pct) as number | null;

/** Customers ready for Copilot (high Microsoft 365 usage, no Copilot): named in the Copilot section. */
export function readyForCopilot(findings: readonly Row[]): DigestCopilot['ready'] {
  return findings
    .filter((f) => f.finding === 'copilot_readiness')
    .map((f) => ({ name: String(f.customer_name), usage: f.value as number | null }));
}

function forMatch(f: Row): FindingForMatch {
  return {
    finding: f.finding as Problem,
    workload: (f.workload as string | null) ?? null,
    productWorkloads: WORKLOADS.filter((w) => f[`wl_${w}`] === true),
    family: String(f.family),
    skuId: String(f.sku_id),
  };
}

interface CustomerPlan {
  entry: DigestData['attention'][number];
  suggestions: Row[];
}

/** One customer on the attention list: its findings, this week's suggestions (made now or earlier), follow-ups. */
function planCustomer(
  input: PlanInput,
  customer: Row,
  weekCounts: Map<string, number>,
  itemsById: ReadonlyMap<string, ContentItem>,
): CustomerPlan {
  const { rows, rules, reader } = input;
  const locale = reader.locale;
  const customerId = String(customer.customer_id);
  const cooldownDays = rules.cooldownWeeks * 7;
  const customerFindings = rows.findings.filter(
    (f) => f.customer_id === customerId && f.finding !== 'upsell',
  );
  const pastSuggestions = rows.history.filter((h) => h.customer_id === customerId);
  // A re-run shows the suggestions this week's first run made, never new ones.
  let suggestedIds = pastSuggestions
    .filter((h) => daysAgo(h) === 0)
    .map((h) => String(h.item_id))
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const suggestions: Row[] = [];
  if (suggestedIds.length === 0 && customerFindings.length > 0) {
    const recent = pastSuggestions.filter((h) => daysAgo(h) > 0 && daysAgo(h) < cooldownDays);
    const picks = matchContent(customerFindings.map(forMatch), input.items, {
      max: rules.maxSuggestionsPerCustomer,
      recentlySuggested: new Set(recent.map((r) => String(r.item_id))),
      weekCounts,
      flaggedCustomers: input.weekPlan.flaggedCustomers,
    });
    for (const p of picks) {
      weekCounts.set(p.item.id, (weekCounts.get(p.item.id) ?? 0) + 1);
      suggestions.push({
        week_ending: input.week,
        customer_id: customerId,
        item_id: p.item.id,
        finding: p.finding,
        sku_id: p.skuId,
        usage_pct_adjusted: usageOf(customer),
        deployment_pct: customer.deployment_pct as number | null,
      });
    }
    suggestedIds = picks.map((p) => p.item.id);
  }
  // Newest first, then by item (the query's order).
  const earlier = pastSuggestions.filter((h) => daysAgo(h) > 0 && daysAgo(h) <= FOLLOW_UP_DAYS);
  const usageNow = usageOf(customer);
  const entry = {
    name: String(customer.customer_name),
    unused: Number(customer.unused),
    usage: usageNow,
    usageChange: customer.usage_pct_adjusted_change as number | null,
    deployment: customer.deployment_pct as number | null,
    findings: customerFindings.map((f) => ({
      finding: String(f.finding),
      product: String(f.product),
      workload: f.workload as string | null,
      value: f.value as number | null,
      detail: JSON.parse(String(f.detail ?? '{}')) as Record<string, unknown>,
    })),
    suggestions: suggestedIds
      .map((id) => itemsById.get(id))
      .filter((i) => i !== undefined)
      .map((i) => ({ title: i.title[locale], url: i.url[locale], kind: i.kind })),
    followUps: earlier
      .filter((e) => itemsById.has(String(e.item_id)))
      .slice(0, 3)
      .map((e) => ({
        title: itemsById.get(String(e.item_id))!.title[locale],
        weeksAgo: Number(e.weeks_ago),
        change:
          usageNow !== null && e.usage_pct_adjusted !== null ? usageNow - Number(e.usage_pct_adjusted) : null,
      })),
  };
  return { entry, suggestions };
}

const KPI_KEYS = [
  'customers',
  'licenses_sold',
  'licenses_assigned',
  'active_entitlements',
  'unused',
  'deployment_pct',
  'usage_pct',
  'usage_pct_adjusted',
];

const kpisOf = (r: Row) => Object.fromEntries(KPI_KEYS.map((k) => [k, (r[k] as number | null) ?? null]));

function upsellOf(findings: readonly Row[]): DigestData['upsell'] {
  return findings
    .filter((f) => f.finding === 'upsell')
    .map((f) => ({
      name: `${String(f.customer_name)} (${String(f.product)})`,
      usage: usageOf(f),
      deployment: f.deployment_pct as number | null,
    }));
}

function over100Of(findings: readonly Row[]): DigestData['over100'] {
  return findings
    .filter((f) => f.finding === 'usage_over_100')
    .map((f) => {
      const detail = JSON.parse(String(f.detail ?? '{}')) as Record<string, number | string | null>;
      return {
        name: String(f.customer_name),
        product: String(f.product),
        counts: {
          deleted: Number(detail.active_deleted ?? 0),
          overCapacity: Number(detail.active_over_capacity ?? 0),
          cause: (detail.cause as string | null) ?? null,
          yammerOnly: Number(detail.active_yammer_only ?? 0),
        },
      };
    });
}

/** Everything one recipient's digest says, and the suggestions it makes. */
export function planDigest(input: PlanInput): DigestPlan {
  const { rows, reader, week } = input;
  const [now, prev] = rows.summary;
  const listed = rows.attention.slice(0, input.rules.maxCustomers);
  const weekCounts = new Map(input.weekPlan.weekCounts);
  const itemsById = new Map(input.items.map((i) => [i.id, i]));
  const planned = listed.map((customer) => planCustomer(input, customer, weekCounts, itemsById));
  return {
    suggestions: planned.flatMap((p) => p.suggestions),
    weekPlan: { weekCounts, flaggedCustomers: input.weekPlan.flaggedCustomers },
    data: {
      week,
      recipient: reader.email,
      recipientName: reader.name,
      timeZone: reader.timeZone,
      partnerName: input.partnerName,
      asOf: String(now?.newest_as_of ?? week),
      oldestAsOf: String(now?.oldest_as_of ?? week),
      kpis: { now: now ? kpisOf(now) : {}, prev: prev ? kpisOf(prev) : null },
      // Where prices are known, the customers with most money at stake come first.
      attention: orderByMoney(
        planned.map((p) => p.entry),
        listed.map((a) => String(a.customer_id)),
        rows.spend,
      ),
      attentionMore: rows.attention.length - listed.length,
      spend: rows.spend,
      copilot: rows.copilot,
      upsell: upsellOf(rows.findings),
      over100: over100Of(rows.findings),
      chartCid: CHART_CID,
      workbookAttached: input.rules.attachWorkbook,
    },
  };
}
