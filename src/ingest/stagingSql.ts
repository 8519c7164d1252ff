// The statements of queries/staging/<table>.sql. One file holds everything that writes or checks one staging table,
// each statement under a `-- name: <statement>` line, because DuckDB prepares one statement at a time.
import { UserError } from '../errors.js';
import { insertRows } from '../warehouse/insertRows.js';
import type { Params, Row, Warehouse } from '../warehouse/warehouse.js';
import { sqlFile } from '../warehouse/sqlFiles.js';
import type { DropFile } from './drop.js';

const parsed = new Map<string, Map<string, string>>();

function statementsOf(table: string): Map<string, string> {
  let statements = parsed.get(table);
  if (!statements) {
    statements = new Map();
    const sections = sqlFile(`staging/${table}`).split(/^-- name: *([a-z_]+) *$/m);
    for (let i = 1; i < sections.length; i += 2) statements.set(sections[i]!, sections[i + 1]!.trim());
    parsed.set(table, statements);
  }
  return statements;
}

/** The text of one named statement of queries/staging/<table>.sql. */
export function stagingStatement(table: string, name: string): string {
  const sql = statementsOf(table).get(name);
  if (sql === undefined) throw new Error(`queries/staging/${table}.sql has no statement "-- name: ${name}"`);
  return sql;
}

function located(table: string, name: string): (err: Error) => never {
  return (err) => {
    if (err instanceof UserError) throw err;
    throw new Error(`queries/staging/${table}.sql (${name}): ${err.message}`, { cause: err });
  };
}

export async function runStaging(wh: Warehouse, table: string, name: string, params?: Params): Promise<void> {
  await wh.run(stagingStatement(table, name), params).catch(located(table, name));
}

export async function allStaging(
  wh: Warehouse,
  table: string,
  name: string,
  params?: Params,
): Promise<Row[]> {
  return wh.all(stagingStatement(table, name), params).catch(located(table, name));
}

/** Appends rows of text columns to a TEMP table a statement joins to (values checked in TypeScript, file lists). */
export async function appendText(
  wh: Warehouse,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, string | null | undefined>[],
): Promise<void> {
  await insertRows(
    wh,
    table,
    columns.map((c) => [c, 'varchar'] as const),
    rows,
  );
}

/**
 * Creates the TEMP table of `files` (the `create_files` statement of the staging table's file) through which a
 * statement tags each CSV row with its file and tenant: read_csv's filename (abs), the drop path (rel), the tenant.
 */
export async function stageFileList(
  wh: Warehouse,
  table: string,
  fileTable: string,
  files: readonly DropFile[],
): Promise<void> {
  await runStaging(wh, table, 'create_files');
  await appendText(
    wh,
    fileTable,
    ['abs', 'rel', 'customer_id'],
    files.map((f) => ({ abs: f.abs, rel: f.rel, customer_id: f.customerId })),
  );
}
