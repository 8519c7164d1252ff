import type { Catalog } from '../config/schema.js';
import { normaliseProductName } from '../ingest/assignedProducts.js';
import { insertRows } from './insertRows.js';
import type { Warehouse } from './warehouse.js';
import { writeCatalogNce } from '../spend/loadSpendSources.js';

/** Rewrites catalog_products and catalog_aliases from the configured catalogue. */
export async function writeCatalog(wh: Warehouse, catalog: Catalog): Promise<void> {
  await wh.run('DELETE FROM catalog_products');
  await wh.run('DELETE FROM catalog_aliases');
  const has = (p: Catalog['products'][number], w: string) => p.workloads.includes(w as never);
  await insertRows(
    wh,
    'catalog_products',
    [
      ['sku_id', 'varchar'],
      ['part_number', 'varchar'],
      ['display_name', 'varchar'],
      ['family', 'varchar'],
      ['excluded', 'boolean'],
      ['wl_exchange', 'boolean'],
      ['wl_sharepoint', 'boolean'],
      ['wl_teams', 'boolean'],
      ['wl_skype', 'boolean'],
      ['wl_yammer', 'boolean'],
      ['wl_office_apps', 'boolean'],
      ['wl_dynamics', 'boolean'],
      ['wl_copilot', 'boolean'],
    ],
    catalog.products.map((p) => ({
      sku_id: p.skuId,
      part_number: p.partNumber,
      display_name: p.displayName,
      family: p.family,
      excluded: p.excluded,
      wl_exchange: has(p, 'exchange'),
      wl_sharepoint: has(p, 'sharepoint'),
      wl_teams: has(p, 'teams'),
      wl_skype: has(p, 'skype'),
      wl_yammer: has(p, 'yammer'),
      wl_office_apps: has(p, 'office_apps'),
      wl_dynamics: has(p, 'dynamics'),
      wl_copilot: has(p, 'copilot'),
    })),
  );
  const aliases = new Map<string, string[]>();
  for (const p of catalog.products) {
    for (const a of new Set([p.displayName, ...p.aliases].map(normaliseProductName)))
      aliases.set(a, [...(aliases.get(a) ?? []), p.skuId]);
  }
  await insertRows(
    wh,
    'catalog_aliases',
    [
      ['alias', 'varchar'],
      ['sku_id', 'varchar'],
      ['priority', 'integer'],
    ],
    [...aliases].flatMap(([alias, skus]) => skus.map((sku_id, priority) => ({ alias, sku_id, priority }))),
  );
  await writeCatalogNce(wh, catalog);
}
