// Covers src/digest/match.ts, src/config/load.ts, jobs/digest.ts. Issue #18, "content that fits": every finding kind ×
// workload and every Copilot app has specific content; the matching prefers the most specific fit; a week's suggestions
// are spread (no item to more than a third of the flagged customers); every catalogue item can be suggested; and the
// same holds for the demo's digests.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../jobs/demo.js';
import { sendDigests } from '../jobs/digest.js';
import { loadCatalog, loadConfig, loadContentCatalog } from '../src/config/load.js';
import {
  COPILOT_APPS,
  COPILOT_FAMILY,
  PROBLEMS,
  workloads as ALL_WORKLOADS,
  type ContentItem,
  type Problem,
} from '../src/config/schema.js';
import { matchContent, weeklyCap, type FindingForMatch } from '../src/digest/match.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { tempDir, testContext } from './helpers/context.js';

const config = loadConfig();
const items = loadContentCatalog(config).items;
const products = loadCatalog(config).products;

const SUITE = ['exchange', 'sharepoint', 'teams', 'skype', 'yammer'];
const APPS_PRODUCT = ['sharepoint', 'office_apps'];
// The workloads a finding can name (skype is retired and never a finding).
const WORKLOADS = [
  'exchange',
  'sharepoint',
  'teams',
  'yammer',
  'office_apps',
  'dynamics',
  'copilot',
] as const;
const isApp = (w: string | null): w is string =>
  w !== null && (COPILOT_APPS as readonly string[]).includes(w);
const familyOf = (w: string): string =>
  w === 'dynamics'
    ? 'Dynamics 365'
    : w === 'copilot'
      ? COPILOT_FAMILY
      : w === 'exchange'
        ? 'Office 365'
        : 'Microsoft 365';

/**
 * The test's own reading of "fits" (not the matcher's): the item answers the problem, and whatever it names (apps,
 * workloads, families) includes the finding's. Copilot readiness is answered by Copilot content only.
 */
function fits(item: ContentItem, f: FindingForMatch): boolean {
  if (!item.problems.includes(f.finding)) return false;
  if (item.families.length && !item.families.includes(f.family)) return false;
  const app = isApp(f.workload) ? f.workload : null;
  if (item.apps.length && (!app || !(item.apps as string[]).includes(app))) return false;
  const wanted =
    f.finding === 'copilot_readiness' || app
      ? ['copilot']
      : f.workload
        ? [f.workload]
        : f.family === COPILOT_FAMILY
          ? ['copilot']
          : f.productWorkloads.filter((w) => w !== 'skype');
  if (item.workloads.length && !item.workloads.some((w: string) => wanted.includes(w))) return false;
  if (f.finding === 'copilot_readiness' && !item.workloads.includes('copilot')) return false;
  return true;
}

/** How specific the item is for the finding, the test's way: 3 app, 2 workload, 1 family, 0 generic. */
function level(item: ContentItem, f: FindingForMatch): number {
  if (isApp(f.workload) && (item.apps as string[]).includes(f.workload)) return 3;
  const target = f.finding === 'copilot_readiness' || isApp(f.workload) ? 'copilot' : f.workload;
  if (target && (item.workloads as string[]).includes(target)) return 2;
  const live = f.productWorkloads.filter((w) => w !== 'skype');
  if (!target && live.length && live.every((w) => (item.workloads as string[]).includes(w))) return 2;
  if (item.families.includes(f.family)) return 1;
  return 0;
}

/** Every item that fits, best first (one finding answers at most three times per call, so ask with many copies). */
const ranked = (f: FindingForMatch) =>
  matchContent(
    Array.from({ length: 40 }, () => f),
    items,
    { max: 100, recentlySuggested: new Set() },
  );

const finding = (
  p: Problem,
  workload: string | null,
  productWorkloads: string[],
  family: string,
): FindingForMatch => ({ finding: p, workload, productWorkloads, family, skuId: 'sku' });

