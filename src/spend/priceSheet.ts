// Pure readers for Partner Center's NCE licence-based price list and its offer matrix (licence-spend.md §2, §3), as
// downloaded: every field quoted, a UTF-8 byte-order mark, the documented header's typographic closing quote on
// "ERP Price", three date formats, SkuIds as text. A zipped download is unpacked first. Every row that cannot be read
// is set aside with its file, line and column; a file without a required column is set aside whole.
import { unzipSync } from 'fflate';
import { headerKey } from '../ingest/csvSniff.js';
import type { LoadIssue } from '../ingest/issues.js';
import { normaliseGuid } from '../ingest/values.js';

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

export interface SheetRead<T> {
  rows: T[];
  issues: LoadIssue[];
  /** the file could not be used at all */
  setAside: boolean;
  /** rows set aside */
  rejected: number;
  /** rows left out on purpose (another market or currency) */
  filteredOut: number;
}

/** The 18 documented columns of the `updatedlicensebased` price list (licence-spend.md §2.1), in order. */
export const PRICE_SHEET_COLUMNS = [
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

/** Months in a term; undefined for a term the job cannot divide (P3Y is divided by 36, flagged by the caller). */
export function termMonths(term: string): number | undefined {
  return { P1M: 1, P1Y: 12, P3Y: 36 }[term.trim().toUpperCase()];
}

/** SkuIds are text ('000P', '00G1'); a purely numeric one shorter than 4 characters lost its zeros (Excel). */
export function normaliseSkuId(v: string): string {
  const s = v.trim().toUpperCase();
  return /^\d{1,3}$/.test(s) ? s.padStart(4, '0') : s;
}

const pad = (n: number | string, w = 2) => String(n).padStart(w, '0');

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A price-list date as 'YYYY-MM-DD HH:MM:SS' (UTC), from the three formats Microsoft shows: '2/1/2019 12:00:00 AM',
 * '2/1/2023 0:00' (month first), '2021-10-01T00:00:00.0000000Z'. Undefined when it is none of them.
 */
export function parsePriceDate(v: string): string | undefined {
  const s = v.trim();
  let y: number, mo: number, d: number;
  let h = 0,
    mi = 0,
    sec = 0;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i.exec(s);
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:Z|[+-]00:?00)?)?$/i.exec(s);
  if (us) {
    [mo, d, y] = [Number(us[1]), Number(us[2]), Number(us[3])];
    if (us[4] !== undefined) {
      h = Number(us[4]);
      mi = Number(us[5]);
      sec = Number(us[6] ?? 0);
      const ampm = us[7]?.toUpperCase();
      if (ampm) {
        if (h < 1 || h > 12) return undefined;
        h = (h % 12) + (ampm === 'PM' ? 12 : 0);
      }
    }
  } else if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (iso[4] !== undefined) {
      h = Number(iso[4]);
      mi = Number(iso[5]);
      sec = Number(iso[6] ?? 0);
    }
  } else {
    return undefined;
  }
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return undefined;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(sec)}`;
}

/** A decimal with a dot ('115.2', '48'); undefined for anything else (a comma decimal is not guessed at). */
export function parsePrice(v: string): number | undefined {
  const s = v.trim();
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
}

export interface CsvRecord {
  line: number; // the line the record starts on (1 = the header)
  fields: string[];
}

/** RFC 4180 records with the line each starts on; a quote left open at the end of the text is reported. */
export function parseCsvRecords(text: string): { records: CsvRecord[]; unclosedAt?: number } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (any || field !== '') {
        fields.push(field);
        records.push({ line: start, fields });
      }
      fields = [];
      field = '';
      any = false;
      line++;
      start = line;
    } else {
      field += ch;
      any = true;
    }
  }
  if (quoted) return { records, unclosedAt: start };
  if (any || field !== '') {
    fields.push(field);
    records.push({ line: start, fields });
  }
  return { records };
}

/** The text of a price file: a zip archive (by name or by its first bytes) is unpacked to its first .csv entry. */
export function decodeSheetBytes(bytes: Uint8Array, rel: string): { text: string } | { issue: LoadIssue } {
  const isZipBytes =
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
  let body = bytes;
  if (rel.toLowerCase().endsWith('.zip') || isZipBytes) {
    const fail = (why: string): { issue: LoadIssue } => ({
      issue: { severity: 'error', code: 'bad_zip', file: rel, message: `${why}; the file is set aside` },
    });
    if (!isZipBytes) return fail('is not a zip archive (it does not start with a zip header)');
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(bytes);
    } catch (err) {
      return fail(`is a damaged zip archive (${(err as Error).message})`);
    }
    const name = Object.keys(entries).find((n) => n.toLowerCase().endsWith('.csv'));
    if (!name) return fail('is a zip archive with no .csv file in it');
    body = entries[name]!;
  }
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: buf.subarray(2).toString('utf16le') };
  if (buf[0] === 0xfe && buf[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)) };
  return { text: buf.toString('utf8').replace(/^\uFEFF/, '') };
}

/** The header line with typographic quotes read as plain ones: Microsoft's documented header ends `"ERP Price“`. */
function fixHeaderQuotes(text: string): string {
  const end = text.indexOf('\n');
  const head = end < 0 ? text : text.slice(0, end);
  return head.replace(/[\u201C\u201D\u201E\u201F]/g, '"') + (end < 0 ? '' : text.slice(end));
}

interface Layout {
  index: Map<string, number>;
  header: string[];
}

