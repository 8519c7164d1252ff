// Covers src/spend/priceSheet.ts, src/spend/loadSpendSources.ts, queries/metrics/licence_spend_daily.sql,
// jobs/report.ts. Licence spend (DESIGN.md §1.7, licence-spend.md) on a hand-built drop (test/fixtures/spendDrop.ts),
// through the real ingest job and a real DuckDB file. Every expected figure is worked out by hand in the comments.
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../jobs/ingest.js';
import { buildReport, resolveWeek } from '../jobs/report.js';
import { exportTable } from '../jobs/export.js';
import { checkXlsx } from './helpers/xlsxCheck.js';
import { readFileSync, writeFileSync } from 'node:fs';
import type { JobContext } from '../src/context.js';
import { offerMatrixCsv, priceSheetCsv, writeDrop } from '../src/demo/writeDrop.js';
import { normaliseSkuId, parsePriceDate, readOfferMatrix, readPriceSheet } from '../src/spend/priceSheet.js';
import type { Row } from '../src/warehouse/warehouse.js';
import { tempDir, testContext } from './helpers/context.js';
import { SKU } from './fixtures/rulesDrop.js';
import {
  BBASIC,
  C,
  OFFER_MATRIX,
  PRICE_ROWS,
  SPB,
  SPEND_DROP_DATE,
  spendDrop,
} from './fixtures/spendDrop.js';

let ctx: JobContext;
let cleanup: () => void;
let rows: Row[];

function spend(customer: string, sku: string): Row {
  const r = rows.find((x) => x.customer_id === customer && x.sku_id === sku);
  if (!r) throw new Error(`no licence_spend_daily row for ${customer} × ${sku}`);
  return r;
}

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  writeDrop(path.join(t.dir, 'exports', SPEND_DROP_DATE), spendDrop());
  ctx = await testContext(t.dir);
  // Keep every market and currency: the book then holds USD, EUR and GBP.
  ctx.config.spend.market = null;
  ctx.config.spend.currency = null;
  await ingest(ctx, { asOf: SPEND_DROP_DATE, trigger: 'manual' });
  rows = await ctx.wh.all('SELECT * FROM licence_spend_daily WHERE snapshot_date = $d::DATE', {
    d: SPEND_DROP_DATE,
  });
}, 120_000);

afterAll(() => {
  ctx?.wh.close();
  cleanup?.();
});

