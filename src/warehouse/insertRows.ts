import { duckdb } from './duckdb.js';
import type { Warehouse } from './warehouse.js';

export type ColumnType =
  'varchar' | 'bigint' | 'integer' | 'boolean' | 'date' | 'timestamp' | 'double' | 'json';
export type Value = string | number | boolean | null | undefined;

/** Appends plain JS rows to a table whose columns are exactly `columns`, in order. */
export async function insertRows(
  wh: Warehouse,
  table: string,
  columns: readonly (readonly [name: string, type: ColumnType])[],
  rows: readonly Record<string, Value>[],
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await wh.con.createAppender(table);
  try {
    for (const row of rows) {
      for (const [name, type] of columns) {
        const v = row[name];
        if (v === null || v === undefined) {
          appender.appendNull();
          continue;
        }
        switch (type) {
          case 'varchar':
          case 'json':
            appender.appendVarchar(String(v));
            break;
          case 'bigint':
            appender.appendBigInt(BigInt(v as number));
            break;
          case 'integer':
            appender.appendInteger(Number(v));
            break;
          case 'double':
            appender.appendDouble(Number(v));
            break;
          case 'boolean':
            appender.appendBoolean(Boolean(v));
            break;
          case 'date':
            appender.appendDate(
              new duckdb.DuckDBDateValue(Math.round(Date.parse(`${String(v)}T00:00:00Z`) / 86_400_000)),
            );
            break;
          case 'timestamp':
            appender.appendTimestamp(new duckdb.DuckDBTimestampValue(BigInt(Date.parse(String(v))) * 1000n));
            break;
        }
      }
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
}