function readHeader(
  records: CsvRecord[],
  rel: string,
  required: readonly string[],
  issues: LoadIssue[],
): Layout | undefined {
  const header = records[0]?.fields.map((h) => h.trim()) ?? [];
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(headerKey(h))) index.set(headerKey(h), i);
  });
  const missing = required.filter((c) => !index.has(headerKey(c)));
  if (header.length === 0 || missing.length > 0) {
    issues.push({
      severity: 'error',
      code: 'missing_column',
      file: rel,
      line: 1,
      column: missing[0] ?? required[0],
      message: `required column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} missing; the file is set aside`,
    });
    return undefined;
  }
  return { index, header };
}

function records(text: string, rel: string, issues: LoadIssue[]): CsvRecord[] | undefined {
  const parsed = parseCsvRecords(fixHeaderQuotes(text));
  if (parsed.unclosedAt !== undefined) {
    // Rows before the open quote are good; the rest of the file is one broken field.
    issues.push({
      severity: 'error',
      code: 'bad_row',
      file: rel,
      line: parsed.unclosedAt,
      message: 'a quoted value is never closed (is the file cut short?); the rest of the file is set aside',
    });
  }
  if (parsed.records.length === 0) {
    issues.push({ severity: 'error', code: 'empty_file', file: rel, message: 'is empty; set aside' });
    return undefined;
  }
  return parsed.records;
}

function emptySheet<T>(issues: LoadIssue[]): SheetRead<T> {
  return { rows: [], issues, setAside: true, rejected: 0, filteredOut: 0 };
}

/**
 * Reads a price list. `market` and `currency` (upper case; null = keep all) filter the rows: a European list holds
 * six currencies and the partner pays in one of them.
 */
export function readPriceSheet(
  bytes: Uint8Array,
  rel: string,
  filter: { market: string | null; currency: string | null },
): SheetRead<PriceRow> {
  const issues: LoadIssue[] = [];
  const decoded = decodeSheetBytes(bytes, rel);
  if ('issue' in decoded) return emptySheet([decoded.issue]);
  const recs = records(decoded.text, rel, issues);
  if (!recs) return emptySheet(issues);
  const layout = readHeader(recs, rel, PRICE_SHEET_COLUMNS, issues);
  if (!layout) return emptySheet(issues);
  const known = new Set([...PRICE_SHEET_COLUMNS, ...PRICE_SHEET_OPTIONAL].map(headerKey));
  const extra = layout.header.filter((h) => !known.has(headerKey(h)));
  if (extra.length > 0) {
    issues.push({
      severity: 'info',
      code: 'unknown_column',
      file: rel,
      line: 1,
      column: extra[0],
      message: `column${extra.length > 1 ? 's' : ''} ${extra.map((h) => `"${h}"`).join(', ')} not used`,
    });
  }
  const out: SheetRead<PriceRow> = { rows: [], issues, setAside: false, rejected: 0, filteredOut: 0 };
  const width = layout.header.length;
  for (const rec of recs.slice(1)) {
    const get = (col: string) => (rec.fields[layout.index.get(headerKey(col))!] ?? '').trim();
    const bad = (column: string | undefined, message: string) => {
      issues.push({ severity: 'error', code: 'bad_row', file: rel, line: rec.line, column, message });
      out.rejected++;
    };
    if (rec.fields.length !== width) {
      bad(undefined, `the row has ${rec.fields.length} columns, the header ${width}; the row is set aside`);
      continue;
    }
    const market = get('Market').toUpperCase();
    const currency = get('Currency').toUpperCase();
    if ((filter.market && market !== filter.market) || (filter.currency && currency !== filter.currency)) {
      out.filteredOut++;
      continue;
    }
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
    if (empty) {
      bad(empty[0], 'has no value; the row is set aside');
      continue;
    }
    const unitPrice = parsePrice(get('UnitPrice'));
    if (unitPrice === undefined) {
      bad('UnitPrice', `${JSON.stringify(get('UnitPrice'))} is not a number; the row is set aside`);
      continue;
    }
    const erpText = get('ERP Price');
    const erp = erpText === '' ? null : parsePrice(erpText);
    if (erp === undefined) {
      bad('ERP Price', `${JSON.stringify(erpText)} is not a number; the row is set aside`);
      continue;
    }
    const start = parsePriceDate(get('EffectiveStartDate'));
    if (!start) {
      bad(
        'EffectiveStartDate',
        `${JSON.stringify(get('EffectiveStartDate'))} is not a date; the row is set aside`,
      );
      continue;
    }
    const end = parsePriceDate(get('EffectiveEndDate'));
    if (!end) {
      bad(
        'EffectiveEndDate',
        `${JSON.stringify(get('EffectiveEndDate'))} is not a date; the row is set aside`,
      );
      continue;
    }
    const months = termMonths(term) ?? null;
    out.rows.push({
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
    });
  }
  return out;
}

/** Reads the offer matrix: rows without a GUID ProvisioningId (non-licence offers) are left out, not errors. */
export function readOfferMatrix(bytes: Uint8Array, rel: string): SheetRead<OfferMatrixRow> {
  const issues: LoadIssue[] = [];
  const decoded = decodeSheetBytes(bytes, rel);
  if ('issue' in decoded) return emptySheet([decoded.issue]);
  const recs = records(decoded.text, rel, issues);
  if (!recs) return emptySheet(issues);
  const layout = readHeader(recs, rel, ['ProductId', 'SkuId', 'ProvisioningId'], issues);
  if (!layout) return emptySheet(issues);
  const out: SheetRead<OfferMatrixRow> = { rows: [], issues, setAside: false, rejected: 0, filteredOut: 0 };
  for (const rec of recs.slice(1)) {
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