describe('price list ingest', () => {
  it('reads the downloaded format: BOM, quoted fields, the typographic quote, three date formats, SkuId as text', async () => {
    const prices = await ctx.wh.all(
      `SELECT product_id, nce_sku_id, term_duration, billing_plan, currency, unit_price, monthly_price, erp_price,
         strftime(effective_start, '%Y-%m-%d %H:%M:%S') AS s, strftime(effective_end, '%Y-%m-%d %H:%M:%S') AS e
       FROM stg_prices ORDER BY line`,
    );
    // Every row but Teams Phone's, which maps to no product of the catalogue (and is not kept).
    expect(prices).toHaveLength(PRICE_ROWS.length - 1);
    expect(prices.some((p) => p.product_id === 'CFQ7TTC0HL73')).toBe(false);
    // '1/1/2026 12:00:00 AM' → midnight; '6/30/2026 23:59'; ISO with seven decimals; '12/31/9999 11:59:59 PM'.
    expect(prices[0]).toMatchObject({
      s: '2026-01-01 00:00:00',
      e: '2026-06-30 23:59:00',
      monthly_price: 36,
    });
    expect(prices[1]).toMatchObject({
      s: '2026-07-01 00:00:00',
      e: '9999-12-31 23:59:59',
      monthly_price: 39,
    });
    // P1M: monthly = UnitPrice; P1Y: UnitPrice / 12, whatever the billing plan.
    expect(prices[5]).toMatchObject({ term_duration: 'P1M', billing_plan: 'Monthly', monthly_price: 46.8 });
    expect(prices[3]).toMatchObject({ term_duration: 'P1Y', billing_plan: 'Monthly', monthly_price: 40.5 });
    // ERP Price (the header ends with a typographic quote) is read.
    expect(prices[0]!.erp_price).toBe(432);
    // "1" lost its zeros in Excel: read as 0001.
    expect(prices[6]).toMatchObject({ product_id: 'CFQ7TTC0LH18', nce_sku_id: '0001', monthly_price: 6 });
    const matrix = await ctx.wh.all('SELECT * FROM stg_offer_matrix WHERE product_id = $p', {
      p: 'CFQ7TTC0LH18',
    });
    expect(matrix).toMatchObject([{ nce_sku_id: '0001', sku_id: BBASIC }]);
  });

  it('lists a price that maps to no product in data quality, once', async () => {
    const issues = await ctx.wh.all(`SELECT message FROM load_issues WHERE code = 'price_unmapped'`);
    expect(issues).toHaveLength(1);
    expect(String(issues[0]!.message)).toContain('CFQ7TTC0HL73:0001');
  });

  it('parses the three documented date formats and refuses others', () => {
    expect(parsePriceDate('2/1/2019 12:00:00 AM')).toBe('2019-02-01 00:00:00');
    expect(parsePriceDate('2/4/2021 8:35:31 PM')).toBe('2021-02-04 20:35:31');
    expect(parsePriceDate('2/1/2023 0:00')).toBe('2023-02-01 00:00:00');
    expect(parsePriceDate('11/30/9999 23:59')).toBe('9999-11-30 23:59:00');
    expect(parsePriceDate('2021-11-03T06:57:30.0000000Z')).toBe('2021-11-03 06:57:30');
    expect(parsePriceDate('31/12/2026 0:00')).toBeUndefined();
    expect(parsePriceDate('soon')).toBeUndefined();
    expect(normaliseSkuId('1')).toBe('0001');
    expect(normaliseSkuId('000p')).toBe('000P');
    expect(normaliseSkuId('00G1')).toBe('00G1');
  });

  it('keeps only the configured market and currency of a European list', () => {
    const eu = priceSheetCsv(PRICE_ROWS.filter((r) => r.ProductId === 'DEMO0000EXO1'));
    const read = readPriceSheet(strToU8(eu), 'partner-center/pricesheet.csv', {
      market: 'DE',
      currency: 'EUR',
    });
    expect(read.rows.map((r) => [r.currency, r.unit_price])).toEqual([['EUR', 48]]);
    expect(read.filteredOut).toBe(1);
  });
});

describe('terms', () => {
  it('divides a P3Y price by 36 and leaves a term it cannot divide without a monthly price', () => {
    const rows = [
      { ...PRICE_ROWS[0]!, TermDuration: 'P3Y', BillingPlan: 'Triennial', UnitPrice: '1296' },
      { ...PRICE_ROWS[0]!, TermDuration: 'P6M', UnitPrice: '200' },
    ];
    const read = readPriceSheet(strToU8(priceSheetCsv(rows)), 'p.csv', { market: null, currency: null });
    expect(read.rows.map((r) => [r.term_duration, r.term_months, r.monthly_price])).toEqual([
      ['P3Y', 36, 36],
      ['P6M', null, null],
    ]);
  });
});

