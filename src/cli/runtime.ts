// Opens what a command needs (config, catalogue, logger, warehouse) and closes it, whatever happens.
import { loadCatalog, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { JobContext } from '../context.js';
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

/** `purpose` is what another process waiting for the warehouse is told this one is doing. */
export async function withContext<T>(
  opts: CommonOptions,
  fn: (ctx: JobContext) => Promise<T>,
  purpose = `adoption ${process.argv[2] ?? ''}`.trim(),
): Promise<T> {
  const config = resolveConfig(opts);
  const catalog = loadCatalog(config);
  const log = createLogger({ level: opts.logLevel });
  const wh = await openWarehouse(config, purpose);
  try {
    return await fn({ config, catalog, log, wh });
  } finally {
    wh.close();
  }
}
