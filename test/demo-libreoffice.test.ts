// Covers jobs/demo.ts, jobs/report.ts, src/render/workbook.ts. The demo end to end at a small size, and its workbook
// opened by LibreOffice: a workbook Excel would need to repair fails to convert. In CI (CI=true) LibreOffice must be
// there (.ci/run installs it); elsewhere the conversion is skipped when it is missing.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { runDemo } from '../jobs/demo.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { rowsOf } from './helpers/sheets.js';
import { tempDir } from './helpers/context.js';
import { convertToPdf, libreOfficeRuns, soffice } from './helpers/libreoffice.js';
import { checkXlsx } from './helpers/xlsxCheck.js';

let dir: string;
let cleanup: () => void;
let printed: string[];
let workbooks: string[];
let warehouse: string;
let zhWorkbook: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  printed = [];
  ({ workbooks, warehouse } = await runDemo({
    outDir: path.join(dir, 'demo'),
    size: { customers: 10, owners: 3, drops: 15, usersPerCustomer: 12 },
    print: (l) => printed.push(l),
  }));
  // The digest of lee.gu (described as a zh-CN reader in the demo's config) carries a Chinese workbook: LibreOffice
  // converts it too.
  const reports = path.join(dir, 'demo', 'reports', '2026-11-23');
  zhWorkbook = path.join(
    reports,
    readdirSync(reports).find((f) => f.includes('lee.gu'))!,
  );
  workbooks.push(zhWorkbook);
});
afterAll(() => cleanup?.());

describe('demo', () => {
  it('writes drops, loads them, prints a summary and says where the workbooks are', () => {
    const text = printed.join('\n');
    // History written directly; the last night collected through the local fake of Microsoft (issue #17).
    expect(text).toMatch(/wrote 14 nightly drops \(2026-11-09 … 2026-11-22\)/);
    expect(text).toMatch(
      /collected 2026-11-23 from a local fake of Microsoft \(http:\/\/127\.0\.0\.1:\d+\): 10 customers, \d+ calls, 9 report downloads \(none carried a token: true\)/,
    );
    expect(text).toMatch(/loaded 15 drops into .*warehouse\.duckdb/);
    expect(text).toMatch(/Portfolio on 2026-11-23, by account manager:/);
    expect(text).toContain(`portfolio workbook: ${workbooks[0]}`);
    expect(text).toContain(`customer workbook:  ${workbooks[1]}`);
    for (const f of workbooks) expect(statSync(f).size).toBeGreaterThan(5000);
  });

  it('shows no usage it cannot measure, lists no Dynamics holder as inactive, and names no retired workload', async () => {
    const wh = await Warehouse.open(warehouse);
    try {
      const dynamics = await wh.all(
        `SELECT d.usage_basis, d.usage_pct FROM adoption_daily d JOIN catalog_products p USING (sku_id)
         WHERE p.family = 'Dynamics 365' AND d.snapshot_date = '2026-11-23'`,
      );
      expect(dynamics.length).toBeGreaterThan(0);
      for (const d of dynamics) expect(['partner_center', 'not_measurable']).toContain(d.usage_basis);
      const [zero] = await wh.all(
        `SELECT count(*)::INTEGER AS n FROM adoption_daily WHERE usage_basis = 'not_measurable' AND usage_pct IS NOT NULL`,
      );
      expect(zero!.n).toBe(0);
      const [skype] = await wh.all(`SELECT count(*)::INTEGER AS n FROM findings WHERE workload = 'skype'`);
      expect(skype!.n).toBe(0);
    } finally {
      wh.close();
    }
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(workbooks[0]!);
    const inactive = rowsOf(wb.getWorksheet('Inactive users')!, 2);
    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.filter((r) => String(r['Product']!.value).startsWith('Dynamics'))).toEqual([]);
    const customers = rowsOf(wb.getWorksheet('Customers')!);
    expect(customers.length).toBeGreaterThan(0);
    expect(
      customers.filter(
        (r) => r['Usage %']!.value === 0 && /not measurable/.test(String(r['Usage measured by']!.value)),
      ),
    ).toEqual([]);
    const dq = rowsOf(wb.getWorksheet('Data quality')!, 2).map((r) => String(r['Issue']!.value));
    expect(dq).toContain('usage_from_partner_center');
    // A repeated issue is one line with its count and nights, naming the customer, not only the tenant id.
    const issues = rowsOf(wb.getWorksheet('Data quality')!, 2);
    const keys = issues.map((r) =>
      ['Severity', 'Issue', 'Customer', 'File', 'Column'].map((h) => String(r[h]!.value ?? '')).join('|'),
    );
    expect(new Set(keys).size).toBe(keys.length);
    const repeated = issues.filter((r) => Number(r['Nights']!.value) > 1);
    expect(repeated.length).toBeGreaterThan(0);
    for (const r of repeated)
      expect(String(r['Dates']!.value).split(', ')).toHaveLength(Number(r['Nights']!.value));
    const aboutCustomers = issues.filter((r) => r['Tenant ID']!.value);
    expect(aboutCustomers.length).toBeGreaterThan(0);
    for (const r of aboutCustomers) expect(r['Customer']!.value).not.toBe(r['Tenant ID']!.value);
    expect(rowsOf(wb.getWorksheet('Workloads')!).map((r) => r['Workload']!.value)).not.toContain('skype');
  });

  it("attaches to a Chinese reader's digest a workbook in Chinese", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(zhWorkbook);
    expect(wb.worksheets.map((w) => w.name)).toContain('客户');
    expect(wb.getWorksheet('客户')!.views[0]).toMatchObject({ state: 'frozen', xSplit: 2 });
  });

  it('writes workbooks whose package is sound', async () => {
    for (const f of workbooks) expect(await checkXlsx(readFileSync(f)), f).toEqual([]);
  });

  it.skipIf(!libreOfficeRuns)(
    'its workbooks open in LibreOffice with no error',
    () => {
      expect(soffice, 'LibreOffice is not installed: .ci/run installs libreoffice-calc-nogui').toBeDefined();
      for (const wb of workbooks) {
        const { pdf, status, stdout, stderr } = convertToPdf(wb, dir);
        expect(status, stderr).toBe(0);
        expect(stderr).not.toMatch(/error/i);
        expect(existsSync(pdf), `${pdf}\n${stdout}\n${stderr}`).toBe(true);
        expect(statSync(pdf).size).toBeGreaterThan(10_000);
      }
    },
    240_000,
  );
});
