// Covers jobs/ingest.ts, queries/metrics/, queries/checks/usage_basis.sql, jobs/report.ts. Precedence per customer ×
// product (DESIGN.md §1.3), through ingest, the metric tables, the workbook and the findings: a product Graph's user
// report cannot measure (Dynamics 365) keeps its user-level licence counts and takes its usage from Partner Center's
// aggregates, or has no usage at all (never 0); a product only the aggregates list for a Graph customer is kept as an
// aggregate row; every substitution or omission is a data-quality line.
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { buildReport, resolveWeek } from '../jobs/report.js';
import type { JobContext } from '../src/context.js';
import { writeDrop, type DropSpec } from '../src/demo/writeDrop.js';
import { sendDigests } from '../jobs/digest.js';
import { computeFindings } from '../src/digest/read.js';
import { readFileSync, readdirSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { PARTNER, tempDir, testContext } from './helpers/context.js';
import { rowsOf } from './helpers/sheets.js';

const DATE = '2026-11-23';
const AS_OF = '2026-11-22';
const G1 = 'd0000000-0000-4000-8000-000000000001'; // Graph; Dynamics usage from Partner Center
const G2 = 'd0000000-0000-4000-8000-000000000002'; // Graph; Dynamics measured by nobody; a product only PC lists
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const DYN = '1e1a282c-9c54-43a2-9310-98ef728faace';
const EXO1 = '4b9405b0-7788-4568-add1-99614e613b69';
const DYN_NAME = 'DYNAMICS 365 FOR SALES ENTERPRISE EDITION';

function drop(): DropSpec {
  const sub = (id: string, skuId: string, part: string, n: number) => ({
    id,
    skuId,
    skuPartNumber: part,
    status: 'Enabled' as const,
    isTrial: false,
    totalLicenses: n,
    ownerTenantId: PARTNER,
  });
  const pc = { processedDateTime: `${AS_OF}T00:00:00`, serviceCode: 'o365', channel: 'reseller' };
  return {
    customers: [
      { customer_id: G1, customer_name: 'Dyn Measured Ltd', owner_email: 'am1@partner.example' },
      { customer_id: G2, customer_name: 'Dyn Unmeasured Ltd', owner_email: 'am1@partner.example' },
    ],
    tenants: [
      {
        tenantId: G1,
        refreshDate: AS_OF,
        users: [
          { upn: 'a@g1.example', products: ['MICROSOFT 365 E3', DYN_NAME], exchange: '2026-11-20' },
          { upn: 'b@g1.example', products: ['MICROSOFT 365 E3', DYN_NAME] }, // inactive on E3
          { upn: 'c@g1.example', products: [DYN_NAME], exchange: '2026-11-20' }, // Exchange activity: not Dynamics
        ],
        subscriptions: [
          sub('e0000000-0000-4000-8000-000000000001', E3, 'SPE_E3', 4),
          sub('e0000000-0000-4000-8000-000000000002', DYN, 'DYN365_ENTERPRISE_SALES', 4),
        ],
      },
      {
        tenantId: G2,
        refreshDate: AS_OF,
        users: [
          { upn: 'x@g2.example', products: ['MICROSOFT 365 E3'], teams: '2026-11-21' },
          { upn: 'y@g2.example', products: [DYN_NAME] },
          { upn: 'z@g2.example', products: [DYN_NAME] },
        ],
        subscriptions: [
          sub('e0000000-0000-4000-8000-000000000003', E3, 'SPE_E3', 8), // low deployment: in the digest
          sub('e0000000-0000-4000-8000-000000000004', DYN, 'DYN365_ENTERPRISE_SALES', 5),
        ],
      },
    ],
    pcDeployment: [
      {
        ...pc,
        customerTenantId: G2.toUpperCase(),
        productId: EXO1.toUpperCase(),
        licensesDeployed: 4,
        licensesSold: 5,
      },
    ],
    pcUsage: [
      // Dynamics usage of G1, which Graph's report cannot give: 2 of 3 qualified active on CRM.
      {
        ...pc,
        workloadCode: 'CRM',
        workloadName: 'Dynamics',
        customerTenantId: G1.toUpperCase(),
        productId: DYN.toUpperCase(),
        licensesActive: 2,
        licensesQualified: 3,
      },
      {
        ...pc,
        workloadCode: 'EXO',
        workloadName: 'Exchange',
        customerTenantId: G2.toUpperCase(),
        productId: EXO1.toUpperCase(),
        licensesActive: 1,
        licensesQualified: 4,
      },
    ],
  };
}

let ctx: JobContext;
let dir: string;
let cleanup: () => void;
let week: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  writeDrop(path.join(dir, 'exports', DATE), drop());
  ctx = await testContext(dir);
  await ingest(ctx, { asOf: DATE, trigger: 'manual' });
  week = await resolveWeek(ctx, DATE);
});
afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

