// The help desk's tickets.csv (DESIGN.md §2): every row that cannot be read is set aside with its line, column and
// reason; opened_at is parsed by the configured format and time zone (ticketTimes.ts). Returns the rows for
// stg_tickets. Statements: queries/staging/stg_tickets.sql.
import { readFile } from 'node:fs/promises';
import type { Config } from '../../config/schema.js';
import type { ColumnType, Value } from '../../warehouse/insertRows.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { readCsvFiles, type CsvSpec } from '../csvRead.js';
import type { DropFile } from '../drop.js';
import { newSourceLoad, setAside, type SourceLoad } from '../loadLedger.js';
import { allStaging, runStaging } from '../stagingSql.js';
import { compileTimeFormat, parseOpenedAt, recordStartLines, type TimeFormat } from '../ticketTimes.js';

/** The help desk's tickets.csv (DESIGN.md §2). */
export const TICKETS: CsvSpec = {
  columns: [
    { key: 'ticket_id', headers: ['ticket_id'], type: 'VARCHAR', required: true },
    { key: 'customer_id', headers: ['customer_id', 'tenant_id'], type: 'UUID', required: true },
    // Read as text and parsed by parseOpenedAt: DuckDB's own cast turns a value it cannot read into NULL in silence.
    { key: 'opened_at', headers: ['opened_at'], type: 'VARCHAR', required: true },
    { key: 'category', headers: ['category'], type: 'VARCHAR', required: true },
    { key: 'product', headers: ['product'], type: 'VARCHAR' },
  ],
};

/** stg_tickets, column by column (queries/staging/stg_tickets.sql). */
export const TICKET_COLUMNS: [string, ColumnType][] = [
  ['snapshot_date', 'date'],
  ['ticket_id', 'varchar'],
  ['customer_id', 'varchar'],
  ['opened_at', 'timestamp'],
  ['category', 'varchar'],
  ['product', 'varchar'],
];

const TABLE = 'stg_tickets';

/** The tickets of one tickets.csv, a ticket listed twice once (its latest opening). */
export async function readTickets(
  wh: Warehouse,
  file: DropFile,
  opts: { date: string; tickets: Config['tickets'] },
): Promise<SourceLoad & { rows: Record<string, Value>[] }> {
  const load = newSourceLoad();
  const read = await readCsvFiles(wh, [file], TICKETS, 'tmp_tickets');
  load.issues.push(...read.issues);
  if (read.setAside.has(file.rel)) {
    load.outcomes.set(file.rel, setAside());
    await runStaging(wh, TABLE, 'drop_temp');
    return { ...load, rows: [] };
  }
  const rows = await allStaging(wh, TABLE, 'rows');
  await runStaging(wh, TABLE, 'drop_temp');
  // Each row is named by the line its record starts on, the reader's rejects (already reported with their lines)
  // left out.
  const rejectedLines = new Set(
    read.issues.filter((i) => i.file === file.rel && i.line !== undefined).map((i) => i.line!),
  );
  const starts = recordStartLines(await readFile(file.abs)).slice(1);
  const lines = starts.filter((l) => !rejectedLines.has(l));
  const lineOf = (k: number) => (lines.length === rows.length ? lines[k] : undefined);
  const format = opts.tickets.openedAtFormat
    ? (compileTimeFormat(opts.tickets.openedAtFormat) as TimeFormat)
    : null;
  const counts = read.read.get(file.rel)!;
  const kept = new Map<string, Record<string, Value>>();
  const refuse = (k: number, column: string, reason: string) => {
    counts.rejected++;
    load.issues.push({
      severity: 'error',
      code: 'bad_row',
      file: file.rel,
      line: lineOf(k),
      column,
      message: `${reason}; the row is set aside`,
    });
  };
  rows.forEach((r, k) => {
    if (!r.ticket_id) return refuse(k, 'ticket_id', 'the ticket id is empty');
    if (!r.customer_id) return refuse(k, 'customer_id', 'the customer id is empty');
    const opened = parseOpenedAt(r.opened_at as string | null, { format, timeZone: opts.tickets.timeZone });
    if (!opened.ok) return refuse(k, 'opened_at', opened.reason);
    const row = {
      snapshot_date: opts.date,
      ticket_id: String(r.ticket_id),
      customer_id: String(r.customer_id),
      opened_at: opened.utc,
      category: String(r.category ?? ''),
      product: r.product as string | null,
    };
    // A ticket listed twice: its latest opening is kept.
    const prev = kept.get(row.ticket_id);
    if (!prev || String(prev.opened_at) < row.opened_at) kept.set(row.ticket_id, row);
  });
  counts.loaded = rows.length - (counts.rejected - rejectedLines.size);
  load.outcomes.set(file.rel, { ...counts, status: 'loaded' });
  return { ...load, rows: [...kept.values()] };
}
