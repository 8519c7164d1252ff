// The statements of queries/staging/<table>.sql. One file holds everything that writes or checks one staging table,
// each statement under a `-- name: <statement>` line, because DuckDB prepares one statement at a time.
import { UserError } from '../errors.js';
import type { Params, Row, Warehouse } from '../warehouse/warehouse.js';
import { sqlFile } from '../warehouse/sqlFiles.js';

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