/** Every problem × workload, every Copilot app, and Copilot readiness on the Microsoft 365 families. */
function combinations(): { name: string; f: FindingForMatch; specific: (i: ContentItem) => boolean }[] {
  const out: ReturnType<typeof combinations> = [];
  for (const p of PROBLEMS.filter((x) => x !== 'copilot_readiness')) {
    for (const w of WORKLOADS) {
      if (p === 'weak_workload' && w === 'copilot') continue; // a Copilot product's weak "workload" is an app: below
      const pw =
        p !== 'weak_workload'
          ? [w]
          : w === 'office_apps'
            ? APPS_PRODUCT
            : w === 'dynamics'
              ? ['dynamics']
              : SUITE;
      out.push({
        name: `${p} × ${w}`,
        f: finding(p, p === 'weak_workload' ? w : null, pw, familyOf(w)),
        specific: (i) => (i.workloads as string[]).includes(w),
      });
    }
  }
  for (const a of COPILOT_APPS)
    out.push({
      name: `weak_workload × ${a}`,
      f: finding('weak_workload', a, ['copilot'], COPILOT_FAMILY),
      specific: (i) => (i.apps as string[]).includes(a),
    });
  for (const family of ['Microsoft 365', 'Office 365'])
    out.push({
      name: `copilot_readiness × ${family}`,
      f: finding('copilot_readiness', null, SUITE, family),
      specific: (i) => i.workloads.includes('copilot'),
    });
  return out;
}

describe('the catalogue covers every finding with specific content', () => {
  it('gives every problem × workload and every Copilot app an item that fits and is made for it', () => {
    const all = combinations();
    expect(all.length).toBe(8 * 7 - 1 + COPILOT_APPS.length + 2);
    const misses: string[] = [];
    for (const { name, f, specific } of all) {
      const [s] = matchContent([f], items, { max: 1, recentlySuggested: new Set() });
      if (!s || !fits(s.item, f) || !specific(s.item)) misses.push(`${name}: ${s?.item.id ?? 'nothing'}`);
    }
    expect(misses).toEqual([]);
  });

  it('answers each finding of a Microsoft 365 suite with content for the suite, never a single workload first', () => {
    for (const family of ['Microsoft 365', 'Office 365'])
      for (const p of PROBLEMS.filter((x) => x !== 'copilot_readiness' && x !== 'weak_workload')) {
        const f = finding(p, null, SUITE, family);
        const [s] = matchContent([f], items, { max: 1, recentlySuggested: new Set() });
        expect(s, `${p} on ${family}`).toBeDefined();
        expect(fits(s!.item, f), `${p} on ${family}: ${s!.item.id}`).toBe(true);
        expect(level(s!.item, f), `${p} on ${family}: ${s!.item.id}`).toBeGreaterThanOrEqual(1);
      }
  });

  it('answers Copilot readiness only with Copilot content (adoption, scenarios, prompts, Learn paths)', () => {
    const f = finding('copilot_readiness', null, SUITE, 'Microsoft 365');
    const all = ranked(f);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const s of all) expect(s.item.workloads, s.item.id).toContain('copilot');
    const urls = all.map((s) => s.item.url.en).join(' ');
    for (const site of ['adoption.microsoft.com', 'learn.microsoft.com/en-us/training/'])
      expect(urls).toContain(site);
  });

  it('has every item in both locales, and the Chinese edition of a Microsoft page where there is one', () => {
    for (const i of items) {
      expect(i.title['zh-CN'], i.id).toMatch(/[\u4e00-\u9fff]/);
      for (const host of ['learn.microsoft.com', 'support.microsoft.com', 'adoption.microsoft.com'])
        if (i.url.en.includes(`${host}/en-us/`)) expect(i.url['zh-CN'], i.id).toContain(`${host}/zh-cn/`);
    }
    const copilot = items.filter((i) => i.workloads.includes('copilot') || i.apps.length);
    expect(copilot.length).toBeGreaterThanOrEqual(20);
  });
});

