import type { Catalog, Product } from '../config/schema.js';
import { normaliseProductName } from './assignedProducts.js';

/** Finds catalogue products by SKU GUID, offer id or any of their names. */
export interface ProductLookup {
  bySkuId(skuId: string): Product | undefined;
  byOfferId(offerId: string): Product | undefined;
  byName(name: string): Product | undefined;
}

export function productLookup(catalog: Catalog): ProductLookup {
  const bySku = new Map(catalog.products.map((p) => [p.skuId, p]));
  const byName = new Map<string, Product>();
  const byOffer = new Map<string, Product>();
  for (const p of catalog.products) {
    for (const n of [p.displayName, p.partNumber, ...p.aliases]) {
      const k = normaliseProductName(n);
      if (!byName.has(k)) byName.set(k, p);
    }
    for (const o of p.offerIds) byOffer.set(o.toLowerCase(), p);
    for (const n of p.nce) byOffer.set(`${n.productId}:${n.skuId}`.toLowerCase(), p);
  }
  return {
    bySkuId: (id) => bySku.get(id.toLowerCase()),
    byName: (name) => (name ? byName.get(normaliseProductName(name)) : undefined),
    // NCE offer ids are product:sku:availability; a catalogue entry may name the product:sku prefix.
    byOfferId: (offerId) => {
      const id = offerId.toLowerCase();
      if (!id) return undefined;
      return (
        byOffer.get(id) ?? byOffer.get(id.split(':').slice(0, 2).join(':')) ?? byOffer.get(id.split(':')[0]!)
      );
    },
  };
}
