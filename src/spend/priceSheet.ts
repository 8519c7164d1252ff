// Pure readers for Partner Center's NCE licence-based price list and its offer matrix (licence-spend.md §2, §3), as
// downloaded: every field quoted, a UTF-8 byte-order mark, the documented header's typographic closing quote on
// "ERP Price", three date formats, SkuIds as text. A zipped download is unpacked first. Every row that cannot be read
// is set aside with its file, line and column; a file without a required column is set aside whole.
import { headerKey } from '../ingest/csvSniff.js';
import type { LoadIssue } from '../ingest/issues.js';
import { normaliseSkuId, parsePrice, parsePriceDate, termMonths } from './priceValues.js';
import { openSheet, type CsvRecord, type SheetRead } from './sheetCsv.js';
import { normaliseGuid } from '../ingest/values.js';

export { normaliseSkuId, parsePriceDate } from './priceValues.js';
export type { SheetRead } from './sheetCsv.js';

export interface PriceRow {
  line: number;
  product_id: string;
  nce_sku_id: string;
  product_title: string | null;
  sku_title: string | null;
  term_duration: string;
  billing_plan: string;
  market: string;
  currency: string;
  unit_price: number;
  term_months: number | null;
  monthly_price: number | null;
  erp_price: number | null;
  effective_start: string; // 'YYYY-MM-DD HH:MM:SS' UTC
  effective_end: string;
  tags: string | null;
}

export interface OfferMatrixRow {
  product_id: string;
  nce_sku_id: string;
  sku_id: string; // Graph skuId, lower case
  provisioning_string: string | null;
  product_title: string | null;
  sku_title: string | null;
}

/** The 18 documented columns of the `updatedlicensebased` price list (licence-spend.md §2.1), in order. */
const PRICE_SHEET_COLUMNS = [
  'ProductTitle',
  'ProductId',
  'SkuId',
  'SkuTitle',
  'Publisher',
  'SkuDescription',
  'UnitOfMeasure',
  'TermDuration',
  'BillingPlan',
  'Market',
  'Currency',
  'UnitPrice',
  'PricingTierRangeMin',
  'PricingTierRangeMax',
  'EffectiveStartDate',
  'EffectiveEndDate',
  'Tags',
  'ERP Price',
] as const;

/** Documented but optional (licence-spend.md §2.1): accepted, not used. */
const PRICE_SHEET_OPTIONAL = ['EndofSaleDate', 'Segment', 'ChangeIndicator'];

export const OFFER_MATRIX_COLUMNS = [
  'ProductTitle',
  'ProductId',
  'SkuId',
  'SkuTitle',
  'ProvisioningId',
  'ProvisioningString',
] as const;

type Filter = { market: string | null; currency: string | null };

/** A column's trimmed value in a record, by the header's layout ('' when the column is absent). */
type Getter = (col: string) => string;

/** A row of the price list; 'filtered' for another market or currency; or the column and reason it is set aside. */
function priceRow(
  rec: CsvRecord,
  get: Getter,
  filter: Filter,
): PriceRow | 'filtered' | { column?: string; message: string } {
  const market = get('Market').toUpperCase();
  const currency = get('Currency').toUpperCase();
  if ((filter.market && market !== filter.market) || (filter.currency && currency !== filter.currency))
    return 'filtered';
  const productId = get('ProductId').toUpperCase();
  const skuId = normaliseSkuId(get('SkuId'));
  const term = get('TermDuration').toUpperCase();
  const empty = (
    [
      ['ProductId', productId],
      ['SkuId', skuId],
      ['TermDuration', term],
      ['BillingPlan', get('BillingPlan')],
      ['Market', market],
      ['Currency', currency],
    ] as const
  ).find(([, v]) => v === '');
  if (empty) return { column: empty[0], message: 'has no value; the row is set aside' };
  const notA = (column: string, what: string, text = get(column)) => ({
    column,
    message: `${JSON.stringify(text)} is not a ${what}; the row is set aside`,
  });
  const unitPrice = parsePrice(get('UnitPrice'));
  if (unitPrice === undefined) return notA('UnitPrice', 'number');
  const erpText = get('ERP Price');
  const erp = erpText === '' ? null : parsePrice(erpText);
  if (erp === undefined) return notA('ERP Price', 'number', erpText);
  const start = parsePriceDate(get('EffectiveStartDate'));
  if (!start) return notA('EffectiveStartDate', 'date');
  const end = parsePriceDate(get('EffectiveEndDate'));
  if (!end) return notA('EffectiveEndDate', 'date');
  const months = termMonths(term) ?? null;
  return {
    line: rec.line,
    product_id: productId,
    nce_sku_id: skuId,
    product_title: get('ProductTitle') || null,
    sku_title: get('SkuTitle') || null,
    term_duration: term,
    billing_plan: get('BillingPlan'),
    market,
    currency,
    unit_price: unitPrice,
    term_months: months,
    monthly_price: months === null ? null : unitPrice / months,
    erp_price: erp,
    effective_start: start,
    effective_end: end,
    tags: get('Tags') || null,
  };
}