describe('the most specific fit wins', () => {
  const item = (id: string, extra: Partial<ContentItem>): ContentItem => ({
    id,
    kind: 'tutorial',
    title: { en: id, 'zh-CN': id },
    url: { en: `https://example.com/${id}`, 'zh-CN': `https://example.com/${id}` },
    problems: ['weak_workload', 'low_usage'],
    workloads: [],
    apps: [],
    families: [],
    ...extra,
  });
  // The generic item has the kind Next steps prefers most, and the app item the least: specificity still wins.
  const synthetic = [
    item('generic', { kind: 'tutorial' }),
    item('family', { kind: 'video', families: [COPILOT_FAMILY] }),
    item('workload', { kind: 'training', workloads: ['copilot'] }),
    item('app', { kind: 'self_service', apps: ['copilot_word'] }),
    item('other-app', { kind: 'tutorial', apps: ['copilot_excel'] }),
  ];

  it('prefers an app match to a workload match to a product family match to a generic item', () => {
    const f = finding('weak_workload', 'copilot_word', ['copilot'], COPILOT_FAMILY);
    const picks = matchContent([f], synthetic, { max: 5, recentlySuggested: new Set() });
    expect(picks.map((s) => s.item.id)).toEqual(['app', 'workload', 'family']); // then one per round: 3 rounds
    const more = matchContent([f, f], synthetic, { max: 5, recentlySuggested: new Set() });
    expect(more.map((s) => s.item.id)).toEqual(['app', 'workload', 'family', 'generic']);
  });

  it('prefers a workload match to a family match for a product, and the kinds of Next steps within a level', () => {
    const f = finding('low_usage', null, ['copilot'], COPILOT_FAMILY);
    const picks = matchContent([f, f], synthetic, { max: 4, recentlySuggested: new Set() });
    expect(picks.map((s) => s.item.id)).toEqual(['workload', 'family', 'generic']); // no app item for no app
    const twoKinds = [item('b-tutorial', { kind: 'tutorial' }), item('a-training', { kind: 'training' })];
    const [first] = matchContent([f], twoKinds, { max: 1, recentlySuggested: new Set() });
    expect(first!.item.id).toBe('b-tutorial'); // low usage: tutorial before training (Next steps), not by id
  });

  it('never suggests a Teams item for an Exchange finding, nor Exchange content for a Teams one', () => {
    const exchangeFindings = [
      ...PROBLEMS.map((p) => finding(p, null, ['exchange'], 'Office 365')),
      finding('weak_workload', 'exchange', SUITE, 'Microsoft 365'),
    ];
    for (const f of exchangeFindings) {
      const all = ranked(f);
      for (const s of all) {
        const teamsOnly = s.item.workloads.includes('teams') && !s.item.workloads.includes('exchange');
        expect(teamsOnly, `${f.finding}: ${s.item.id}`).toBe(false);
      }
    }
    const teams = ranked(finding('weak_workload', 'teams', SUITE, 'Microsoft 365'));
    expect(teams.length).toBeGreaterThan(3);
    for (const s of teams) expect(s.item.workloads, s.item.id).not.toContain('exchange');
  });

  it('never offers an app item for another app, nor a Dynamics item for a Microsoft 365 product', () => {
    for (const a of COPILOT_APPS) {
      const all = ranked(finding('weak_workload', a, ['copilot'], COPILOT_FAMILY));
      expect(all.length).toBeGreaterThan(3);
      for (const s of all) if (s.item.apps.length) expect(s.item.apps, s.item.id).toContain(a);
    }
    for (const p of PROBLEMS) {
      const all = ranked(finding(p, null, SUITE, 'Microsoft 365'));
      for (const s of all) expect(s.item.families, s.item.id).not.toContain('Dynamics 365');
    }
  });
});

/** A week of customers matched one after another, with the week's counts shared as the digest job shares them. */
function week(perCustomer: FindingForMatch[], customers: number, max: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let c = 0; c < customers; c++) {
    const picks = matchContent(perCustomer, items, {
      max,
      recentlySuggested: new Set(),
      weekCounts: counts,
      flaggedCustomers: customers,
    });
    expect(picks.length, `customer ${c}`).toBeGreaterThan(0);
    for (const p of picks) counts.set(p.item.id, (counts.get(p.item.id) ?? 0) + 1);
  }
  return counts;
}

