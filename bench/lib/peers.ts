// The peers the job is measured against. nodejs-polars is installed on first use into bench/.cache/peers, from the
// npm registry, so that neither the project's dependencies nor CI carry 115 MB of a benchmark-only engine.
// peerAgreement checks the polars script's figures against the warehouse's, so that the comparison is between
// programs that compute the same thing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { PEERS_DIR } from './stages.js';

const POLARS_VERSION = '0.26.1';

export function ensurePeers(): void {
  if (existsSync(path.join(PEERS_DIR, 'node_modules', 'nodejs-polars', 'package.json'))) return;
  mkdirSync(PEERS_DIR, { recursive: true });
  writeFileSync(path.join(PEERS_DIR, 'package.json'), JSON.stringify({ name: 'bench-peers', private: true }));
  process.stderr.write(`installing nodejs-polars ${POLARS_VERSION} into ${PEERS_DIR}\n`);
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      `nodejs-polars@${POLARS_VERSION}`,
      `nodejs-polars-linux-x64-gnu@${POLARS_VERSION}`,
    ],
    { cwd: PEERS_DIR, stdio: 'inherit' },
  );
}

export interface Agreement {
  /** customer × SKU rows the user-level report measures (DESIGN §1.1), in both */
  compared: number;
  differing: number;
  /** rows only the warehouse has: Partner Center's aggregates (§1.3), which the script does not read */
  warehouseOnly: number;
}

/** The polars script's adoption_daily against the warehouse's, on the rows the Graph user report measures. */
export async function peerAgreement(db: string, date: string, work: string): Promise<Agreement> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const con = await instance.connect();
  try {
    const reader = await con.runAndReadAll(
      `WITH w AS (
         SELECT a.* FROM adoption_daily a JOIN catalog_products p USING (sku_id)
         WHERE a.snapshot_date = $date::DATE AND a.source = 'graph'
           AND (p.wl_exchange OR p.wl_sharepoint OR p.wl_teams OR p.wl_skype OR p.wl_yammer OR p.wl_copilot)
       ), p AS (SELECT * FROM read_parquet($file))
       SELECT count(*) FILTER (WHERE p.customer_id IS NOT NULL)::INTEGER AS compared,
         count(*) FILTER (WHERE p.customer_id IS NOT NULL AND (w.licenses_sold IS DISTINCT FROM p.licenses_sold
           OR w.licenses_assigned IS DISTINCT FROM p.licenses_assigned
           OR w.active_entitlements IS DISTINCT FROM p.active_entitlements OR w.inactive IS DISTINCT FROM p.inactive
           OR w.entitlements IS DISTINCT FROM p.entitlements))::INTEGER AS differing,
         count(*) FILTER (WHERE p.customer_id IS NULL)::INTEGER AS warehouse_only
       FROM w LEFT JOIN p USING (customer_id, sku_id)`,
      { date, file: path.join(work, 'polars.parquet') },
    );
    const [row] = reader.getRowObjectsJson() as {
      compared: number;
      differing: number;
      warehouse_only: number;
    }[];
    return { compared: row!.compared, differing: row!.differing, warehouseOnly: row!.warehouse_only };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