/** Columns the job does not know are read past, and said once. */
function unknownColumns(header: string[], rel: string): LoadIssue | undefined {
  const known = new Set([...PRICE_SHEET_COLUMNS, ...PRICE_SHEET_OPTIONAL].map(headerKey));
  const extra = header.filter((h) => !known.has(headerKey(h)));
  if (extra.length === 0) return undefined;
  return {
    severity: 'info',
    code: 'unknown_column',
    file: rel,
    line: 1,
    column: extra[0],
    message: `column${extra.length > 1 ? 's' : ''} ${extra.map((h) => `"${h}"`).join(', ')} not used`,
  };
}

/**
 * Reads a price list. `market` and `currency` (upper case; null = keep all) filter the rows: a European list holds
 * six currencies and the partner pays in one of them.
 */
export function readPriceSheet(bytes: Uint8Array, rel: string, filter: Filter): SheetRead<PriceRow> {
  const sheet = openSheet(bytes, rel, PRICE_SHEET_COLUMNS);
  if ('setAside' in sheet) return sheet.setAside;
  const { layout, issues } = sheet;
  const unknown = unknownColumns(layout.header, rel);
  if (unknown) issues.push(unknown);
  const out: SheetRead<PriceRow> = { rows: [], issues, setAside: false, rejected: 0, filteredOut: 0 };
  const width = layout.header.length;
  for (const rec of sheet.records) {
    const read =
      rec.fields.length !== width
        ? { message: `the row has ${rec.fields.length} columns, the header ${width}; the row is set aside` }
        : priceRow(rec, (col) => (rec.fields[layout.index.get(headerKey(col))!] ?? '').trim(), filter);
    if (read === 'filtered') out.filteredOut++;
    else if ('line' in read) out.rows.push(read);
    else {
      issues.push({
        severity: 'error',
        code: 'bad_row',
        file: rel,
        line: rec.line,
        column: read.column,
        ...read,
      });
      out.rejected++;
    }
  }
  return out;
}

/** Reads the offer matrix: rows without a GUID ProvisioningId (non-licence offers) are left out, not errors. */
export function readOfferMatrix(bytes: Uint8Array, rel: string): SheetRead<OfferMatrixRow> {
  const sheet = openSheet(bytes, rel, ['ProductId', 'SkuId', 'ProvisioningId']);
  if ('setAside' in sheet) return sheet.setAside;
  const { layout, issues } = sheet;
  const out: SheetRead<OfferMatrixRow> = { rows: [], issues, setAside: false, rejected: 0, filteredOut: 0 };
  for (const rec of sheet.records) {
    const get = (col: string) => {
      const i = layout.index.get(headerKey(col));
      return i === undefined ? '' : (rec.fields[i] ?? '').trim();
    };
    const skuId = normaliseGuid(get('ProvisioningId'));
    if (!get('ProductId') || !get('SkuId')) {
      issues.push({
        severity: 'error',
        code: 'bad_row',
        file: rel,
        line: rec.line,
        column: get('ProductId') ? 'SkuId' : 'ProductId',
        message: 'has no value; the row is set aside',
      });
      out.rejected++;
      continue;
    }
    if (!skuId) {
      out.filteredOut++;
      continue;
    }
    out.rows.push({
      product_id: get('ProductId').toUpperCase(),
      nce_sku_id: normaliseSkuId(get('SkuId')),
      sku_id: skuId,
      provisioning_string: get('ProvisioningString') || null,
      product_title: get('ProductTitle') || null,
      sku_title: get('SkuTitle') || null,
    });
  }
  return out;
}
