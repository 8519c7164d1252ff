import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBResultReader,
  DuckDBTypeId,
  DuckDBValue,
} from '@duckdb/node-api';
import { UserError, errorMessage } from '../errors.js';
import { duckdb } from './duckdb.js';
import { busyMessage, holderOf, removeHolder, writeHolder } from './holder.js';
import { listMacros, listMigrations, parameterNames, sqlFile } from './sqlFiles.js';

export type Params = Record<string, string | number | boolean | null>;

export type Row = Record<string, string | number | boolean | null>;

const NUMERIC_AS_TEXT = new Set<DuckDBTypeId>([
  duckdb.DuckDBTypeId.BIGINT,
  duckdb.DuckDBTypeId.HUGEINT,
  duckdb.DuckDBTypeId.UBIGINT,
  duckdb.DuckDBTypeId.UHUGEINT,
  duckdb.DuckDBTypeId.DECIMAL,
]);

/** Plain rows: dates as 'YYYY-MM-DD', timestamps as ISO text, every number a JS number (never bigint). */
export function plainRows(result: DuckDBResultReader): Row[] {
  const rows = result.getRowObjectsJson() as Record<string, unknown>[];
  const numericCols: string[] = [];
  for (let i = 0; i < result.columnCount; i++) {
    if (NUMERIC_AS_TEXT.has(result.columnType(i).typeId)) numericCols.push(result.columnName(i));
  }
  for (const row of rows) {
    for (const c of numericCols) if (row[c] !== null && row[c] !== undefined) row[c] = Number(row[c]);
  }
  return rows as Row[];
}

function pickParams(sql: string, params: Params | undefined): Record<string, DuckDBValue> | undefined {
  if (!params) return undefined;
  const used = parameterNames(sql);
  if (used.size === 0) return undefined;
  const out: Record<string, DuckDBValue> = {};
  for (const name of used) {
    if (!(name in params)) throw new Error(`SQL parameter $${name} was not given`);
    out[name] = params[name] as DuckDBValue;
  }
  return out;
}

/** DuckDB's settings for the warehouse. */
function instanceSettings(options: { threads?: number; memoryLimit?: string }): Record<string, string> {
  return {
    threads: String(options.threads ?? 2),
    ...(options.memoryLimit ? { memory_limit: options.memoryLimit } : {}),
    // Extensions cannot be downloaded here; fail fast instead of waiting on the network.
    autoinstall_known_extensions: 'false',
    // DuckDB's checkpoint_threshold stays at its 16 MB: raised to 256 MB it saved a night's ingest 0.2 s, but a
    // backfill then left a layout whose next checkpoints took seconds (docs/sizing.md).
    // No merging of row groups at commits: DuckDB merges adjacent row groups at a checkpoint whenever they fit in
    // fewer, and on some nights that rewrote whole small tables inside the nightly commit (1.8 s of a 6.5 s 1×
    // ingest on the night after a backfill; a tenth of a 10× recompute). Row groups left unmerged cost the queries
    // nothing measurable (docs/sizing.md); a compaction (compaction.ts) merges them once a week.
    max_vacuum_tasks: '0',
  };
}

export class Warehouse {
  private constructor(
    readonly file: string,
    private readonly instance: DuckDBInstance,
    readonly con: DuckDBConnection,
  ) {}

