// Covers src/digest/match.ts, src/digest/view.ts, src/render/email.ts, src/config/load.ts. The starter content
// catalogue (both locales, every problem and kind), matching content to findings within the cool-down, and the locale
// formatters of the digest.
import { describe, expect, it } from 'vitest';
import { loadConfig, loadContentCatalog } from '../src/config/load.js';
import { CONTENT_KINDS, PROBLEMS } from '../src/config/schema.js';
import { matchContent, type FindingForMatch } from '../src/digest/match.js';
import { fill } from '../src/render/email.js';
import { formatters } from '../src/digest/view.js';

const items = loadContentCatalog(loadConfig()).items;
const f = (
  finding: FindingForMatch['finding'],
  workload: string | null = null,
  family = 'Microsoft 365',
): FindingForMatch => ({
  finding,
  workload,
  productWorkloads: ['exchange', 'sharepoint', 'teams', 'skype', 'yammer'],
  family,
  skuId: 'sku',
});

describe('content catalogue', () => {
  it('is a real starter catalogue: at least 30 items in both locales, covering every problem and kind', () => {
    expect(items.length).toBeGreaterThanOrEqual(30);
    for (const p of PROBLEMS)
      expect(
        items.some((i) => i.problems.includes(p)),
        p,
      ).toBe(true);
    for (const k of CONTENT_KINDS)
      expect(
        items.some((i) => i.kind === k),
        k,
      ).toBe(true);
    for (const i of items) expect(i.url['zh-CN']).toMatch(/^https:\/\//);
  });
});

describe('matching content to findings', () => {
  it('answers a weak workload with content made for that workload', () => {
    const [s] = matchContent([f('weak_workload', 'teams')], items, { max: 1, recentlySuggested: new Set() });
    expect(s!.item.workloads).toContain('teams');
  });

  it('answers how-to tickets with training or self-service, and low adoption with stories first (Next steps)', () => {
    const howTo = matchContent([f('high_how_to')], items, { max: 2, recentlySuggested: new Set() });
    expect(howTo.length).toBeGreaterThan(0);
    expect(howTo.every((s) => ['training', 'self_service'].includes(s.item.kind))).toBe(true);
    // Issue #18: the licence-assignment guide, made for every workload of the product, is the most specific answer to
    // low deployment; among the family-wide items after it, stories come first.
    const low = matchContent([f('low_deployment')], items, { max: 2, recentlySuggested: new Set() });
    expect(low).toHaveLength(2);
    expect(low[0]!.item.workloads).toEqual(
      expect.arrayContaining(['exchange', 'sharepoint', 'teams', 'yammer']),
    );
    expect(low[0]!.item.url.en).toMatch(/assign-licenses/);
    expect(['case_study', 'testimonial']).toContain(low[1]!.item.kind);
  });

  it('suggests at most N items, each once, and none suggested within the cool-down', () => {
    const all = matchContent([f('low_usage'), f('high_how_to'), f('weak_workload', 'sharepoint')], items, {
      max: 3,
      recentlySuggested: new Set(),
    });
    expect(all).toHaveLength(3);
    expect(new Set(all.map((s) => s.item.id)).size).toBe(3);
    const next = matchContent([f('low_usage'), f('high_how_to'), f('weak_workload', 'sharepoint')], items, {
      max: 3,
      recentlySuggested: new Set(all.map((s) => s.item.id)),
    });
    expect(next.length).toBeGreaterThan(0);
    expect(next.some((s) => all.some((a) => a.item.id === s.item.id))).toBe(false);
  });

  it('never suggests Dynamics content for an Office product', () => {
    const s = matchContent([f('high_how_to', null, 'Office 365')], items, {
      max: 5,
      recentlySuggested: new Set(),
    });
    expect(s.length).toBeGreaterThan(0);
    expect(s.some((x) => x.item.workloads.includes('dynamics'))).toBe(false);
  });
});

describe('locale formatting', () => {
  it('formats percentages, points and dates for each locale', () => {
    const en = formatters('en', { points: '{n} pts' });
    expect(en.pct(0.4567)).toBe('45.7%');
    expect(en.points(0.123)).toBe('+12.3 pts');
    expect(en.points(-0.05)).toBe('−5 pts');
    expect(en.date('2026-11-23')).toBe('Nov 23, 2026');
    const zh = formatters('zh-CN', { points: '{n} 个百分点' });
    expect(zh.date('2026-11-23')).toBe('2026年11月23日');
    expect(zh.points(0.1)).toBe('+10 个百分点');
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
