// Picks content for a customer's findings (DESIGN.md §4): an item must answer the finding's problem and, when it
// names workloads, Copilot apps or product families, the finding's own; among the items that fit, the most
// specific wins (an app match, then a workload match, then a product family match, then a generic item), then the
// kinds Partner Center's Next steps recommend for the problem. In the recipient's locale, at most N per customer,
// never an item suggested to the customer within the cool-down, and, across one week's digests, no item suggested to
// more than a third of the flagged customers while another fitting item is left. Pure: the caller keeps the week's
// counts.
import {
  COPILOT_APPS,
  COPILOT_FAMILY,
  RETIRED_WORKLOADS,
  type ContentItem,
  type Problem,
} from '../config/schema.js';

export interface FindingForMatch {
  finding: Problem;
  workload: string | null; // weak_workload names the weak one (a workload, or a Copilot app for a Copilot product)
  productWorkloads: string[];
  family: string;
  skuId: string;
}

export interface Suggestion {
  item: ContentItem;
  finding: Problem;
  skuId: string;
}

export interface MatchOptions {
  max: number;
  recentlySuggested: ReadonlySet<string>;
  /** suggestions already made this week across every recipient, by item id (the week's plan so far) */
  weekCounts?: ReadonlyMap<string, number>;
  /** the customers flagged this week across every recipient: no item goes to more than a third of them */
  flaggedCustomers?: number;
}

/** Partner Center's Next steps: which kinds of content answer which problem, best first. */
const KIND_PREFERENCE: Record<Problem, string[]> = {
  low_deployment: ['case_study', 'testimonial', 'tutorial', 'video', 'self_service'],
  low_usage: ['case_study', 'testimonial', 'video', 'tutorial', 'training'],
  weak_workload: ['tutorial', 'video', 'training', 'self_service'],
  high_how_to: ['training', 'self_service', 'video', 'tutorial'],
  declining: ['video', 'tutorial', 'testimonial', 'case_study'],
  renewal_risk: ['self_service', 'case_study', 'tutorial'],
  upsell: ['training', 'case_study'],
  usage_over_100: ['self_service', 'tutorial'],
  // an upsell of Copilot: show its value (stories, scenarios), then training on it
  copilot_readiness: ['case_study', 'tutorial', 'training', 'video'],
};

/** The order findings are answered in when a customer has several and N is small. */
export const FINDING_PRIORITY: Problem[] = [
  'usage_over_100',
  'low_usage',
  'low_deployment',
  'declining',
  'weak_workload',
  'high_how_to',
  'renewal_risk',
  'upsell',
  'copilot_readiness',
];

/** How specifically an item fits a finding, best first; NO_FIT when it does not fit at all. */
export const FIT = {
  app: 4, // made for the finding's Copilot app
  workload: 3, // made for the finding's workload, or for every workload of its product
  family: 2, // made for the product's family
  partial: 1, // made for one workload of a product that has several (a Teams item for a suite's low usage)
  generic: 0, // made for everything
} as const;
export const NO_FIT = -1;

const isCopilotApp = (w: string): boolean => (COPILOT_APPS as readonly string[]).includes(w);
const isRetired = (w: string): boolean => (RETIRED_WORKLOADS as readonly string[]).includes(w);

/** What a finding is about: one app and/or one workload, or the product's (live) workloads as a whole. */
function targetOf(f: FindingForMatch): { app: string | null; workload: string | null; product: string[] } {
  // Readiness is attached to the customer's Microsoft 365 product but is about Copilot: only Copilot content answers it.
  if (f.finding === 'copilot_readiness') return { app: null, workload: 'copilot', product: [] };
  if (f.workload && isCopilotApp(f.workload)) return { app: f.workload, workload: 'copilot', product: [] };
  if (f.workload) return { app: null, workload: f.workload, product: [] };
  const product = f.productWorkloads.filter((w) => !isRetired(w));
  if (f.family === COPILOT_FAMILY && !product.includes('copilot')) product.push('copilot');
  return { app: null, workload: null, product };
}

/** FIT.app … FIT.generic, or NO_FIT: the item must answer the problem and whatever it names must be the finding's. */
export function fitOf(item: ContentItem, f: FindingForMatch): number {
  if (!item.problems.includes(f.finding)) return NO_FIT;
  if (item.families.length && !item.families.includes(f.family)) return NO_FIT;
  const t = targetOf(f);
  const names = item.workloads as readonly string[];
  if (item.apps.length) {
    if (!t.app || !(item.apps as readonly string[]).includes(t.app)) return NO_FIT;
    return FIT.app;
  }
  if (names.length) {
    if (t.workload) return names.includes(t.workload) ? FIT.workload : NO_FIT;
    const shared = t.product.filter((w) => names.includes(w));
    if (shared.length === 0) return NO_FIT;
    return shared.length === t.product.length ? FIT.workload : FIT.partial;
  }
  if (f.finding === 'copilot_readiness') return NO_FIT; // generic or family content is not Copilot content
  return item.families.length ? FIT.family : FIT.generic;
}

/** The most customers one item may go to in a week: a third of the flagged customers (at least one). */
export function weeklyCap(flaggedCustomers: number): number {
  return Math.max(1, Math.floor(flaggedCustomers / 3));
}

function kindRank(item: ContentItem, f: FindingForMatch): number {
  const r = KIND_PREFERENCE[f.finding].indexOf(item.kind);
  return r < 0 ? KIND_PREFERENCE[f.finding].length : r;
}

/** The best item for one finding among those not yet taken, or undefined. */
function pick(
  f: FindingForMatch,
  items: readonly ContentItem[],
  taken: ReadonlySet<string>,
  used: (id: string) => number,
  cap: number,
): ContentItem | undefined {
  const fitting = items
    .filter((i) => !taken.has(i.id))
    .map((item) => ({ item, fit: fitOf(item, f), used: used(item.id), kind: kindRank(item, f) }))
    .filter((c) => c.fit !== NO_FIT);
  // Over the week's cap only when nothing else fits.
  const underCap = fitting.filter((c) => c.used < cap);
  const pool = underCap.length ? underCap : fitting;
  const listed = (c: (typeof pool)[number]) => (c.kind < KIND_PREFERENCE[f.finding].length ? 0 : 1);
  pool.sort(
    (a, b) =>
      b.fit - a.fit ||
      listed(a) - listed(b) || // a kind Next steps recommends for the problem before one it does not
      a.used - b.used || // then the least suggested this week, so that equally good items take turns
      a.kind - b.kind ||
      a.item.id.localeCompare(b.item.id),
  );
  return pool[0]?.item;
}

export function matchContent(
  findings: readonly FindingForMatch[],
  items: readonly ContentItem[],
  options: MatchOptions,
): Suggestion[] {
  const out: Suggestion[] = [];
  const taken = new Set(options.recentlySuggested);
  const used = (id: string) => options.weekCounts?.get(id) ?? 0;
  const cap =
    options.flaggedCustomers === undefined ? Number.POSITIVE_INFINITY : weeklyCap(options.flaggedCustomers);
  const ordered = [...findings].sort(
    (a, b) => FINDING_PRIORITY.indexOf(a.finding) - FINDING_PRIORITY.indexOf(b.finding),
  );
  // One item per finding first, then more for the same findings while room remains.
  for (let round = 0; round < 3 && out.length < options.max; round++) {
    for (const f of ordered) {
      if (out.length >= options.max) break;
      const best = pick(f, items, taken, used, cap);
      if (!best) continue;
      taken.add(best.id);
      out.push({ item: best, finding: f.finding, skuId: f.skuId });
    }
  }
  return out;
}