  static async open(
    file: string,
    options: {
      threads?: number;
      memoryLimit?: string;
      migrate?: boolean;
      migrateUpTo?: number;
      /** how long to wait for another process to close the warehouse */
      busyWaitMs?: number;
      /** what this process is doing, for the message another process shows while it waits */
      purpose?: string;
      /** told once, when the warehouse is found busy and the wait begins: one line saying what it waits for */
      onWait?: (line: string) => void;
      /**
       * whether a missing warehouse (and its folder) may be created: only the commands that load data do so
       * (and say so); for the others a wrong path is an error, not a new empty warehouse. 'in-existing-folder':
       * the file, but never a folder (the scheduler's jobs)
       */
      create?: boolean | 'in-existing-folder';
    } = {},
  ): Promise<Warehouse> {
    const onDisk = file !== ':memory:';
    const created = onDisk && !existsSync(file);
    const dir = path.dirname(path.resolve(file));
    if (
      created &&
      (options.create === false || (options.create === 'in-existing-folder' && !existsSync(dir)))
    ) {
      throw new UserError(
        existsSync(dir)
          ? `there is no warehouse at ${file}: check warehouse.path in the configuration (or --db); \`adoption ingest\` or \`adoption backfill\` creates a new one`
          : `the warehouse folder ${dir} does not exist (warehouse.path or --db: ${file}): check the path; \`adoption ingest\` or \`adoption backfill\` creates a new warehouse`,
      );
    }
    if (onDisk) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const deadline = Date.now() + (options.busyWaitMs ?? 0);
    let instance: DuckDBInstance | undefined;
    let waiting = false;
    while (!instance) {
      try {
        instance = await duckdb.DuckDBInstance.create(file, instanceSettings(options));
      } catch (err) {
        const msg = (err as Error).message;
        if (!/Could not set lock|Conflicting lock/i.test(msg)) throw new UserError(openFailure(file, msg));
        // DuckDB lets one process open a file at a time: wait for it, then say who holds it. The line is said at
        // the first refusal whenever there is a wait at all (a slow first attempt may already use up a short one).
        if (!waiting && (options.busyWaitMs ?? 0) > 0) {
          waiting = true;
          options.onWait?.(
            `waiting up to ${Math.round((options.busyWaitMs ?? 0) / 1000)} s for the warehouse ${file}: it is in use by ${holderOf(file, msg)}`,
          );
        }
        if (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        throw new UserError(busyMessage(file, msg, options.busyWaitMs ?? 0), 4);
      }
    }
    const con = await instance.connect();
    // Stored timestamps are UTC (now()::TIMESTAMP follows the TimeZone setting, which follows the process's TZ).
    await con.run("SET TimeZone = 'UTC'");
    const wh = new Warehouse(file, instance, con);
    wh.created = created;
    if (onDisk) writeHolder(file, options.purpose ?? 'adoption');
    try {
      if (options.migrate !== false) await wh.migrate(options.migrateUpTo);
    } catch (err) {
      wh.close();
      // An upgrade that copies tables can fill the disk: said as any other command's full disk, naming the file.
      const plain = environmentProblem(file, errorMessage(err));
      throw plain ? new UserError(plain) : err;
    }
    return wh;
  }

  /** Applies the numbered migrations not yet applied; refuses a warehouse made by a newer version. */
  async migrate(upTo = Number.POSITIVE_INFINITY): Promise<number[]> {
    await this.con.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)',
    );
    const applied = new Set(
      (await this.all('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
    );
    const known = listMigrations();
    const newest = Math.max(0, ...known.map((m) => m.version));
    const newer = [...applied].filter((v) => v > newest);
    if (newer.length) {
      throw new UserError(
        `the warehouse ${this.file} has schema version ${Math.max(...newer)}, newer than this program knows (${newest}); upgrade adoption-insights or use another warehouse`,
      );
    }
    const done: number[] = [];
    for (const m of known) {
      if (applied.has(m.version) || m.version > upTo) continue;
      await this.transaction(async () => {
        await this.con.run(m.sql);
        await this.run('INSERT INTO schema_migrations VALUES ($v, $n, current_timestamp)', {
          v: m.version,
          n: m.name,
        });
      });
      done.push(m.version);
    }
    // TEMP macros, created at each open (listMacros says why); a table macro binds its tables when it is created,
    // so only a warehouse whose schema is complete gets them.
    if (upTo >= newest)
      for (const macro of listMacros())
        await this.con.run(macro.sql).catch((err: Error) => {
          throw new Error(`queries/macros/${macro.name}.sql: ${err.message}`, { cause: err });
        });
    return done;
  }

  async schemaVersion(): Promise<number> {
    const rows = await this.all('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    return Number(rows[0]?.v ?? 0);
  }

  /** Runs SQL text with named `$parameters`. */
  async run(sql: string, params?: Params): Promise<void> {
    await this.con.run(sql, pickParams(sql, params)).catch((err: unknown) => {
      throw this.plain(err);
    });
  }

  /** Writes what was committed into the file now (without merging row groups: compaction.ts does that). */
  async checkpoint(): Promise<void> {
    await this.run('CHECKPOINT');
  }

  async all(sql: string, params?: Params): Promise<Row[]> {
    return plainRows(
      await this.con.runAndReadAll(sql, pickParams(sql, params)).catch((err: unknown) => {
        throw this.plain(err);
      }),
    );
  }

  /** A failure of the environment (disk full, read-only, damaged file) as a plain message; a bug as it is. */
  private plain(err: unknown): unknown {
    const plain = environmentProblem(this.file, err instanceof Error ? err.message : String(err));
    return plain ? new UserError(plain) : err;
  }

  /** The columns a query yields, with their DuckDB types (none of its rows is read). */
  async columnsOf(sql: string, params?: Params): Promise<{ name: string; type: string }[]> {
    const reader = await this.con.runAndReadAll(`SELECT * FROM (${sql}) LIMIT 0`, pickParams(sql, params));
    return reader.columnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
  }

  /** The text of queries/<name>.sql, for a statement that wraps it (COPY). */
  sql(name: string): string {
    return sqlFile(name);
  }

  /** Runs queries/<name>.sql. */
  async runFile(name: string, params?: Params): Promise<void> {
    await this.run(sqlFile(name), params).catch((err: Error) => {
      if (err instanceof UserError) throw err;
      throw new Error(`queries/${name}.sql: ${err.message}`, { cause: err });
    });
  }

  async allFile(name: string, params?: Params): Promise<Row[]> {
    return this.all(sqlFile(name), params).catch((err: Error) => {
      if (err instanceof UserError) throw err;
      throw new Error(`queries/${name}.sql: ${err.message}`, { cause: err });
    });
  }

  /** Rows of queries/<name>.sql a chunk at a time, converted as `all` does: for results too big to hold at once. */
  async *streamFile(name: string, params?: Params): AsyncGenerator<Row> {
    const sql = sqlFile(name);
    const result = await this.con.stream(sql, pickParams(sql, params));
    const numeric: string[] = [];
    for (let i = 0; i < result.columnCount; i++) {
      if (NUMERIC_AS_TEXT.has(result.columnType(i).typeId)) numeric.push(result.columnName(i));
    }
    for await (const chunk of result.yieldRowObjectJson()) {
      for (const row of chunk as Record<string, unknown>[]) {
        for (const c of numeric) if (row[c] !== null && row[c] !== undefined) row[c] = Number(row[c]);
        yield row as Row;
      }
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.run('COMMIT');
      return out;
    } catch (err) {
      await this.con.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.con.closeSync();
    this.instance.closeSync();
    if (this.file !== ':memory:') removeHolder(this.file);
  }

  private closed = false;
  /** true when this open created the warehouse file */
  created = false;
}

/**
 * What a DuckDB error means when the cause is the machine, not the program: one line saying what happened and what
 * to do, or null for anything else (a bug keeps its stack trace). A file DuckDB names that is not the warehouse (an
 * export's output) is named instead. Pure.
 */
export function environmentProblem(file: string | null, message: string): string | null {
  const wh = file === null ? 'the warehouse' : `the warehouse ${file}`;
  const first = message.split('\n')[0]!.slice(0, 200);
  const named = /file "([^"]+)"/i.exec(message)?.[1];
  const other =
    named !== undefined && file !== null && !path.resolve(named).startsWith(path.resolve(file))
      ? `the file ${named}`
      : null;
  const subject = other ?? wh;
  if (/No space left on device|ENOSPC|disk quota exceeded|EDQUOT/i.test(message))
    return `the disk holding ${subject} is full (${first}); free some space and run the command again: what was committed before is intact`;
  if (/Read-only file system|EROFS|database is opened in read-only mode/i.test(message))
    return `${subject} is on a read-only file system (${first}); make it writable and run the command again`;
  if (/Permission denied|EACCES/i.test(message))
    return `${subject} cannot be written: permission denied (${first}); check its owner and mode`;
  if (
    /not a valid DuckDB database|Failed to read database header|Corrupt database file|checksum \d+ does not match/i.test(
      message,
    )
  )
    return `${wh} is damaged or is not a DuckDB warehouse (${first}); restore it from a backup, or move it aside and rebuild it with \`adoption backfill\` from the drops`;
  // A night larger than DuckDB's memory limit (10× the largest partner at the default limit): the fix is a setting.
  if (/Out of Memory Error/i.test(message))
    return `DuckDB ran out of the memory the warehouse may use (${first}); raise warehouse.memoryLimit in the configuration (docs/sizing.md has what each size needs) and run the command again: what was committed before is intact`;
  if (/database has been invalidated/i.test(message))
    return `${wh} stopped after an earlier write failed (${first}); fix the cause (a full disk?) and run the command again: what was committed before is intact`;
  return null;
}

function openFailure(file: string, message: string): string {
  return environmentProblem(file, message) ?? `cannot open the warehouse ${file}: ${message.split('\n')[0]}`;
}
