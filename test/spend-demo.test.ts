// Covers jobs/demo.ts, src/spend/priceSheet.ts, src/report/spendSheet.ts. The demo end to end at a small size: its
// workbook and digests show money and renewal dates (issue #19), from a demo price list in Partner Center's real format
// whose values are labelled as demo values.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../jobs/demo.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { readPriceSheet } from '../src/spend/priceSheet.js';
import { tempDir } from './helpers/context.js';

let dir: string;
let cleanup: () => void;
let workbooks: string[];
let warehouse: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  ({ workbooks, warehouse } = await runDemo({
    outDir: path.join(dir, 'demo'),
    size: { customers: 10, owners: 3, drops: 15, usersPerCustomer: 12 },
  }));
}, 240_000);
afterAll(() => cleanup?.());

describe('demo licence spend', () => {
  it('writes a price list in the real format: 18 columns, two rows per SKU around 1 July 2026, both P1Y plans', () => {
    const bytes = readFileSync(
      path.join(dir, 'demo', 'exports', '2026-11-23', 'partner-center', 'pricesheet.csv'),
    );
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const read = readPriceSheet(bytes, 'pricesheet.csv', { market: 'US', currency: 'USD' });
    expect(read.issues).toEqual([]);
    const e3 = read.rows.filter((r) => r.product_id === 'DEMO0000SPE3' && r.term_duration === 'P1Y');
    expect(e3.map((r) => [r.billing_plan, r.unit_price, r.effective_start.slice(0, 10)])).toEqual([
      ['Annual', 432, '2025-01-01'],
      ['Monthly', 453.6, '2025-01-01'],
      ['Annual', 468, '2026-07-01'],
      ['Monthly', 491.4, '2026-07-01'],
    ]);
  });

  it("shows money and renewal dates on the workbook's Spend sheet, labelled as demo prices", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(workbooks[0]!);
    const ws = wb.getWorksheet('Spend')!;
    let header = 0;
    ws.eachRow((row, n) => {
      if (!header && row.getCell(1).value === 'Customer' && row.getCell(3).value === 'Product') header = n;
    });
    const names = (ws.getRow(header).values as unknown[]).slice(1).map(String);
    const rows: Record<string, ExcelJS.CellValue>[] = [];
    for (let r = header + 1; ws.getRow(r).hasValues; r++)
      rows.push(Object.fromEntries(names.map((h, i) => [h, ws.getRow(r).getCell(i + 1).value])));
    const costed = rows.filter((r) => typeof r['Unassigned cost / month'] === 'number');
    expect(costed.length).toBeGreaterThan(3);
    for (const r of costed) {
      expect(r['Currency']).toBe('USD');
      expect(r['Unassigned cost / month']).toBeCloseTo(
        Number(r['Unassigned']) * Number(r['Price / month']),
        6,
      );
    }
    expect(rows.some((r) => r['Next renewal'] instanceof Date)).toBe(true);
    expect(rows.some((r) => Number(r['Reducible now']) > 0)).toBe(true); // the subscription in its 7-day window
    expect(rows.some((r) => Number(r['Already scheduled off']) > 0)).toBe(true); // the reduction already scheduled
    const notes: string[] = [];
    ws.eachRow((row) => notes.push(String(row.getCell(1).value ?? '')));
    expect(notes.join('\n')).toMatch(/made-up demo values/);
  });

  it('shows money and the renewal actions in the digests', async () => {
    const outbox = path.join(dir, 'demo', 'outbox', '2026-11-23');
    const texts = await Promise.all(
      readdirSync(outbox).map(
        async (f) => (await simpleParser(readFileSync(path.join(outbox, f)))).text ?? '',
      ),
    );
    const all = texts.join('\n');
    expect(all).toMatch(/Unassigned seats cost \$[\d,]+\.\d\d a month/);
    expect(all).toMatch(/cut \d+ unassigned seats? at renewal on \w{3} \d+, 20\d\d; schedule it by/);
  });

  it('costs no inactive seat that nobody measured (Dynamics 365 usage from Partner Center): NULL, never all seats', async () => {
    const wh = await Warehouse.open(warehouse);
    try {
      const rows = await wh.all(
        `SELECT d.inactive, s.inactive_monthly_cost, s.own_seats FROM licence_spend_daily s
         JOIN adoption_daily d USING (snapshot_date, customer_id, sku_id)
         WHERE d.usage_basis IN ('partner_center', 'not_measurable') AND s.monthly_price IS NOT NULL`,
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r).toMatchObject({ inactive: null, inactive_monthly_cost: null });
    } finally {
      wh.close();
    }
  });
});
