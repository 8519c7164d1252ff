// Reads CSV files into a temporary DuckDB table, matching columns by header name (any order, extra columns kept
// aside as JSON). DuckDB parses and types every value; a row it cannot read is set aside and reported with its
// line and column, and the rest of the file still loads.
import { open } from 'node:fs/promises';
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/warehouse.js';
import { CsvSniffError, headerKey, sniffCsv, type CsvSniff } from './csvSniff.js';
import type { LoadIssue } from './issues.js';
import { mapPool } from './pool.js';

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

export interface CsvInput {
  rel: string;
  abs: string;
}

export interface CsvReadResult {
  /** files read (even if every row was rejected), with their row counts */
  read: Map<string, { loaded: number; rejected: number }>;
  /** files set aside whole */
  setAside: Set<string>;
  /** the spec's column keys each file read has in its header (the others read as NULL) */
  columns: Map<string, string[]>;
  issues: LoadIssue[];
  /** milliseconds spent per step, for the debug log */
  timings?: Record<string, number>;
}

const TYPE_WORDS: Record<CsvType, string> = {
  VARCHAR: 'text',
  DATE: 'a date (YYYY-MM-DD)',
  BOOLEAN: 'True or False',
  UUID: 'a GUID',
  TIMESTAMPTZ: 'a date-time',
  BIGINT: 'a whole number',
};

