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

/** Who started a job; recorded in the run log so an operator can tell a scheduled run from a rerun by hand. */
export type Trigger = 'manual' | 'schedule' | 'backfill';

/**
 * The one argument every job takes beside its context, whatever else it takes with it. `asOf` is the as-of date
 * (YYYY-MM-DD) under one name everywhere: the night an ingest loads, the week-ending date a digest or report covers,
 * the last date of a backfill. `dueAt` is when the scheduler meant the run to start (absent for a run by hand).
 */
export interface JobRequest {
  asOf: string;
  dueAt?: string;
  trigger: Trigger;
}
