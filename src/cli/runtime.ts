// Opens what a command needs (config, catalogue, logger, warehouse) and closes it, whatever happens.
import path from 'node:path';
import { loadCatalog, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { JobContext } from '../context.js';
import { dateInZone } from '../dates.js';
import { createLogger } from '../log.js';
import { registerSecretsFromEnv } from '../secrets.js';
import { openWarehouse } from '../warehouse/open.js';

export interface CommonOptions {
  config?: string;
  db?: string;
  exports?: string;
  logLevel?: string;
}

export function resolveConfig(opts: CommonOptions): Config {
  const config = loadConfig(opts.config);
  registerSecretsFromEnv(process.env, [config.smtp.passwordEnv]);
  if (opts.db) config.warehouse.path = opts.db;
  if (opts.exports) config.exportsRoot = opts.exports;
  return config;
}

/** Today in the configured zone: the command line reads the clock, never a job. */
export function today(config: Config): string {
  return dateInZone(new Date(), config.defaults.timeZone);
}

/** `purpose` is what another process waiting for the warehouse is told this one is doing. */
export async function withContext<T>(
  opts: CommonOptions,
  fn: (ctx: JobContext) => Promise<T>,
  purpose = `adoption ${process.argv[2] ?? ''}`.trim(),
  /** only the commands that load data create a warehouse where there is none (and say so) */
  { create = false }: { create?: boolean } = {},
): Promise<T> {
  const config = resolveConfig(opts);
  const catalog = loadCatalog(config);
  const log = createLogger({ level: opts.logLevel });
  const wh = await openWarehouse(config, purpose, { create });
  if (wh.created) console.log(`created a new warehouse at ${path.resolve(wh.file)}`);
  try {
    const out = await fn({ config, catalog, log, wh });
    // Checkpoint now rather than silently at close: a disk that fills up while the committed work is written
    // into the file is then reported (what was committed stays in the write-ahead log, intact).
    await wh.checkpoint();
    return out;
  } finally {
    wh.close();
  }
}
