// Picks content for a customer's findings (DESIGN.md §4): by problem, then workload and product family, in the
// recipient's locale, at most N per customer, never an item suggested to the customer within the cool-down. Pure.
import type { ContentItem, Problem } from '../config/schema.js';

export interface FindingForMatch {
  finding: Problem;
  workload: string | null; // weak_workload names the weak one
  productWorkloads: string[];
  family: string;
  skuId: string;
}

export interface Suggestion {
  item: ContentItem;
  finding: Problem;
  skuId: string;
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
  copilot_readiness: ['case_study', 'training', 'video'],
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

export function score(item: ContentItem, f: FindingForMatch): number {
  if (!item.problems.includes(f.finding)) return -1;
  const wanted = f.workload ? [f.workload] : f.productWorkloads;
  if (item.workloads.length && !item.workloads.some((w: string) => wanted.includes(w))) return -1;
  if (item.families.length && !item.families.includes(f.family)) return -1;
  const kindRank = KIND_PREFERENCE[f.finding].indexOf(item.kind);
  let s = 10 - (kindRank < 0 ? 8 : kindRank);
  if (f.workload && (item.workloads as string[]).includes(f.workload))
    s += 6; // made for the weak workload
  else if (item.workloads.length) s += 3; // made for the product's workloads
  if (item.families.includes(f.family)) s += 1;
  return s;
}

export function matchContent(
  findings: readonly FindingForMatch[],
  items: readonly ContentItem[],
  options: { max: number; recentlySuggested: ReadonlySet<string> },
): Suggestion[] {
  const out: Suggestion[] = [];
  const taken = new Set(options.recentlySuggested);
  const ordered = [...findings].sort(
    (a, b) => FINDING_PRIORITY.indexOf(a.finding) - FINDING_PRIORITY.indexOf(b.finding),
  );
  // One item per finding first, then more for the same findings while room remains.
  for (let round = 0; round < 3 && out.length < options.max; round++) {
    for (const f of ordered) {
      if (out.length >= options.max) break;
      const best = items
        .filter((i) => !taken.has(i.id))
        .map((item) => ({ item, s: score(item, f) }))
        .filter((x) => x.s >= 0)
        .sort((a, b) => b.s - a.s || a.item.id.localeCompare(b.item.id))[0];
      if (!best) continue;
      taken.add(best.item.id);
      out.push({ item: best.item, finding: f.finding, skuId: f.skuId });
    }
  }
  return out;
}