describe('a week of suggestions is spread', () => {
  it('caps an item at a third of the flagged customers, at least one', () => {
    expect(weeklyCap(9)).toBe(3);
    expect(weeklyCap(11)).toBe(3);
    expect(weeklyCap(2)).toBe(1);
  });

  it('suggests no item to more than a third of 9 customers who all have the same finding, for every finding', () => {
    const over: string[] = [];
    for (const { name, f } of combinations()) {
      const counts = week([f], 9, 1);
      for (const [id, n] of counts) if (n > 3) over.push(`${name}: ${id} × ${n}`);
    }
    expect(over).toEqual([]);
  });

  it('spreads a realistic week too: 12 customers with a weak Viva Engage and many how-to tickets, 3 items each', () => {
    const counts = week(
      [
        finding('weak_workload', 'yammer', SUITE, 'Microsoft 365'),
        finding('high_how_to', null, SUITE, 'Microsoft 365'),
      ],
      12,
      3,
    );
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(36);
    for (const [id, n] of counts) expect(n, id).toBeLessThanOrEqual(4);
  });

  it('goes over the cap only when no other fitting item is left', () => {
    const f = finding('weak_workload', 'copilot_loop', ['copilot'], COPILOT_FAMILY);
    const fitting = items.filter((i) => fits(i, f));
    const counts = new Map(fitting.map((i) => [i.id, 3]));
    const spare = fitting.find((i) => i.apps.length === 0)!;
    counts.set(spare.id, 2); // the one item under the cap, though less specific than the Loop item
    const [s] = matchContent([f], items, {
      max: 1,
      recentlySuggested: new Set(),
      weekCounts: counts,
      flaggedCustomers: 9,
    });
    expect(s!.item.id).toBe(spare.id);
    counts.set(spare.id, 3);
    const [again] = matchContent([f], items, {
      max: 1,
      recentlySuggested: new Set(),
      weekCounts: counts,
      flaggedCustomers: 9,
    });
    expect(again!.item.apps).toContain('copilot_loop'); // all at the cap: the most specific again
  });
});

describe('every catalogue item can be suggested', () => {
  it('is picked first for some finding, in a week of customers who share it', () => {
    const findings: FindingForMatch[] = [];
    for (const p of PROBLEMS) {
      for (const prod of products)
        for (const family of new Set([prod.family, 'Microsoft 365', 'Office 365']))
          findings.push(finding(p, null, prod.workloads, family));
      for (const w of WORKLOADS) {
        findings.push(finding(p, null, [w], familyOf(w)));
        if (w !== 'copilot') findings.push(finding(p, w, SUITE, familyOf(w)));
      }
      for (const a of COPILOT_APPS) findings.push(finding(p, a, ['copilot'], COPILOT_FAMILY));
    }
    const first = new Set<string>();
    for (const f of findings) {
      const counts = new Map<string, number>();
      for (let c = 0; c < 12; c++) {
        const [s] = matchContent([f], items, {
          max: 1,
          recentlySuggested: new Set(),
          weekCounts: counts,
          flaggedCustomers: 12,
        });
        if (!s) break;
        expect(fits(s.item, f), `${f.finding}/${f.workload}: ${s.item.id}`).toBe(true);
        first.add(s.item.id);
        counts.set(s.item.id, (counts.get(s.item.id) ?? 0) + 1);
      }
    }
    expect(items.filter((i) => !first.has(i.id)).map((i) => i.id)).toEqual([]);
    expect(ALL_WORKLOADS).toContain('copilot');
  });
});

