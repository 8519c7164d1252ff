// Reads CSV files into a temporary DuckDB table, matching columns by header name (any order, extra columns kept
// aside as JSON). DuckDB parses and types every value; a row it cannot read is set aside and reported with its
// line and column, and the rest of the file still loads.
import { duckdb } from '../warehouse/duckdb.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { groupByLayout, type CsvInput, type CsvSpec, type CsvType, type LayoutGroup } from './csvLayout.js';
import type { LoadIssue } from './issues.js';

export { dateColumn, type CsvColumn, type CsvInput, type CsvSpec, type CsvType } from './csvLayout.js';

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
      files: duckdb.listValue(group.files.map((f) => f.abs)),
      delim: layout.sniff.delimiter,
      encoding: layout.sniff.encoding,
      ...extrasParams,
      ...('params' in to ? to.params : {}),
    },
    { files: duckdb.LIST(duckdb.VARCHAR) },
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
  const groups = groupByLayout(files, spec, result);
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