describe('bad price sheets are set aside with file, line and column', () => {
  const rel = 'partner-center/pricesheet.csv';

  it('a missing column sets the file aside, naming the column', () => {
    const text = priceSheetCsv(PRICE_ROWS.slice(0, 2)).replace('"UnitPrice",', '"Price",');
    const read = readPriceSheet(strToU8(text), rel, { market: null, currency: null });
    expect(read.setAside).toBe(true);
    expect(read.issues).toMatchObject([{ code: 'missing_column', file: rel, line: 1, column: 'UnitPrice' }]);
  });

  it('a price that is not a number sets its row aside and keeps the others', () => {
    const bad = [...PRICE_ROWS.slice(0, 3)];
    bad[1] = { ...bad[1]!, UnitPrice: '4,68' };
    const read = readPriceSheet(strToU8(priceSheetCsv(bad)), rel, { market: null, currency: null });
    expect(read.rows).toHaveLength(2);
    expect(read.issues).toMatchObject([{ code: 'bad_row', file: rel, line: 3, column: 'UnitPrice' }]);
    expect(read.issues[0]!.message).toContain('"4,68" is not a number');
  });

  it('a zipped price list is read; a .zip that is not a zip is set aside', () => {
    const zipped = zipSync({ 'sheets.csv': strToU8(priceSheetCsv(PRICE_ROWS.slice(0, 2))) });
    const ok = readPriceSheet(zipped, 'partner-center/pricesheet.zip', { market: null, currency: null });
    expect(ok.rows).toHaveLength(2);
    // Partner Center may answer with a zip body under the .csv name: recognised by its first bytes.
    expect(readPriceSheet(zipped, rel, { market: null, currency: null }).rows).toHaveLength(2);
    const notZip = readPriceSheet(strToU8('"ProductTitle"\r\n'), 'partner-center/pricesheet.zip', {
      market: null,
      currency: null,
    });
    expect(notZip.setAside).toBe(true);
    expect(notZip.issues).toMatchObject([{ code: 'bad_zip', file: 'partner-center/pricesheet.zip' }]);
  });

  it('an offer matrix without ProvisioningId is set aside', () => {
    const text = offerMatrixCsv(OFFER_MATRIX).replace('"ProvisioningId"', '"Provisioning"');
    const read = readOfferMatrix(strToU8(text), 'partner-center/offermatrix.csv');
    expect(read.issues).toMatchObject([{ code: 'missing_column', line: 1, column: 'ProvisioningId' }]);
  });

  it('through ingest: the bad files are set aside and the rest of the drop loads', async () => {
    const t = tempDir();
    try {
      const spec = spendDrop();
      const rowsWithBadPrice = [...PRICE_ROWS];
      rowsWithBadPrice[6] = { ...rowsWithBadPrice[6]!, UnitPrice: 'n/a' }; // Business Basic before July: line 8
      // No offer matrix this time: the catalogue's NCE ids map the SKUs.
      spec.partnerCenterFiles = {
        'pricesheet.csv': priceSheetCsv(rowsWithBadPrice),
        'pricesheet.zip': 'this is not a zip',
      };
      const dropDir = path.join(t.dir, 'exports', SPEND_DROP_DATE);
      writeDrop(dropDir, spec);
      // An exporter's manifest counts the price list's real rows (the typographic quote must not throw that off).
      const manifestFile = path.join(dropDir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
        files: { path: string; rows?: number }[];
      };
      manifest.files.find((f) => f.path === 'partner-center/pricesheet.csv')!.rows = PRICE_ROWS.length;
      writeFileSync(manifestFile, JSON.stringify(manifest));
      const c2 = await testContext(t.dir);
      try {
        c2.config.spend.market = null;
        c2.config.spend.currency = null;
        await ingest(c2, { asOf: SPEND_DROP_DATE, trigger: 'manual' });
        const files = await c2.wh.all(
          `SELECT path, status, rows_loaded, rows_rejected FROM load_files WHERE path LIKE 'partner-center/price%' ORDER BY path`,
        );
        expect(files).toEqual([
          {
            path: 'partner-center/pricesheet.csv',
            status: 'loaded',
            rows_loaded: PRICE_ROWS.length - 1,
            rows_rejected: 1,
          },
          { path: 'partner-center/pricesheet.zip', status: 'set_aside', rows_loaded: 0, rows_rejected: 0 },
        ]);
        const issues = await c2.wh.all(
          `SELECT code, file, line, column_name FROM load_issues WHERE code IN ('bad_row', 'bad_zip') ORDER BY file`,
        );
        expect(issues).toEqual([
          { code: 'bad_row', file: 'partner-center/pricesheet.csv', line: 8, column_name: 'UnitPrice' },
          { code: 'bad_zip', file: 'partner-center/pricesheet.zip', line: null, column_name: null },
        ]);
        // The rest of the drop loaded: adoption figures and the other prices are there.
        const adoption = await c2.wh.all('SELECT count(*)::INTEGER AS n FROM adoption_daily');
        expect(adoption[0]!.n).toBeGreaterThan(0);
        const e3 = await c2.wh.all(
          `SELECT unassigned_monthly_cost FROM licence_spend_daily WHERE customer_id = $c AND sku_id = $s`,
          { c: C.a, s: SKU.E3 },
        );
        expect(e3[0]!.unassigned_monthly_cost).toBeCloseTo(327.6, 6);
        // Gamma's own seats known only from Graph: Business Premium through the catalogue's CFQ7TTC0LCHC:0002.
        const spb = await c2.wh.all(
          `SELECT product_id, nce_sku_id, monthly_price FROM licence_spend_daily WHERE customer_id = $c AND sku_id = $s`,
          { c: C.c, s: SPB },
        );
        expect(spb).toEqual([{ product_id: 'CFQ7TTC0LCHC', nce_sku_id: '0002', monthly_price: 22 }]);
      } finally {
        c2.wh.close();
      }
    } finally {
      t.cleanup();
    }
  }, 120_000);
});

