// `tsx bench/checkpoint-nights.ts --db WAREHOUSE [--nights 60] [--max-vacuum-tasks 0] [--compact-every 7]`: how much of a nightly
// ingest's commit is DuckDB merging row groups, night after night, and what a weekly compaction costs instead. A copy of the warehouse gets one simulated night after another (every
// table with a snapshot_date gains its last night's rows again, a day later, in one transaction, as an ingest
// appends them), and each night's commit and checkpoint are timed. DuckDB checkpoints at such a commit: it compresses the new rows,
// and merges adjacent row groups when they fit in fewer, which some nights rewrites a whole small table
// (docs/sizing.md says what this showed). --max-vacuum-tasks is DuckDB's setting for the commits: 0, the warehouse's
// (no merges), or DuckDB's default 100 (merges at every commit, as the job did before compactions). --compact-every N
// merges every N nights (src/warehouse/compaction.ts: one checkpoint with DuckDB's default), timed apart. The
// warehouse itself is not touched.
import { DuckDBInstance } from '@duckdb/node-api';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) {
    console.error(
      'usage: tsx bench/checkpoint-nights.ts --db WAREHOUSE [--nights 60] [--max-vacuum-tasks 0] [--compact-every 7]',
    );
    process.exit(2);
  }
  return value;
}

const source = arg('db');
const nights = Number(arg('nights', '60'));
const maxVacuumTasks = arg('max-vacuum-tasks', '0');
const compactEvery = Number(arg('compact-every', '0'));
const dir = mkdtempSync(path.join(os.tmpdir(), 'checkpoint-nights-'));
const copy = path.join(dir, 'warehouse.duckdb');
copyFileSync(source, copy);
try {
  const instance = await DuckDBInstance.create(copy, { threads: '2', max_vacuum_tasks: maxVacuumTasks });
  const con = await instance.connect();
  const tables = (
    await con.runAndReadAll(
      `SELECT table_name FROM duckdb_columns() WHERE column_name = 'snapshot_date' AND NOT internal ORDER BY 1`,
    )
  )
    .getRowObjects()
    .map((r) => String(r.table_name));
  // One statement per table, the night's rows copied: the same rows, so each night compresses alike and only the
  // merges differ from one night to the next.
  const appendNight = tables.map(
    (t) =>
      `INSERT INTO ${t} SELECT * REPLACE (snapshot_date + 1 AS snapshot_date) FROM ${t}
       WHERE snapshot_date = (SELECT max(snapshot_date) FROM ${t})`,
  );
  const commits: number[] = [];
  const compactions: number[] = [];
  for (let night = 1; night <= nights; night++) {
    await con.run('BEGIN TRANSACTION');
    for (const sql of appendNight) await con.run(sql);
    const started = performance.now();
    await con.run('COMMIT');
    // The ingest's commit writes more to the write-ahead log than these copies do, and checkpoints (the log is past
    // checkpoint_threshold); here the copies' large inserts bypass the log, so the checkpoint is asked for.
    await con.run('CHECKPOINT');
    commits.push((performance.now() - started) / 1000);
    process.stderr.write(`night ${night}: commit ${commits.at(-1)!.toFixed(2)} s\n`);
    if (compactEvery > 0 && night % compactEvery === 0) {
      const t = performance.now();
      // As compaction.ts does: a row to write, so that the checkpoint looks at every table, merging on for it.
      await con.run('CREATE TABLE IF NOT EXISTS bench_compactions (night INTEGER)');
      await con.run(`INSERT INTO bench_compactions VALUES (${night})`);
      await con.run('SET max_vacuum_tasks = 100');
      await con.run('CHECKPOINT');
      await con.run(`SET max_vacuum_tasks = ${Number(maxVacuumTasks)}`);
      compactions.push((performance.now() - t) / 1000);
      process.stderr.write(`night ${night}: compaction ${compactions.at(-1)!.toFixed(2)} s\n`);
    }
  }
  con.closeSync();
  instance.closeSync();
  const sorted = [...commits].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  console.log(
    JSON.stringify({
      warehouse: source,
      tables: tables.length,
      nights,
      maxVacuumTasks: Number(maxVacuumTasks),
      commitSeconds: {
        first: +commits[0]!.toFixed(2),
        median: +at(0.5).toFixed(2),
        p90: +at(0.9).toFixed(2),
        max: +sorted.at(-1)!.toFixed(2),
        nightsOver1s: commits.filter((s) => s > 1).length,
      },
      ...(compactEvery > 0
        ? {
            compactEvery,
            compactionSeconds: compactions.map((c) => +c.toFixed(2)),
            perNightWithCompactions: +(
              (commits.reduce((a, b) => a + b, 0) + compactions.reduce((a, b) => a + b, 0)) /
              nights
            ).toFixed(2),
          }
        : {}),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
