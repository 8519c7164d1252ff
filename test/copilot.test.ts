// Covers src/ingest/sources/copilotReports.ts, queries/metrics/adoption_daily.sql,
// queries/metrics/adoption_workload_daily.sql, jobs/ingest.ts. Microsoft 365 Copilot (DESIGN.md §1.6), through ingest
// into adoption_daily and adoption_workload_daily, on hand-worked values: holders from Assigned Products; active from
// the Copilot report's dates in the 28 days ending at that report's own refresh date (it lags the Office report); the
// v1 and v2 layouts; a holder missing from the report; concealed names matched across the two reports; a Copilot SKU
// without a Copilot report: not measurable.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, type IngestSummary } from '../jobs/ingest.js';
import { sendDigests } from '../jobs/digest.js';
import { computeFindings } from '../src/digest/read.js';
import { readFileSync, readdirSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { buildReport } from '../jobs/report.js';
import ExcelJS from 'exceljs';
import { rowsOf } from './helpers/sheets.js';
import type { JobContext } from '../src/context.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { tempDir, testContext } from './helpers/context.js';
import {
  C,
  COPILOT,
  COPILOT_AS_OF,
  COPILOT_DATE,
  copilotDrop,
  E3,
  OFFICE_AS_OF,
} from './helpers/copilotDrop.js';

let ctx: JobContext;
let cleanup: () => void;
let summary: IngestSummary;
let dir: string;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  dir = t.dir;
  writeDrop(path.join(t.dir, 'exports', COPILOT_DATE), copilotDrop());
  ctx = await testContext(t.dir);
  summary = await ingest(ctx, { asOf: COPILOT_DATE, trigger: 'manual' });
});
afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

const daily = async (customer: string, sku = COPILOT) => {
  const [row] = await ctx.wh.all(
    `SELECT as_of_date, usage_basis, licenses_sold, licenses_assigned, entitlements, active_entitlements, usage_pct,
       inactive, unassigned
     FROM adoption_daily WHERE snapshot_date = $d::DATE AND customer_id = $c AND sku_id = $s`,
    { d: COPILOT_DATE, c: customer, s: sku },
  );
  return row;
};
const apps = (customer: string) =>
  ctx.wh.all(
    `SELECT workload, licenses_qualified, licenses_active FROM adoption_workload_daily
     WHERE snapshot_date = $d::DATE AND customer_id = $c AND sku_id = $s ORDER BY workload`,
    { d: COPILOT_DATE, c: customer, s: COPILOT },
  );