describe('licence_spend_daily (DESIGN.md §1.7)', () => {
  it('counts a SKU on two subscriptions against the one renewing soonest, at its own term and plan', () => {
    // E3 at Alpha: 10 seats P1Y/annual (renews 2027-03-01) + 5 seats P1M/monthly (renews 2026-12-10).
    // Sold 15, 8 holders → 7 unassigned; 3 holders inactive. The P1M one renews first: its price applies, the row in
    // force on its effectiveStartDate 2026-11-10: P1M Monthly from 1 July = 46.80 a month.
    const r = spend(C.a, SKU.E3);
    expect(r).toMatchObject({
      price_basis: 'own_subscription',
      subscription_id: 'e0000000-0000-4000-8000-0000000000a2',
      term_duration: 'P1M',
      billing_plan: 'Monthly',
      own_seats: 15,
      unassigned: 7,
      inactive: 3,
      currency: 'USD',
      next_renewal_date: '2026-12-10', // commitmentEndDate 2026-12-09 + 1 day
      renewal_deadline: '2026-12-09',
      scheduled_reduction: 0,
      reducible_at_renewal: 5, // min(7 unassigned, 5 seats of the renewing subscription) − 0
      reducible_now: 2, // refundableQuantity.totalQuantity
    });
    expect(r.monthly_price).toBeCloseTo(46.8, 9);
    expect(r.unassigned_monthly_cost).toBeCloseTo(7 * 46.8, 9); // 327.60
    expect(r.inactive_monthly_cost).toBeCloseTo(3 * 46.8, 9); // 140.40
    expect(String(r.reducible_now_until)).toMatch(/^2026-11-25[ T]10:00:00/); // earliest allowedUntilDateTime
  });

  it('prices a running term at the row in force when it started, and its renewal at the new row', () => {
    // Business Basic: term started 2025-12-01, before the July price rise: 72 / 12 = 6.00 a month, locked for the term.
    // It renews 2026-12-01, when 84 / 12 = 7.00 is in force. 20 seats, 14 holders → 6 unassigned, none inactive.
    // 4 seats are already scheduled off (quantity 20 → 16): reducible at renewal = min(6, 20) − 4 = 2, not 6.
    const r = spend(C.a, BBASIC);
    expect(r).toMatchObject({
      term_duration: 'P1Y',
      billing_plan: 'Annual',
      unassigned: 6,
      next_renewal_date: '2026-12-01',
      renewal_deadline: '2026-11-30',
      scheduled_reduction: 4,
      reducible_at_renewal: 2,
      reducible_now: 0,
      reducible_now_until: null,
    });
    expect(r.monthly_price).toBeCloseTo(6, 9);
    expect(r.renewal_monthly_price).toBeCloseTo(7, 9);
    expect(r.unassigned_monthly_cost).toBeCloseTo(36, 9);
    expect(r.inactive_monthly_cost).toBe(0);
  });

  it('gives trials no cost', () => {
    // E5 at Alpha is held by one user on a 25-seat trial: no own paid seats, no spend row.
    expect(rows.find((x) => x.customer_id === C.a && x.sku_id === SKU.E5)).toBeUndefined();
  });

  it('prices own seats known only from Graph at the default term, in force on the snapshot date', () => {
    // Business Premium at Gamma: 5 own seats + 2 of another partner; 3 holders (1 inactive) → 4 unassigned.
    // Default P1Y Annual in force on 2026-11-23: 264 / 12 = 22. 4 × 22 = 88; 1 × 22 = 22.
    const r = spend(C.c, SPB);
    expect(r).toMatchObject({
      price_basis: 'default_term',
      product_id: 'CFQ7TTC0LCHC',
      nce_sku_id: '0002',
      term_duration: 'P1Y',
      billing_plan: 'Annual',
      own_seats: 5,
      costed_unassigned: 4,
      monthly_price: 22,
      unassigned_monthly_cost: 88,
      inactive_monthly_cost: 22,
      next_renewal_date: null,
      reducible_at_renewal: null,
    });
  });

  it('lists a product without a price in data quality and does not cost it at 0', async () => {
    const e5 = spend(C.b, SKU.E5);
    expect(e5.monthly_price).toBeNull();
    expect(e5.unassigned_monthly_cost).toBeNull();
    expect(e5.unassigned).toBe(3);
    const exo = spend(C.b, SKU.EXO1); // priced in EUR and in GBP with no currency configured: never guessed
    expect(exo.monthly_price).toBeNull();
    const dq = await ctx.wh.all(
      `SELECT customer_id, message FROM load_issues WHERE code = 'no_price' ORDER BY message`,
    );
    expect(dq).toHaveLength(2);
    expect(dq.every((d) => d.customer_id === C.b)).toBe(true);
    expect(String(dq[0]!.message)).toContain('several currencies');
    expect(String(dq[1]!.message)).toContain('Microsoft 365 E5');
    expect(String(dq[1]!.message)).toContain('no price row for DEMO0000SPE5:0001 P1Y Annual');
  });

  it('never sums two currencies in one book', async () => {
    // Beta: Business Standard 4 unassigned × 150/12 = 50 EUR, 2 inactive × 12.5 = 25 EUR; Office 365 E3 3 × 240/12 =
    // 60 GBP; E5 and Exchange unpriced (3 + 0 unassigned seats, no amount).
    const customer = await ctx.wh.all(
      `SELECT currency, unassigned, unassigned_monthly_cost, inactive_monthly_cost FROM licence_spend_customer_daily
       WHERE customer_id = $c ORDER BY currency NULLS LAST`,
      { c: C.b },
    );
    expect(customer).toEqual([
      { currency: 'EUR', unassigned: 4, unassigned_monthly_cost: 50, inactive_monthly_cost: 25 },
      { currency: 'GBP', unassigned: 3, unassigned_monthly_cost: 60, inactive_monthly_cost: 0 },
      { currency: null, unassigned: 3, unassigned_monthly_cost: null, inactive_monthly_cost: null },
    ]);
    // am1: Alpha 327.60 + 36 = 363.60 and Gamma 88 → 451.60 USD; inactive 140.40 + 0 + 22 = 162.40 USD.
    const owners = await ctx.wh.all(
      `SELECT owner_email, currency, customers, unassigned_monthly_cost AS u, inactive_monthly_cost AS i
       FROM licence_spend_owner_daily ORDER BY owner_email, currency NULLS LAST`,
    );
    expect(owners.map((o) => [o.owner_email, o.currency, o.customers])).toEqual([
      ['am1@partner.example', 'USD', 2],
      ['am2@partner.example', 'EUR', 1],
      ['am2@partner.example', 'GBP', 1],
      ['am2@partner.example', null, 1],
    ]);
    expect(owners[0]!.u).toBeCloseTo(451.6, 9);
    expect(owners[0]!.i).toBeCloseTo(162.4, 9);
    const portfolio = await ctx.wh.all(
      `SELECT currency, unassigned_monthly_cost AS u FROM licence_spend_portfolio_daily WHERE currency IS NOT NULL
       ORDER BY currency`,
    );
    expect(portfolio.map((p) => p.currency)).toEqual(['EUR', 'GBP', 'USD']);
    expect(portfolio.map((p) => Math.round(Number(p.u) * 100) / 100)).toEqual([50, 60, 451.6]);
  });
});

