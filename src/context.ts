import type { Catalog, Config } from './config/schema.js';
import type { Logger } from './log.js';
import type { Warehouse } from './warehouse/warehouse.js';

/** What every job receives. Jobs never read the clock: the as-of date always comes in their arguments. */
export interface JobContext {
  config: Config;
  catalog: Catalog;
  log: Logger;
  wh: Warehouse;
}
