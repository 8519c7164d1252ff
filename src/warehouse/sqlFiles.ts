import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/load.js';

export const QUERIES_DIR = path.join(PROJECT_ROOT, 'queries');

const cache = new Map<string, string>();

/** The text of queries/<name>.sql, e.g. sqlFile('metrics/adoption_daily'). */
export function sqlFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(QUERIES_DIR, `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** queries/schema/NNN_name.sql, in version order. */
export function listMigrations(dir = path.join(QUERIES_DIR, 'schema')): Migration[] {
  return readdirSync(dir)
    .map((file) => /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: Number(m[1]), name: m[2]!, sql: readFileSync(path.join(dir, m[0]), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/**
 * queries/macros/*.sql in name order: the macros the queries call, created (TEMP) each time the warehouse opens. A
 * macro is part of the queries that call it, not of the data's shape: defined by a migration it would be stored in
 * each warehouse file, so every later change to it would need a new migration (its current text then spread over
 * several files) and a warehouse would hold whichever version last migrated it. Created at open, it is always the
 * one the running program's queries were written against, and its one definition is its file.
 */
export function listMacros(dir = path.join(QUERIES_DIR, 'macros')): { name: string; sql: string }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ name: file.slice(0, -4), sql: readFileSync(path.join(dir, file), 'utf8') }));
}

/** The `$name` parameters a statement uses, so that callers can pass a superset. */
export function parameterNames(sql: string): Set<string> {
  const withoutComments = sql.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");
  return new Set([...withoutComments.matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!));
}
