// Covers src/spend/priceSources.ts. The collector's pure helpers for the price list and the offer matrix
// (src/spend/priceSources.ts).
import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import {
  classifyPriceAnswer,
  offerMatrixUrl,
  priceFileName,
  priceRefreshDue,
  priceRequestHeaders,
  priceSheetUrl,
} from '../src/spend/priceSources.js';

describe('price list URLs (licence-spend.md §1.2, §1.3)', () => {
  it('builds the documented price sheet and offer matrix URLs', () => {
    expect(priceSheetUrl({ market: 'us' })).toBe(
      "https://api.partner.microsoft.com/v1.0/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')/$value",
    );
    expect(priceSheetUrl({ market: 'GB', timeline: 'history', month: '202101' })).toBe(
      "https://api.partner.microsoft.com/v1.0/sales/pricesheets(Market='GB',PricesheetView='updatedlicensebased')/$value?timeline=history&month=202101",
    );
    expect(priceSheetUrl({ market: 'DE', timeline: 'future' })).toMatch(/\/\$value\?timeline=future$/);
    expect(offerMatrixUrl('202611')).toBe(
      "https://api.partner.microsoft.com/v1.0/sales/offermatrix(Month='202611')/$value",
    );
    expect(priceRequestHeaders(true)['Accept-Encoding']).toBe('deflate');
    expect(priceRequestHeaders(false)['Accept-Encoding']).toBeUndefined();
  });

  it('refuses what the API does not take', () => {
    expect(() => priceSheetUrl({ market: 'USA' })).toThrow(/two-letter/);
    expect(() => priceSheetUrl({ market: 'US', timeline: 'history' })).toThrow(/needs its month/);
    expect(() => priceSheetUrl({ market: 'US', month: '202101' })).toThrow(/only with timeline=history/);
    expect(() => priceSheetUrl({ market: "US')/x", timeline: 'current' })).toThrow();
    expect(() => offerMatrixUrl('202613')).toThrow(/YYYYMM/);
  });
});

describe('monthly refresh', () => {
  it('is due once per UTC month', () => {
    const now = new Date('2026-12-01T00:30:00Z');
    expect(priceRefreshDue(null, now)).toMatchObject({ due: true, month: '202612' });
    expect(priceRefreshDue(new Date('2026-11-30T23:59:00Z'), now)).toMatchObject({ due: true });
    expect(priceRefreshDue(new Date('2026-12-01T00:10:00Z'), now)).toMatchObject({ due: false });
    // 1 Dec 00:30 in Auckland is still November in UTC: not yet a new month's list.
    expect(priceRefreshDue(new Date('2026-11-29T00:00:00Z'), new Date('2026-11-30T11:30:00Z')).due).toBe(
      false,
    );
    expect(priceRefreshDue(new Date('2025-12-15T00:00:00Z'), new Date('2026-01-02T00:00:00Z')).due).toBe(
      true,
    );
  });

  it('says what an answer means and names the file by its body', () => {
    expect(classifyPriceAnswer(200)).toBe('ok');
    expect(classifyPriceAnswer(404, 'future')).toBe('no_future_change');
    expect(classifyPriceAnswer(404)).toBe('failed');
    expect(classifyPriceAnswer(401)).toBe('no_access');
    expect(classifyPriceAnswer(429)).toBe('retry');
    expect(classifyPriceAnswer(503)).toBe('retry');
    expect(priceFileName('pricesheet', strToU8('"ProductTitle"'))).toBe('partner-center/pricesheet.csv');
    expect(priceFileName('pricesheet', zipSync({ 'sheets.csv': strToU8('x') }))).toBe(
      'partner-center/pricesheet.zip',
    );
  });
});
