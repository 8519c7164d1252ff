// Covers src/digest/plan.ts. src/digest/plan.ts without a warehouse: rows, the content catalogue and the suggestion
// history in; one recipient's digest data, the new suggestion rows and the week's counts out.
import { describe, expect, it } from 'vitest';
import type { ContentItem } from '../src/config/schema.js';
import { CHART_CID, planDigest, readyForCopilot, type PlanInput } from '../src/digest/plan.js';
import type { Row } from '../src/warehouse/warehouse.js';

const WEEK = '2026-11-23';

const item = (id: string, problems: ContentItem['problems']): ContentItem => ({
  id,
  kind: 'video',
  title: { en: `Title ${id}`, 'zh-CN': `标题 ${id}` },
  url: { en: `https://example.com/en/${id}`, 'zh-CN': `https://example.com/zh/${id}` },
  problems,
  workloads: [],
  apps: [],
  families: [],
});
const ITEMS = [item('alpha', ['low_usage']), item('beta', ['low_usage']), item('gamma', ['low_deployment'])];

const customer = (n: number, extra: Row = {}): Row => ({
  customer_id: `c${n}`,
  customer_name: `Customer ${n}`,
  unused: 100 - n,
  usage_pct: 0.2,
  usage_pct_adjusted: 0.25,
  usage_pct_adjusted_change: null,
  deployment_pct: 0.5,
  ...extra,
});
const finding = (n: number, kind: string, extra: Row = {}): Row => ({
  customer_id: `c${n}`,
  customer_name: `Customer ${n}`,
  finding: kind,
  product: 'Microsoft 365 E3',
  family: 'Microsoft 365',
  sku_id: 'sku-e3',
  workload: null,
  value: 0.25,
  detail: '{}',
  wl_exchange: true,
  wl_teams: true,
  ...extra,
});

function input(
  overrides: Partial<PlanInput> & { attention?: Row[]; findings?: Row[]; history?: Row[] },
): PlanInput {
  const { attention, findings, history, ...rest } = overrides;
  return {
    week: WEEK,
    reader: {
      email: 'am@partner.example',
      name: 'Ana',
      locale: 'en',
      timeZone: 'UTC',
      cc: [],
      described: true,
    },
    partnerName: 'Partner',
    rows: {
      summary: [{ customers: 5, newest_as_of: '2026-11-22', oldest_as_of: '2026-11-21', unused: 7 }],
      attention: attention ?? [customer(1)],
      findings: findings ?? [finding(1, 'low_usage')],
      history: history ?? [],
      spend: { totals: [], customers: [], actions: [] },
    },
    items: ITEMS,
    weekPlan: { weekCounts: new Map(), flaggedCustomers: 30 },
    rules: { maxCustomers: 10, maxSuggestionsPerCustomer: 1, cooldownWeeks: 4, attachWorkbook: true },
    ...rest,
  };
}

describe('planDigest', () => {
  it('lists the first digest.maxCustomers customers needing attention and counts the rest', () => {
    const attention = Array.from({ length: 7 }, (_, i) => customer(i + 1));
    const plan = planDigest(input({ attention, rules: { ...input({}).rules, maxCustomers: 3 } }));
    expect(plan.data.attention.map((a) => a.name)).toEqual(['Customer 1', 'Customer 2', 'Customer 3']);
    expect(plan.data.attentionMore).toBe(4);
    const all = planDigest(input({ attention }));
    expect(all.data.attention).toHaveLength(7);
    expect(all.data.attentionMore).toBe(0);
  });

  it('suggests content for a customer’s findings and returns the rows to record, without touching its input', () => {
    const start = input({});
    const plan = planDigest(start);
    expect(plan.data.attention[0]!.suggestions).toEqual([
      { title: 'Title alpha', url: 'https://example.com/en/alpha', kind: 'video' },
    ]);
    expect(plan.suggestions).toEqual([
      {
        week_ending: WEEK,
        customer_id: 'c1',
        item_id: 'alpha',
        finding: 'low_usage',
        sku_id: 'sku-e3',
        usage_pct_adjusted: 0.25,
        deployment_pct: 0.5,
      },
    ]);
    expect(plan.weekPlan.weekCounts.get('alpha')).toBe(1);
    expect(start.weekPlan.weekCounts.size).toBe(0); // the caller's counts are not changed
    expect(plan.data.chartCid).toBe(CHART_CID);
    expect(plan.data.asOf).toBe('2026-11-22');
    expect(plan.data.oldestAsOf).toBe('2026-11-21');
    expect(plan.data.kpis.prev).toBeNull();
  });

  it('a re-run shows this week’s suggestions again and records nothing new', () => {
    const history = [
      { customer_id: 'c1', item_id: 'beta', days_ago: 0, weeks_ago: 0, usage_pct_adjusted: 0.25 },
    ];
    const plan = planDigest(input({ history }));
    expect(plan.data.attention[0]!.suggestions.map((s) => s.title)).toEqual(['Title beta']);
    expect(plan.suggestions).toEqual([]);
  });

  it('never suggests an item within the cool-down, and follows up on earlier suggestions', () => {
    const history = [
      { customer_id: 'c1', item_id: 'alpha', days_ago: 14, weeks_ago: 2, usage_pct_adjusted: 0.15 },
    ];
    const plan = planDigest(input({ history, reader: { ...input({}).reader, locale: 'zh-CN' } }));
    const entry = plan.data.attention[0]!;
    expect(entry.suggestions.map((s) => s.title)).toEqual(['标题 beta']);
    expect(entry.followUps).toEqual([{ title: '标题 alpha', weeksAgo: 2, change: 0.25 - 0.15 }]);
  });

  it('carries the week’s counts from one recipient to the next: no item to more than a third of the flagged', () => {
    const first = planDigest(input({ weekPlan: { weekCounts: new Map(), flaggedCustomers: 3 } }));
    const second = planDigest(
      input({
        attention: [customer(2)],
        findings: [finding(2, 'low_usage')],
        weekPlan: first.weekPlan,
      }),
    );
    expect(first.suggestions.map((s) => s.item_id)).toEqual(['alpha']);
    expect(second.suggestions.map((s) => s.item_id)).toEqual(['beta']);
    expect(second.weekPlan.weekCounts).toEqual(
      new Map([
        ['alpha', 1],
        ['beta', 1],
      ]),
    );
  });

  it('puts upsell, over-100% and Copilot readiness in their own sections, not on the attention list', () => {
    const findings = [
      finding(1, 'upsell', { usage_pct_adjusted: 0.9, deployment_pct: 0.95 }),
      finding(1, 'usage_over_100', {
        detail: JSON.stringify({ active_deleted: 2, active_over_capacity: 1, cause: 'trial' }),
      }),
      finding(2, 'copilot_readiness', { value: 0.9 }),
    ];
    const plan = planDigest(input({ findings }));
    expect(plan.data.upsell).toEqual([
      { name: 'Customer 1 (Microsoft 365 E3)', usage: 0.9, deployment: 0.95 },
    ]);
    expect(plan.data.over100).toEqual([
      {
        name: 'Customer 1',
        product: 'Microsoft 365 E3',
        counts: { deleted: 2, overCapacity: 1, cause: 'trial', yammerOnly: 0 },
      },
    ]);
    expect(plan.data.attention[0]!.findings.map((f) => f.finding)).toEqual(['usage_over_100']);
    expect(readyForCopilot(findings)).toEqual([{ name: 'Customer 2', usage: 0.9 }]);
  });
});
