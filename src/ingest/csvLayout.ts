// The layout of a CSV file from its header line: encoding, delimiter, and which of a spec's columns each position
// holds (by header name, in any order); files of one layout are read by one read_csv (csvRead.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import { CsvSniffError, headerKey, sniffCsv, type CsvSniff } from './csvSniff.js';
import type { LoadIssue } from './issues.js';

export type CsvType = 'VARCHAR' | 'DATE' | 'BOOLEAN' | 'UUID' | 'TIMESTAMPTZ' | 'BIGINT';

export interface CsvColumn {
  key: string; // canonical name, a safe SQL identifier
  headers: string[]; // the names exports use for it
  type: CsvType;
  required?: boolean;
}

/** A date column (YYYY-MM-DD), optional, under any of `headers`. */
export function dateColumn(key: string, ...headers: string[]): CsvColumn {
  return { key, headers, type: 'DATE' };
}

/** Columns an export has that this job knowingly does not use (not kept aside either). */
export interface CsvSpec {
  columns: readonly CsvColumn[];
  ignored?: readonly string[];
}

/** Where grouping reports to: the files set aside, the columns each file has, the issues found. */
export interface CsvReadResultLike {
  setAside: Set<string>;
  columns: Map<string, string[]>;
  issues: LoadIssue[];
}

export interface CsvInput {
  rel: string;
  abs: string;
  /** the file's header line, when whoever found the file kept it (drop.ts); otherwise the file's start is read */
  head?: Buffer | undefined;
}

/**
 * The first bytes of a file: enough for its header line (4 KiB, or up to 64 KiB for a very long header). Read
 * directly, not through the thread pool: thousands of files, a few bytes each.
 */
function readStart(file: string): Buffer {
  const fd = openSync(file, 'r');
  const read = (size: number) => {
    const buf = Buffer.alloc(size);
    return buf.subarray(0, readSync(fd, buf, 0, size, 0));
  };
  try {
    const start = read(4096);
    return start.length < 4096 || start.includes(0x0a) ? start : read(65536);
  } finally {
    closeSync(fd);
  }
}

export interface Layout {
  sniff: CsvSniff;
  /** per header position: the canonical key, or x<i> for a column kept aside */
  names: string[];
  types: CsvType[];
  unknownHeaders: { name: string; header: string }[];
}

function layoutFor(sniff: CsvSniff, spec: CsvSpec, rel: string, issues: LoadIssue[]): Layout | undefined {
  const { columns } = spec;
  const ignored = new Set((spec.ignored ?? []).map(headerKey));
  const byHeader = new Map<string, CsvColumn>();
  for (const c of columns) for (const h of c.headers) byHeader.set(headerKey(h), c);
  const names: string[] = [];
  const types: CsvType[] = [];
  const unknownHeaders: Layout['unknownHeaders'] = [];
  const seen = new Map<string, number>();
  for (const [i, header] of sniff.header.entries()) {
    const col = byHeader.get(headerKey(header));
    if (col) {
      if (seen.has(col.key)) {
        issues.push({
          severity: 'error',
          code: 'duplicate_column',
          file: rel,
          line: 1,
          column: header,
          message: `the header names column "${header}" twice (positions ${seen.get(col.key)! + 1} and ${i + 1}); the file is set aside`,
        });
        return undefined;
      }
      seen.set(col.key, i);
      names.push(col.key);
      types.push(col.type);
    } else {
      names.push(`x${i}`);
      types.push('VARCHAR');
      if (!ignored.has(headerKey(header))) unknownHeaders.push({ name: `x${i}`, header });
    }
  }
  const missing = columns.filter((c) => c.required && !seen.has(c.key));
  if (missing.length) {
    const hint =
      sniff.header.length === 1 && /[;\t|]/.test(sniff.header[0]!)
        ? ' (the header is one column: is the delimiter wrong?)'
        : '';
    issues.push({
      severity: 'error',
      code: 'missing_column',
      file: rel,
      line: 1,
      column: missing[0]!.headers[0],
      message: `required column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c.headers[0]}"`).join(', ')} missing${hint}; the file is set aside`,
    });
    return undefined;
  }
  if (sniff.delimiter !== ',') {
    const shown = sniff.delimiter === '\t' ? 'tab' : `"${sniff.delimiter}"`;
    issues.push({
      severity: 'warning',
      code: 'delimiter',
      file: rel,
      message: `is separated by ${shown}, not commas; read as such`,
    });
  }
  if (sniff.encoding !== 'utf-8') {
    issues.push({
      severity: 'warning',
      code: 'encoding',
      file: rel,
      message: `is ${sniff.encoding.toUpperCase()}, not UTF-8; read as such`,
    });
  }
  return { sniff, names, types, unknownHeaders };
}

export interface LayoutGroup {
  layout: Layout;
  files: CsvInput[];
}

/** One distinct header's layout, or why files with that header cannot be read. */
interface Sniffed {
  error?: string;
  layout?: Layout;
  /** what layoutFor said, for the first file of this header (its name replaced for each other file) */
  issues: LoadIssue[];
  sig?: string;
  columns?: string[];
}

/** The layout of a file from its header line: worked out once per distinct header, not once per file. */
function sniffFile(start: Buffer, rel: string, spec: CsvSpec): Sniffed {
  let sniff: CsvSniff;
  try {
    sniff = sniffCsv(start);
  } catch (err) {
    if (!(err instanceof CsvSniffError)) throw err;
    return { error: err.message, issues: [] };
  }
  const issues: LoadIssue[] = [];
  const layout = layoutFor(sniff, spec, rel, issues);
  if (!layout) return { issues };
  return {
    layout,
    issues,
    sig: JSON.stringify([sniff.encoding, sniff.delimiter, layout.names, layout.unknownHeaders]),
    columns: spec.columns.filter((c) => layout.names.includes(c.key)).map((c) => c.key),
  };
}

/** Sniffs each file's start and groups the files by layout (one read_csv per group); sets aside those it cannot read. */
export function groupByLayout(
  files: readonly CsvInput[],
  spec: CsvSpec,
  result: Pick<CsvReadResultLike, 'setAside' | 'columns' | 'issues'>,
): LayoutGroup[] {
  const groups = new Map<string, LayoutGroup>();
  // Thousands of tenants' reports, a handful of distinct headers: the sniff depends on the first line alone.
  const byHeader = new Map<string, Sniffed>();
  for (const f of files) {
    const start = f.head ?? readStart(f.abs);
    const nl = start.indexOf(0x0a);
    const key = start.subarray(0, nl < 0 ? start.length : nl).toString('latin1');
    const s = byHeader.get(key) ?? sniffFile(start, f.rel, spec);
    byHeader.set(key, s);
    result.issues.push(...s.issues.map((i) => ({ ...i, file: f.rel })));
    if (s.error !== undefined) {
      result.issues.push({
        severity: 'error',
        code: 'unreadable_csv',
        file: f.rel,
        message: `${s.error}; the file is set aside`,
      });
    }
    if (!s.layout || !s.sig) {
      result.setAside.add(f.rel);
      continue;
    }
    result.columns.set(f.rel, s.columns ?? []);
    const g = groups.get(s.sig) ?? { layout: s.layout, files: [] };
    g.files.push(f);
    groups.set(s.sig, g);
  }
  return [...groups.values()];
}