/** The first bytes of a file: enough for its header line (4 KiB, or up to 64 KiB for a very long header). */
async function readStart(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    for (const size of [4096, 65536]) {
      const buf = Buffer.alloc(size);
      const { bytesRead } = await fh.read(buf, 0, size, 0);
      const start = buf.subarray(0, bytesRead);
      if (bytesRead < size || start.includes(0x0a)) return start;
    }
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

interface Layout {
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

function describeReject(errorType: string, message: string, type: CsvType | undefined): string {
  if (errorType === 'CAST') {
    const value = /Could not convert string "(.*)" to/s.exec(message)?.[1];
    return `${value !== undefined ? `"${value}"` : 'the value'} is not ${type ? TYPE_WORDS[type] : 'valid'}; the row is set aside`;
  }
  if (errorType === 'MISSING COLUMNS')
    return `the row has too few columns (${message.replace(/^Expected Number of Columns: /, 'expected ')}); set aside`;
  if (errorType === 'TOO MANY COLUMNS')
    return `the row has too many columns (${message.replace(/^Expected Number of Columns: /, 'expected ')}); set aside`;
  if (errorType === 'UNQUOTED VALUE')
    return 'a quoted value is never closed (is the file cut short?); the row is set aside';
  if (errorType === 'INVALID ENCODING') return 'the row has bytes that are not UTF-8 (Latin-1?); set aside';
  return `${message.split('\n')[0]}; the row is set aside`;
}

interface LayoutGroup {
  layout: Layout;
  files: CsvInput[];
}

/** Sniffs each file's start and groups the files by layout (one read_csv per group); sets aside those it cannot read. */
async function groupByLayout(
  files: readonly CsvInput[],
  spec: CsvSpec,
  result: CsvReadResult,
): Promise<LayoutGroup[]> {
  const groups = new Map<string, LayoutGroup>();
  const starts = await mapPool(files, 16, (f) => readStart(f.abs));
  for (const [i, f] of files.entries()) {
    let sniff: CsvSniff;
    try {
      sniff = sniffCsv(starts[i]!);
    } catch (err) {
      if (!(err instanceof CsvSniffError)) throw err;
      result.issues.push({
        severity: 'error',
        code: 'unreadable_csv',
        file: f.rel,
        message: `${err.message}; the file is set aside`,
      });
      result.setAside.add(f.rel);
      continue;
    }
    const layout = layoutFor(sniff, spec, f.rel, result.issues);
    if (!layout) {
      result.setAside.add(f.rel);
      continue;
    }
    result.columns.set(
      f.rel,
      spec.columns.filter((c) => layout.names.includes(c.key)).map((c) => c.key),
    );
    const sig = JSON.stringify([sniff.encoding, sniff.delimiter, layout.names, layout.unknownHeaders]);
    const g = groups.get(sig) ?? { layout, files: [] };
    g.files.push(f);
    groups.set(sig, g);
  }
  return [...groups.values()];
}

/** Where the rows read go: a TEMP table, or a caller's statement reading them as `csv_rows`. */
type Destination =
  { table: string } | { statement: string; params: Record<string, string | number | boolean | null> };

/** One read_csv over a group of files of the same layout, written to `to`; DuckDB keeps the rows it rejects. */
async function readGroup(wh: Warehouse, spec: CsvSpec, group: LayoutGroup, to: Destination): Promise<void> {
  const { layout } = group;
  const columnSpec = layout.names.map((n, i) => `'${n}': '${layout.types[i]}'`).join(', ');
  const select = spec.columns.map((c) =>
    layout.names.includes(c.key) ? c.key : `NULL::${c.type} AS ${c.key}`,
  );
  const extrasParams: Record<string, string> = {};
  const extras = layout.unknownHeaders.length
    ? `json_object(${layout.unknownHeaders
        .map((u, i) => {
          extrasParams[`h${i}`] = u.header;
          return `$h${i}, ${u.name}`;
        })
        .join(', ')})`
    : 'NULL::JSON';
  // Column names in the spec are ours (keys and x<i>); the file's own header names only ever travel as values.
  const read = `read_csv($files, header = true, auto_detect = false, delim = $delim, quote = '"', escape = '"',
      encoding = $encoding, columns = {${columnSpec}}, dateformat = '%Y-%m-%d', filename = true,
      strict_mode = false, store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_reject_scans')`;
  const rows = `SELECT filename, ${select.join(', ')}, ${extras} AS extras FROM ${read}`;
  await wh.run('DROP TABLE IF EXISTS csv_rejects');
  await wh.run('DROP TABLE IF EXISTS csv_reject_scans');
  await wh.con.run(
    'table' in to ? `INSERT INTO ${to.table} ${rows}` : `WITH csv_rows AS (${rows}) ${to.statement}`,
    {
      files: listValue(group.files.map((f) => f.abs)),
      delim: layout.sniff.delimiter,
      encoding: layout.sniff.encoding,
      ...extrasParams,
      ...('params' in to ? to.params : {}),
    },
    { files: LIST(VARCHAR) },
  );
}

/** The rows DuckDB rejected reading a group, as issues naming file, line and column, counted once per line. */
async function reportRejects(
  wh: Warehouse,
  group: LayoutGroup,
  relByAbs: Map<string, string>,
  result: CsvReadResult,
): Promise<void> {
  const { layout } = group;
  const rejects = await wh.all(
    `SELECT s.file_path, e.line, e.column_name, e.error_type, e.error_message
     FROM csv_rejects e JOIN csv_reject_scans s USING (scan_id, file_id) ORDER BY s.file_path, e.line`,
  );
  const rejectedLines = new Set<string>();
  for (const r of rejects) {
    const rel = relByAbs.get(String(r.file_path)) ?? String(r.file_path);
    const key = String(r.column_name ?? '');
    const pos = layout.names.indexOf(key);
    const header = pos >= 0 ? layout.sniff.header[pos] : undefined;
    result.issues.push({
      severity: 'error',
      code: 'bad_row',
      file: rel,
      line: Number(r.line),
      column: header,
      message: describeReject(
        String(r.error_type),
        String(r.error_message),
        pos >= 0 ? layout.types[pos] : undefined,
      ),
    });
    const counts = result.read.get(rel) ?? { loaded: 0, rejected: 0 };
    if (!rejectedLines.has(`${rel}:${String(r.line)}`)) counts.rejected++;
    rejectedLines.add(`${rel}:${String(r.line)}`);
    result.read.set(rel, counts);
  }
  for (const f of group.files)
    if (!result.read.has(f.rel)) result.read.set(f.rel, { loaded: 0, rejected: 0 });
}

/**
 * Reads `files` into TEMP table `target` with columns (filename, <every column key>, extras JSON).
 * A missing optional column reads as NULL.
 */
export async function readCsvFiles(
  wh: Warehouse,
  files: readonly CsvInput[],
  spec: CsvSpec,
  target: string,
  /**
   * Writes the rows somewhere else than the TEMP table: `statement` reads them (filename, columns…, extras) from
   * the relation `csv_rows`, with its own $parameters in `params`. Loaded counts are then left to the caller.
   */
  direct?: { statement: string; params: Record<string, string | number | boolean | null> },
): Promise<CsvReadResult> {
  const result: CsvReadResult = { read: new Map(), setAside: new Set(), issues: [], columns: new Map() };
  const timings: Record<string, number> = {};
  let t = process.hrtime.bigint();
  const lap = (what: string) => {
    const now = process.hrtime.bigint();
    timings[what] = (timings[what] ?? 0) + Number(now - t) / 1e6;
    t = now;
  };
  if (!direct) {
    const colDefs = spec.columns.map((c) => `${c.key} ${c.type}`).join(', ');
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${target} (filename VARCHAR, ${colDefs}, extras JSON)`);
  }
  const groups = await groupByLayout(files, spec, result);
  lap('sniff');
  const relByAbs = new Map(files.map((f) => [f.abs, f.rel]));
  for (const group of groups) {
    await readGroup(wh, spec, group, direct ?? { table: target });
    lap('read_csv');
    await reportRejects(wh, group, relByAbs, result);
  }
  lap('rejects');
  await wh.run('DROP TABLE IF EXISTS csv_rejects');
  await wh.run('DROP TABLE IF EXISTS csv_reject_scans');
  const loaded = direct
    ? []
    : await wh.all(`SELECT filename, count(*)::INTEGER AS n FROM ${target} GROUP BY filename`);
  for (const r of loaded) {
    const rel = relByAbs.get(String(r.filename)) ?? String(r.filename);
    result.read.get(rel)!.loaded = Number(r.n);
  }
  lap('counts');
  result.timings = timings;
  return result;
}
