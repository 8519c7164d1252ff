import type { Config } from '../config/schema.js';
import { Warehouse } from './warehouse.js';

/**
 * The configured warehouse; `purpose` is what another process waiting for it is told this one is doing. Only
 * `create` (the commands that load data) makes a new one where none is; the caller then says so.
 */
export async function openWarehouse(
  config: Config,
  purpose: string,
  options: { create?: boolean | 'in-existing-folder' } = {},
): Promise<Warehouse> {
  const wh = await Warehouse.open(config.warehouse.path, {
    threads: config.warehouse.threads,
    memoryLimit: config.warehouse.memoryLimit,
    busyWaitMs: config.warehouse.busyWaitSeconds * 1000,
    purpose,
    create: options.create ?? false,
    // one line while it waits, so that a command that seems to hang says what for
    onWait: (line) => process.stderr.write(`adoption: ${line}\n`),
  });
  // DuckDB lets one process at a time open the file: a run still 'running' now belongs to a process that ended
  // without recording its end (killed, or a write failed: a full disk). Recorded as failed, never left running.
  await wh
    .run(
      `UPDATE runs SET state = 'failed', finished_at = now()::TIMESTAMP,
         error = coalesce(error, 'the process ended before recording the end of this run (killed, or a write to the warehouse failed)')
       WHERE state = 'running'`,
    )
    .catch(() => undefined);
  return wh;
}
