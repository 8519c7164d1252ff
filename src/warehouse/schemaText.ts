import type { Row, Warehouse } from './warehouse.js';

/**
 * The warehouse's schema as SQL text: every table (columns in their order, types, NOT NULL, defaults, keys), view
 * and stored macro, each kind sorted by name, so that the same migrations always give the same text. For
 * queries/schema/current.sql, where a reader sees every table's shape in one place instead of in ten migrations.
 * The TEMP macros of queries/macros/ are left out: they are code, created at each open, not stored.
 */
export async function schemaText(wh: Warehouse): Promise<string> {
  const stored = "database_name = current_database() AND schema_name = 'main'";
  const columns = await wh.all(
    `SELECT table_name, column_name, data_type, column_default, is_nullable FROM duckdb_columns()
     WHERE ${stored} AND NOT internal ORDER BY table_name, column_index`,
  );
  const keys = await wh.all(
    `SELECT table_name, constraint_text FROM duckdb_constraints()
     WHERE ${stored} AND constraint_type <> 'NOT NULL' ORDER BY table_name, constraint_text`,
  );
  const views = await wh.all(
    `SELECT view_name, sql FROM duckdb_views() WHERE ${stored} AND NOT internal ORDER BY view_name`,
  );
  const macros = await wh.all(
    `SELECT function_name, function_type, parameters, macro_definition FROM duckdb_functions()
     WHERE ${stored} AND function_type IN ('macro', 'table_macro') AND NOT internal
     ORDER BY function_name, macro_definition`,
  );
  const byTable = new Map<string, Row[]>();
  for (const c of columns)
    byTable.set(String(c.table_name), [...(byTable.get(String(c.table_name)) ?? []), c]);
  const tables = [...byTable].map(([table, cols]) =>
    tableText(
      table,
      cols,
      keys.filter((k) => k.table_name === table).map((k) => String(k.constraint_text)),
    ),
  );
  return [
    ...tables,
    ...views.map((v) => `${String(v.sql).trim().replace(/;?$/, ';')}\n`),
    ...macros.map(macroText),
  ].join('\n');
}

function tableText(table: string, columns: Row[], keys: string[]): string {
  const width = Math.max(...columns.map((c) => String(c.column_name).length));
  const lines = columns.map((c) => {
    const name = String(c.column_name).padEnd(width);
    const notNull = c.is_nullable === false ? ' NOT NULL' : '';
    const fallback = c.column_default === null ? '' : ` DEFAULT ${String(c.column_default)}`;
    return `  ${name} ${String(c.data_type)}${notNull}${fallback}`;
  });
  return `CREATE TABLE ${table} (\n${[...lines, ...keys.map((k) => `  ${k}`)].join(',\n')}\n);\n`;
}

function macroText(macro: Row): string {
  // parameters arrive as a list (DuckDB LIST → JSON array) of names
  const parameters = (macro.parameters as unknown as string[]).join(', ');
  const table = macro.function_type === 'table_macro' ? 'TABLE ' : '';
  return `CREATE MACRO ${String(macro.function_name)}(${parameters}) AS ${table}${String(macro.macro_definition)};\n`;
}