describe('Copilot in adoption_daily', () => {
  it('reads both layouts by header name, with Report Period anywhere, and loads every report', () => {
    const copilotFiles = [...summary.issues].filter((i) => i.file?.endsWith('copilotUsageUserDetail.csv'));
    expect(copilotFiles.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('counts a holder active from the Copilot report, in the 28 days ending at its own as-of date (v1)', async () => {
    // h1 (the window's first day) and h5 are active; h2 (the day before), h3 (after the Copilot as-of) and h4
    // (missing from the report) are not.
    expect(await daily(C.v1)).toEqual({
      as_of_date: COPILOT_AS_OF,
      usage_basis: 'any_workload',
      licenses_sold: 6,
      licenses_assigned: 5,
      entitlements: 5,
      active_entitlements: 2,
      usage_pct: 0.4,
      inactive: 3,
      unassigned: 1,
    });
  });

  it('leaves the other products of the same users to the Office report', async () => {
    expect(await daily(C.v1, E3)).toMatchObject({
      as_of_date: OFFICE_AS_OF,
      active_entitlements: 5,
      usage_pct: 1,
    });
  });

  it('matches concealed names across the two reports and reads the v2 apps', async () => {
    expect(await daily(C.v2)).toMatchObject({
      licenses_assigned: 3,
      active_entitlements: 2,
      inactive: 1,
      usage_basis: 'any_workload',
    });
  });

  it('has no usage for a Copilot product whose tenant has no Copilot report: not measurable, not 0', async () => {
    expect(await daily(C.noReport)).toMatchObject({
      usage_basis: 'not_measurable',
      active_entitlements: null,
      usage_pct: null,
      inactive: null,
      licenses_assigned: 1,
    });
    const [issue] = await ctx.wh.all(
      `SELECT code FROM load_issues WHERE snapshot_date = $d::DATE AND customer_id = $c AND code = 'usage_not_measurable'`,
      { d: COPILOT_DATE, c: C.noReport },
    );
    expect(issue).toEqual({ code: 'usage_not_measurable' });
  });
});

describe('Copilot apps in adoption_workload_daily', () => {
  it('has a row per app of a v1 report, and the v2 apps only where the report has them', async () => {
    expect(await apps(C.v1)).toEqual([
      { workload: 'copilot', licenses_qualified: 5, licenses_active: 2 },
      { workload: 'copilot_chat', licenses_qualified: 5, licenses_active: 1 },
      { workload: 'copilot_excel', licenses_qualified: 5, licenses_active: 0 }, // h2's use fell before the window
      { workload: 'copilot_loop', licenses_qualified: 5, licenses_active: 0 },
      { workload: 'copilot_onenote', licenses_qualified: 5, licenses_active: 0 },
      { workload: 'copilot_outlook', licenses_qualified: 5, licenses_active: 0 },
      { workload: 'copilot_powerpoint', licenses_qualified: 5, licenses_active: 0 },
      { workload: 'copilot_teams', licenses_qualified: 5, licenses_active: 1 },
      { workload: 'copilot_word', licenses_qualified: 5, licenses_active: 1 },
    ]);
    const v2 = await apps(C.v2);
    expect(v2).toHaveLength(14);
    expect(v2.filter((a) => Number(a.licenses_active) > 0)).toEqual([
      { workload: 'copilot', licenses_qualified: 3, licenses_active: 2 },
      { workload: 'copilot_agent', licenses_qualified: 3, licenses_active: 1 },
      { workload: 'copilot_chat_work', licenses_qualified: 3, licenses_active: 1 },
      { workload: 'copilot_m365_app', licenses_qualified: 3, licenses_active: 1 },
    ]);
  });

  it('lists the Copilot holders with no Copilot activity as inactive users', async () => {
    const rows = await ctx.wh.all(
      `SELECT user_key FROM user_license_activity
       WHERE snapshot_date = $d::DATE AND customer_id = $c AND sku_id = $s AND NOT active ORDER BY user_key`,
      { d: COPILOT_DATE, c: C.v1, s: COPILOT },
    );
    expect(rows.map((r) => r.user_key)).toEqual(['h2@one.example', 'h3@one.example', 'h4@one.example']);
  });
});

describe('Copilot findings', () => {
  it('names low Copilot usage, seats not assigned, the weakest app, and a customer ready for Copilot', async () => {
    const week = COPILOT_DATE; // a Monday: weeks end on Mondays
    await computeFindings(ctx, week);
    const rows = await ctx.wh.all(
      `SELECT customer_id, sku_id, finding, workload, value, threshold FROM findings WHERE week_ending = $w::DATE
       ORDER BY customer_id, sku_id, finding`,
      { w: week },
    );
    const name = Object.fromEntries(Object.entries(C).map(([k, v]) => [v, k]));
    const shown = rows.map((r) => [
      name[String(r.customer_id)],
      r.sku_id === COPILOT ? 'copilot' : 'e3',
      r.finding,
      r.workload,
      Math.round(Number(r.value) * 1000) / 1000,
      r.threshold,
    ]);
    expect(shown).toEqual([
      ['v1', 'e3', 'upsell', null, 1, 0.8],
      ['v1', 'e3', 'weak_workload', 'sharepoint', 0, 0.3], // the E3 holders use Exchange only
      ['v1', 'copilot', 'low_deployment', null, 0.833, 0.9], // 5 of 6 seats assigned, against 90% for Copilot
      ['v1', 'copilot', 'low_usage', null, 0.4, 0.5], // 2 of 5 holders active
      // v2: three apps at 1 of 3, the rest at 0: the first of those, 33 points behind, is the weakest
      ['v2', 'copilot', 'weak_workload', 'copilot_chat', 0, 0.3],
      ['noReport', 'e3', 'upsell', null, 1, 0.8], // has Copilot (unmeasured): not "ready" for it
      ['noReport', 'e3', 'weak_workload', 'sharepoint', 0, 0.3],
      ['none', 'e3', 'copilot_readiness', null, 1, 0.85], // 10 seats of E3, all used, no Copilot
      ['none', 'e3', 'upsell', null, 1, 0.8],
      ['none', 'e3', 'weak_workload', 'exchange', 0, 0.3],
    ]);
  });
});

describe('the Copilot sheet', () => {
  it('shows each customer’s Copilot seats, usage and apps, the weakest app named, and "not measurable" without a report', async () => {
    const file = (
      await buildReport(ctx, { asOf: COPILOT_DATE, trigger: 'manual', outDir: path.join(dir, 'out') })
    ).file;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('Copilot')!;
    const rows = rowsOf(ws, 4); // two notes, the block's title, then its header
    expect(rows.map((r) => r['Customer']!.value)).toEqual([
      'Copilot One Ltd',
      'Copilot Two Ltd',
      'No Report Ltd',
    ]);
    const [one, two, none] = rows;
    expect(one!['Seats sold']!.value).toBe(6);
    expect(one!['Assigned']!.value).toBe(5);
    expect(one!['Active']!.value).toBe(2);
    expect(one!['Usage %']!.value).toBe(0.4);
    expect(one!['Word']!.value).toBe(0.2);
    expect(one!['Excel']!.value).toBe(0);
    expect(one!['Copilot Chat (work)']!.value).toBeNull(); // a v1 report has no such column
    expect(one!['Weakest app']!.value).toBe('Excel');
    expect(two!['Copilot Chat (work)']!.value).toBeCloseTo(1 / 3, 12);
    expect(two!['Weakest app']!.value).toBe('Copilot Chat');
    expect(none!['Usage %']!.value).toBe('not measurable');
    expect(none!['Weakest app']!.value).toBeNull(); // no app rows without a report
    const trend = rowsOf(ws, 4 + rows.length + 3);
    expect(trend).toHaveLength(1);
    expect(trend[0]!['Seats sold']!.value).toBe(10); // 6 + 3 + 1
    expect(trend[0]!['Active']!.value).toBe(4); // 2 + 2; the unmeasured customer counts in no usage
    expect(trend[0]!['Usage %']!.value).toBe(0.5); // 4 of the 8 measured holders
  });
});

describe('the digest', () => {
  it('has a Copilot section: the owner’s seats and usage, and the customers whose Copilot needs attention', async () => {
    const out = path.join(dir, 'preview');
    await sendDigests(ctx, { asOf: COPILOT_DATE, trigger: 'manual', outDir: out });
    const files = readdirSync(out).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const text = (await simpleParser(readFileSync(path.join(out, files[0]!)))).text ?? '';
    const start = text.indexOf('Microsoft 365 Copilot\n');
    expect(start).toBeGreaterThanOrEqual(0);
    const section = text.slice(start, text.indexOf('Ready for more', start));
    expect(section).toMatch(/^Microsoft 365 Copilot\n {2}10 seats, 9 assigned, 4 active: usage 50\.0%\n/);
    expect(section).toContain('No Copilot figures last week to compare with.');
    expect(section).toContain(
      '* Copilot One Ltd: usage 40.0% (2 of 5 assigned seats active); 1 of 6 seats not assigned',
    );
    expect(section).toContain('* Copilot Two Ltd: nobody or few use Copilot in Copilot Chat');
    expect(section).not.toContain('No Report Ltd');
    expect(section).toContain(
      'Ready for Copilot (high Microsoft 365 usage, no Copilot yet)\n  * No Copilot Ltd: Microsoft 365 usage 100.0%',
    );
  });
});