describe('spend findings (queries/findings/spend_findings.sql)', () => {
  it('lists seats to cut at renewal within the horizon and seats still in their 7-day window', async () => {
    const week = await resolveWeek(ctx, SPEND_DROP_DATE);
    const actions = await ctx.wh.allFile('findings/spend_findings', {
      week,
      owner: null,
      customer: null,
      horizon_days: 60,
    });
    // Horizon 60 days from 2026-11-23 → renewals up to 2027-01-22: Alpha's E3 (P1M, 2026-12-10) and Business Basic
    // (2026-12-01). Beta's renew in 2027 after the horizon. Gamma has no subscription terms.
    // E3 at renewal: 5 seats × 46.80 = 234.00; now: min(2 refundable, 7 unassigned) × 46.80 = 93.60 until 25 Nov 10:00.
    // Business Basic at renewal: 2 seats × 7.00 (the price from July, in force at renewal) = 14.00, decide by 30 Nov.
    expect(
      actions.map((a) => [
        a.finding,
        a.customer_id,
        a.sku_id,
        a.seats,
        a.renewal_date,
        a.deadline,
        a.currency,
      ]),
    ).toEqual([
      ['cut_now', C.a, SKU.E3, 2, null, '2026-11-25 10:00 UTC', 'USD'],
      ['cut_at_renewal', C.a, BBASIC, 2, '2026-12-01', '2026-11-30 23:59 UTC', 'USD'],
      ['cut_at_renewal', C.a, SKU.E3, 5, '2026-12-10', '2026-12-09 23:59 UTC', 'USD'],
    ]);
    // Most urgent first.
    expect(actions.map((a) => Math.round(Number(a.monthly_saving) * 100) / 100)).toEqual([93.6, 14, 234]);
    const narrow = await ctx.wh.allFile('findings/spend_findings', {
      week,
      owner: null,
      customer: null,
      horizon_days: 7,
    });
    expect(narrow.map((a) => [a.finding, a.sku_id])).toEqual([['cut_now', SKU.E3]]);
  });
});