describe('the demo', () => {
  let dir: string;
  let cleanup: () => void;
  let warehouse: string;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    ({ warehouse } = await runDemo({
      outDir: path.join(dir, 'demo'),
      size: { customers: 40, owners: 3, drops: 10, usersPerCustomer: 10 },
    }));
  }, 120_000);
  afterAll(() => cleanup?.());

  it("fits every suggestion of the last week to its finding's problem and workload, and spreads them", async () => {
    const wh = await Warehouse.open(warehouse);
    try {
      const [last] = await wh.all(`SELECT max(week_ending)::VARCHAR AS week FROM suggestions`);
      const week = String(last!.week);
      const suggestions = await wh.all(
        `SELECT customer_id, item_id, finding, sku_id FROM suggestions WHERE week_ending = $week::DATE`,
        { week },
      );
      const findings = await wh.all(
        `SELECT f.customer_id, f.sku_id, f.finding, f.workload, p.family, p.wl_exchange, p.wl_sharepoint, p.wl_teams,
           p.wl_skype, p.wl_yammer, p.wl_office_apps, p.wl_dynamics
         FROM findings f JOIN catalog_products p USING (sku_id) WHERE f.week_ending = $week::DATE`,
        { week },
      );
      const customers = new Set(suggestions.map((s) => String(s.customer_id)));
      expect(customers.size).toBeGreaterThanOrEqual(6);
      const byId = new Map(items.map((i) => [i.id, i]));
      for (const s of suggestions) {
        const item = byId.get(String(s.item_id));
        expect(item, String(s.item_id)).toBeDefined();
        const theirs = findings
          .filter((f) => f.customer_id === s.customer_id && f.sku_id === s.sku_id && f.finding === s.finding)
          .map((f) =>
            finding(
              f.finding as Problem,
              (f.workload as string | null) ?? null,
              ['exchange', 'sharepoint', 'teams', 'skype', 'yammer', 'office_apps', 'dynamics'].filter(
                (w) => f[`wl_${w}`] === true,
              ),
              String(f.family),
            ),
          );
        expect(theirs.length, `${String(s.item_id)} for ${String(s.finding)}`).toBeGreaterThan(0);
        expect(
          theirs.some((f) => fits(item!, f)),
          `${String(s.item_id)} for ${String(s.finding)}`,
        ).toBe(true);
      }
      // No item to more than a third of the customers content was suggested to (at most the flagged ones).
      const perItem = new Map<string, Set<string>>();
      for (const s of suggestions) {
        const set = perItem.get(String(s.item_id)) ?? new Set<string>();
        set.add(String(s.customer_id));
        perItem.set(String(s.item_id), set);
      }
      for (const [id, set] of perItem) expect(set.size, id).toBeLessThanOrEqual(customers.size / 3);
    } finally {
      wh.close();
    }
  });

  it("keeps the cap when each account manager's digest is made alone, counting the suggestions already made", async () => {
    const ctx = await testContext(path.join(dir, 'demo'));
    try {
      const [last] = await ctx.wh.all(`SELECT max(week_ending)::VARCHAR AS week FROM suggestions`);
      const week = String(last!.week);
      const owners = await ctx.wh.all(
        `SELECT DISTINCT c.owner_email AS owner FROM suggestions s
         JOIN adoption_customer_weekly c ON c.customer_id = s.customer_id AND c.week_ending = s.week_ending
         WHERE s.week_ending = $week::DATE ORDER BY 1`,
        { week },
      );
      expect(owners.length).toBeGreaterThanOrEqual(2);
      const [before] = await ctx.wh.all(
        `SELECT count(DISTINCT customer_id)::INTEGER AS n FROM suggestions WHERE week_ending = $week::DATE`,
        { week },
      );
      // The week again from nothing, one account manager per run: each run reads what the earlier ones suggested.
      await ctx.wh.run(`DELETE FROM suggestions WHERE week_ending = $week::DATE`, { week });
      for (const o of owners)
        await sendDigests(ctx, {
          trigger: 'manual',
          asOf: week,
          owner: String(o.owner),
          outDir: path.join(dir, 'preview'),
        });
      const perItem = await ctx.wh.all(
        `SELECT item_id, count(DISTINCT customer_id)::INTEGER AS n FROM suggestions WHERE week_ending = $week::DATE
         GROUP BY item_id`,
        { week },
      );
      const [after] = await ctx.wh.all(
        `SELECT count(DISTINCT customer_id)::INTEGER AS n FROM suggestions WHERE week_ending = $week::DATE`,
        { week },
      );
      expect(after!.n).toBe(before!.n);
      for (const r of perItem) expect(r.n, String(r.item_id)).toBeLessThanOrEqual(Number(after!.n) / 3);
    } finally {
      ctx.wh.close();
    }
  });
});
