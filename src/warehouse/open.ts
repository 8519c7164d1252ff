import type { Config } from '../config/schema.js';
import { Warehouse } from './warehouse.js';

/** The configured warehouse; `purpose` is what another process waiting for it is told this one is doing. */
export function openWarehouse(config: Config, purpose: string): Promise<Warehouse> {
  return Warehouse.open(config.warehouse.path, {
    threads: config.warehouse.threads,
    memoryLimit: config.warehouse.memoryLimit,
    busyWaitMs: config.warehouse.busyWaitSeconds * 1000,
    purpose,
  });
}