/** The rows of the table whose header row starts with `first`, as header → cell. */
function block(ws: ExcelJS.Worksheet, first: string): Record<string, ExcelJS.Cell>[] {
  let header = 0;
  ws.eachRow((row, n) => {
    if (!header && row.getCell(1).value === first) header = n;
  });
  if (!header) throw new Error(`no block starting with ${first}`);
  const names = (ws.getRow(header).values as unknown[]).slice(1).map(String);
  const out: Record<string, ExcelJS.Cell>[] = [];
  for (let r = header + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    if (!row.hasValues) break;
    out.push(Object.fromEntries(names.map((h, i) => [h, row.getCell(i + 1)])));
  }
  return out;
}

describe('the Spend sheet of the workbook', () => {
  let ws: ExcelJS.Worksheet;
  beforeAll(async () => {
    const week = await resolveWeek(ctx, SPEND_DROP_DATE);
    const { file } = await buildReport(ctx, {
      asOf: week,
      trigger: 'manual',
      outDir: path.join(path.dirname(ctx.config.warehouse.path), 'out'),
    });
    expect(await checkXlsx(readFileSync(file))).toEqual([]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    ws = wb.getWorksheet('Spend')!;
  }, 120_000);

  it('shows per-currency totals, never added together', () => {
    const totals = block(ws, 'Currency');
    expect(totals.map((t) => t['Currency']!.value)).toEqual(['EUR', 'GBP', 'USD', 'no price']);
    const usd = totals[2]!;
    expect(usd['Customers']!.value).toBe(2);
    expect(usd['Unassigned cost / month']!.value).toBeCloseTo(451.6, 9);
    expect(usd['Unassigned cost / month']!.numFmt).toBe('#,##0.00');
    expect(usd['Inactive seats / month']!.value).toBeCloseTo(162.4, 9);
    expect(usd['Reducible at renewal']!.value).toBe(7); // E3 5 + Business Basic 2
    expect(usd['Reducible now']!.value).toBe(2);
    expect(totals[0]!['Unassigned cost / month']!.value).toBe(50);
    expect(totals[1]!['Unassigned cost / month']!.value).toBe(60);
    expect(totals[3]!['Unassigned cost / month']!.value).toBeNull();
  });

  it('shows the actions due with their dates and savings', () => {
    const actions = block(ws, 'Action');
    expect(actions.map((a) => [a['Action']!.value, a['Product']!.value, a['Seats']!.value])).toEqual([
      ['Cut now (7-day window)', 'Microsoft 365 E3', 2],
      ['Cut at renewal', 'Microsoft 365 Business Basic', 2],
      ['Cut at renewal', 'Microsoft 365 E3', 5],
    ]);
    expect(actions[2]!['Renewal date']!.value).toEqual(new Date('2026-12-10T00:00:00Z'));
    expect(actions[2]!['Decide by']!.value).toBe('2026-12-09 23:59 UTC');
    expect(actions[2]!['Saving / month']!.value).toBeCloseTo(234, 9);
    expect(actions[0]!['Decide by']!.value).toBe('2026-11-25 10:00 UTC');
    expect(actions[0]!['Renewal date']!.value).toBeNull();
  });

  it('shows each customer × product with its price, currency, costs, renewal and reducible seats', () => {
    const rows = block(ws, 'Customer');
    expect(rows).toHaveLength(7); // Alpha 2, Beta 4, Gamma 1
    const e3 = rows.find(
      (r) => r['Customer']!.value === 'Alpha Dollars Inc.' && r['Product']!.value === 'Microsoft 365 E3',
    )!;
    expect(e3['Term']!.value).toBe('P1M');
    expect(e3['Billing plan']!.value).toBe('Monthly');
    expect(e3['Price / month']!.value).toBeCloseTo(46.8, 9);
    expect(e3['Currency']!.value).toBe('USD');
    expect(e3['Own seats']!.value).toBe(15);
    expect(e3['Unassigned']!.value).toBe(7);
    expect(e3['Unassigned cost / month']!.value).toBeCloseTo(327.6, 9);
    expect(e3['Inactive']!.value).toBe(3);
    expect(e3['Inactive seats / month']!.value).toBeCloseTo(140.4, 9);
    expect(e3['Next renewal']!.value).toEqual(new Date('2026-12-10T00:00:00Z'));
    expect(e3['Reducible at renewal']!.value).toBe(5);
    expect(e3['Reducible now']!.value).toBe(2);
    expect(e3['Reducible now until']!.value).toBe('2026-11-25 10:00 UTC');
    const bb = rows.find((r) => r['Product']!.value === 'Microsoft 365 Business Basic')!;
    expect(bb['Price / month']!.value).toBe(6);
    expect(bb['Renewal price / month']!.value).toBe(7);
    expect(bb['Already scheduled off']!.value).toBe(4);
    expect(bb['Reducible at renewal']!.value).toBe(2);
    const e5 = rows.find(
      (r) => r['Customer']!.value === 'Beta Euro GmbH' && r['Product']!.value === 'Microsoft 365 E5',
    )!;
    expect(e5['Price / month']!.value).toBeNull();
    expect(String(e5['Note']!.value)).toContain('no price row');
    const gbp = rows.find((r) => r['Product']!.value === 'Office 365 E3')!;
    expect([gbp['Currency']!.value, gbp['Unassigned cost / month']!.value]).toEqual(['GBP', 60]);
  });

  it('labels the demo prices', () => {
    const notes: string[] = [];
    ws.eachRow((row) => notes.push(String(row.getCell(1).value ?? '')));
    expect(notes.some((n) => /DEMO… ids are made-up demo values/.test(n))).toBe(true);
  });
});

describe('exports', () => {
  it('exports the spend columns, one currency per row', async () => {
    const out = path.join(path.dirname(ctx.config.warehouse.path), 'export', 'spend.csv');
    const { rows: n } = await exportTable(ctx, {
      trigger: 'manual',
      asOf: SPEND_DROP_DATE,
      table: 'licence_spend_daily',
      format: 'csv',
      out,
    });
    expect(n).toBe(7);
    const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
    const cols = header!.split(',');
    for (const c of [
      'monthly_price',
      'currency',
      'unassigned_monthly_cost',
      'inactive_monthly_cost',
      'next_renewal_date',
      'reducible_at_renewal',
      'reducible_now',
      'reducible_now_until',
    ])
      expect(cols).toContain(c);
    const e3 = lines
      .map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])))
      .find((r) => r.customer_id === C.a && r.sku_id === SKU.E3)!;
    expect([e3.monthly_price, e3.currency, e3.unassigned_monthly_cost, e3.next_renewal_date]).toEqual([
      '46.8',
      'USD',
      '327.6',
      '2026-12-10',
    ]);
    const totals = path.join(path.dirname(out), 'owners.csv');
    await exportTable(ctx, {
      trigger: 'manual',
      asOf: SPEND_DROP_DATE,
      table: 'licence_spend_owner_daily',
      format: 'csv',
      out: totals,
    });
    expect(readFileSync(totals, 'utf8')).toContain('am2@partner.example,GBP,1,');
  });
});