const daily = (customer: string, sku: string) =>
  ctx.wh.all(
    `SELECT source, usage_basis, licenses_sold, licenses_assigned, deployment_pct, entitlements, active_entitlements,
       usage_pct, usage_pct_adjusted, active_adjusted, inactive, unassigned
     FROM adoption_daily WHERE snapshot_date = $d::DATE AND customer_id = $c AND sku_id = $s`,
    { d: DATE, c: customer, s: sku },
  );

describe('a product the user report cannot measure', () => {
  it('keeps user-level sold, assigned and deployment and takes usage from Partner Center where it has it', async () => {
    expect(await daily(G1, DYN)).toEqual([
      {
        source: 'graph',
        usage_basis: 'partner_center',
        licenses_sold: 4,
        licenses_assigned: 3,
        deployment_pct: 0.75,
        entitlements: 3, // licensesQualified of the busiest workload, so that roll-ups can add it up
        active_entitlements: 2,
        usage_pct: 2 / 3,
        usage_pct_adjusted: null,
        active_adjusted: null,
        inactive: null,
        unassigned: 1,
      },
    ]);
  });

  it('has NULL usage, never 0, where no source measures it', async () => {
    expect(await daily(G2, DYN)).toEqual([
      {
        source: 'graph',
        usage_basis: 'not_measurable',
        licenses_sold: 5,
        licenses_assigned: 2,
        deployment_pct: 0.4,
        entitlements: 2,
        active_entitlements: null,
        usage_pct: null,
        usage_pct_adjusted: null,
        active_adjusted: null,
        inactive: null,
        unassigned: 3,
      },
    ]);
  });

  it('keeps a product only the aggregates list for a Graph customer as an aggregate row', async () => {
    expect(await daily(G2, EXO1)).toEqual([
      {
        source: 'partner_center',
        usage_basis: 'busiest_workload_lower_bound',
        licenses_sold: 5,
        licenses_assigned: 4,
        deployment_pct: 0.8,
        entitlements: 4,
        active_entitlements: 1,
        usage_pct: 0.25,
        usage_pct_adjusted: null,
        active_adjusted: null,
        inactive: null,
        unassigned: 1,
      },
    ]);
  });

  it('leaves an unmeasured product out of the usage roll-ups but not out of the licence counts', async () => {
    const [g2] = await ctx.wh.all(
      `SELECT licenses_sold, licenses_assigned, entitlements, usage_entitlements, active_entitlements, usage_pct,
         adjusted_entitlements, active_adjusted, usage_pct_adjusted, inactive
       FROM adoption_customer_daily WHERE snapshot_date = $d::DATE AND customer_id = $c`,
      { d: DATE, c: G2 },
    );
    // E3: 8 sold, 1 assigned, 1 active; Dynamics: 5 / 2, unmeasured; Exchange Online (aggregate): 5 / 4, 1 of 4 active.
    expect(g2).toEqual({
      licenses_sold: 18,
      licenses_assigned: 7,
      entitlements: 7,
      usage_entitlements: 5,
      active_entitlements: 2,
      usage_pct: 2 / 5,
      adjusted_entitlements: 1,
      active_adjusted: 1,
      usage_pct_adjusted: 1,
      inactive: 0,
    });
  });

  it('gives workload rows from Partner Center for a substituted product, none for an unmeasured one', async () => {
    const rows = await ctx.wh.all(
      `SELECT customer_id, workload, licenses_qualified, licenses_active FROM adoption_workload_daily
       WHERE snapshot_date = $d::DATE AND sku_id = $s ORDER BY customer_id`,
      { d: DATE, s: DYN },
    );
    expect(rows).toEqual([
      { customer_id: G1, workload: 'dynamics', licenses_qualified: 3, licenses_active: 2 },
    ]);
  });

  it('lists every substitution and omission in the data-quality report', async () => {
    const issues = await ctx.wh.all(
      `SELECT customer_id, code, message FROM load_issues
       WHERE snapshot_date = $d::DATE AND code IN ('usage_from_partner_center', 'usage_not_measurable', 'aggregate_only_product')
       ORDER BY customer_id, code`,
      { d: DATE },
    );
    expect(issues.map((i) => [i.customer_id, i.code])).toEqual([
      [G1, 'usage_from_partner_center'],
      [G2, 'aggregate_only_product'],
      [G2, 'usage_not_measurable'],
    ]);
    expect(String(issues[0]!.message)).toMatch(/Dynamics 365 for Sales.*Partner Center analytics/);
  });

  it('raises no usage finding for an unmeasured product', async () => {
    await computeFindings(ctx, week);
    const findings = await ctx.wh.all(
      `SELECT customer_id, sku_id, finding FROM findings WHERE week_ending = $w::DATE AND sku_id = $s`,
      { w: week, s: DYN },
    );
    const usageFindings = findings.filter((f) =>
      ['low_usage', 'declining', 'upsell', 'usage_over_100'].includes(String(f.finding)),
    );
    expect(usageFindings.filter((f) => f.customer_id === G2)).toEqual([]);
  });
});

