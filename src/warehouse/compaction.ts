// Compacting the warehouse: the merging of row groups that its commits leave undone (each night's rows stay in row
// groups of their own; docs/sizing.md says why), and the line that says what a compaction did.
import type { Warehouse } from './warehouse.js';

export interface Compaction {
  seconds: number;
  /** bytes of the file in use before and after (free blocks, left by deleted rows, are reused before it grows) */
  bytesBefore: number;
  bytesAfter: number;
}

/** DuckDB's own default for max_vacuum_tasks, set for the compaction's one checkpoint (the warehouse runs with 0). */
const DUCKDB_DEFAULT_VACUUM_TASKS = 100;

/**
 * Merges the row groups commits leave as they are (each night's rows in row groups of their own, and row groups
 * some of whose rows were deleted): DuckDB's merging, switched on for one checkpoint. A checkpoint looks at every
 * table only when something is to be written, so the compaction's own row in `compactions` goes first. Recorded
 * there with its time and the bytes in use before and after.
 */
export async function compact(wh: Warehouse, trigger: 'schedule' | 'manual'): Promise<Compaction> {
  const bytesBefore = await bytesInUse(wh);
  const started = process.hrtime.bigint();
  const [row] = await wh.all(
    'INSERT INTO compactions (started_at, trigger) VALUES (now()::TIMESTAMP, $trigger) RETURNING started_at::VARCHAR AS started_at',
    { trigger },
  );
  await wh.run(`SET max_vacuum_tasks = ${DUCKDB_DEFAULT_VACUUM_TASKS}`);
  try {
    await wh.run('CHECKPOINT');
  } catch (err) {
    // The checkpoint's failure is what to report (a full disk invalidates the database, so the reset fails too).
    await wh.run('SET max_vacuum_tasks = 0').catch(() => undefined);
    throw err;
  }
  await wh.run('SET max_vacuum_tasks = 0');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytesAfter = await bytesInUse(wh);
  await wh.run(
    'UPDATE compactions SET seconds = $seconds, bytes_before = $before, bytes_after = $after WHERE started_at = $started::TIMESTAMP AND trigger = $trigger',
    { seconds, before: bytesBefore, after: bytesAfter, started: String(row!.started_at), trigger },
  );
  return { seconds, bytesBefore, bytesAfter };
}

async function bytesInUse(wh: Warehouse): Promise<number> {
  const [size] = await wh.all('SELECT used_blocks * block_size AS bytes FROM pragma_database_size()');
  return Number(size?.bytes ?? 0);
}

const MIB = 1024 * 1024;

function size(bytes: number): string {
  return bytes >= 1024 * MIB ? `${(bytes / (1024 * MIB)).toFixed(2)} GiB` : `${(bytes / MIB).toFixed(1)} MiB`;
}

/** One line: how long the compaction took, and the bytes in use before and after. Pure. */
export function formatCompaction(c: Compaction): string {
  return `warehouse compacted in ${c.seconds.toFixed(1)} s (row groups merged): ${size(c.bytesBefore)} in use before, ${size(c.bytesAfter)} after`;
}
