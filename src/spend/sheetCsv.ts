// Reading a price file as CSV records, before any column means anything: a zipped download unpacked, the text
// decoded (UTF-8 with or without BOM, UTF-16), the header's typographic quotes read as plain ones, and records
// with the line each starts on, so that a set-aside row can be named by its line. Pure.
import { unzipSync } from 'fflate';
import { headerKey } from '../ingest/csvSniff.js';
import type { LoadIssue } from '../ingest/issues.js';

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

export interface Layout {
  index: Map<string, number>;
  header: string[];
}

export function readHeader(
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

export function sheetRecords(text: string, rel: string, issues: LoadIssue[]): CsvRecord[] | undefined {
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

export function emptySheet<T>(issues: LoadIssue[]): SheetRead<T> {
  return { rows: [], issues, setAside: true, rejected: 0, filteredOut: 0 };
}

/** A sheet opened to its data rows: the records after the header and the header's layout, or the sheet set aside. */
export function openSheet(
  bytes: Uint8Array,
  rel: string,
  required: readonly string[],
): { records: CsvRecord[]; layout: Layout; issues: LoadIssue[] } | { setAside: SheetRead<never> } {
  const issues: LoadIssue[] = [];
  const decoded = decodeSheetBytes(bytes, rel);
  if ('issue' in decoded) return { setAside: emptySheet([decoded.issue]) };
  const recs = sheetRecords(decoded.text, rel, issues);
  if (!recs) return { setAside: emptySheet(issues) };
  const layout = readHeader(recs, rel, required, issues);
  if (!layout) return { setAside: emptySheet(issues) };
  return { records: recs.slice(1), layout, issues };
}