describe('the workbook', () => {
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    const file = (await buildReport(ctx, { asOf: week, trigger: 'manual', outDir: path.join(dir, 'out') }))
      .file;
    wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
  });

  it('shows "not measurable" where no source measures usage, never a 0%, and labels the Partner Center figure', () => {
    const rows = rowsOf(wb.getWorksheet('Customers')!);
    const dyn = (customer: string) =>
      rows.find(
        (r) => r['Customer']!.value === customer && String(r['Product']!.value).startsWith('Dynamics'),
      )!;
    const unmeasured = dyn('Dyn Unmeasured Ltd');
    expect(unmeasured['Usage %']!.value).toBe('not measurable');
    expect(unmeasured['Usage % (adjusted)']!.value).toBe('not measurable');
    expect(unmeasured['Inactive']!.value).toBe('not measurable');
    expect(unmeasured['Deployment %']!.value).toBe(0.4);
    const measured = dyn('Dyn Measured Ltd');
    expect(measured['Usage %']!.value).toBeCloseTo(2 / 3, 12);
    expect(String(measured['Usage measured by']!.value)).toMatch(/Partner Center analytics/);
  });

  it('does not list the holders of a product it cannot measure as inactive', () => {
    const inactive = rowsOf(wb.getWorksheet('Inactive users')!, 2);
    const listed = inactive.map((r) => `${String(r['User']!.value)} ${String(r['Product']!.value)}`);
    expect(listed).toEqual(['b@g1.example Microsoft 365 E3']);
  });

  it('lists the substitutions on the Data quality sheet', () => {
    const dq = rowsOf(wb.getWorksheet('Data quality')!, 2).map((r) => String(r['Issue']!.value));
    expect(dq).toEqual(
      expect.arrayContaining(['usage_from_partner_center', 'usage_not_measurable', 'aggregate_only_product']),
    );
  });
});

describe('the digest', () => {
  it('labels a usage figure from Partner Center and never shows a 0% for a product nobody measures', async () => {
    const out = path.join(dir, 'preview');
    const res = await sendDigests(ctx, { asOf: week, trigger: 'manual', outDir: out });
    expect(res.outcomes.map((o) => o.state)).toEqual(['written']);
    const files = readdirSync(out).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const eml = (await simpleParser(readFileSync(path.join(out, files[0]!)))).text ?? '';
    expect(eml).toMatch(
      /Exchange Online \(Plan 1\): Low usage: 25\.0% of entitlements active \(Partner Center analytics, busiest workload\)/,
    );
    expect(eml).toMatch(/Dynamics 365 for Sales Enterprise Edition: Low deployment: 40\.0%/);
    expect(eml).not.toMatch(/Dynamics 365[^\n]*Low usage/);
    expect(eml).not.toMatch(/Dynamics[^\n]*\b0\.0%/);
  });
});
