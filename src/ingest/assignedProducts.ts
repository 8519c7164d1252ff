// Graph's 'Assigned Products' is a '+'-joined list of upper-case product names, and some names hold a '+'
// themselves ("ENTERPRISE MOBILITY + SECURITY E3"). Names are matched longest first against the catalogue.

export interface AliasIndex {
  /** normalised name → SKU ids in priority order */
  bySkuName: Map<string, string[]>;
  maxParts: number;
}

/** Upper case, single spaces, no spaces around '+'. */
export function normaliseProductName(name: string): string {
  return name
    .trim()
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\+\s*/g, '+');
}

export function buildAliasIndex(
  products: readonly { skuId: string; aliases: readonly string[]; displayName: string }[],
): AliasIndex {
  const bySkuName = new Map<string, string[]>();
  let maxParts = 1;
  for (const p of products) {
    for (const alias of new Set([...p.aliases, p.displayName].map(normaliseProductName))) {
      const list = bySkuName.get(alias) ?? [];
      if (!list.includes(p.skuId)) list.push(p.skuId);
      bySkuName.set(alias, list);
      maxParts = Math.max(maxParts, alias.split('+').length);
    }
  }
  return { bySkuName, maxParts };
}

export interface ResolvedName {
  name: string;
  /** candidate SKUs, most likely first; empty when the catalogue does not know the name */
  skuIds: string[];
}

export function resolveAssignedProducts(assigned: string, index: AliasIndex): ResolvedName[] {
  const parts = assigned
    .split('+')
    .map((p) => normaliseProductName(p))
    .filter((p) => p.length > 0);
  const out: ResolvedName[] = [];
  let i = 0;
  while (i < parts.length) {
    let matched = false;
    for (let n = Math.min(index.maxParts, parts.length - i); n >= 1; n--) {
      const name = parts.slice(i, i + n).join('+');
      const skuIds = index.bySkuName.get(name);
      if (skuIds) {
        out.push({ name, skuIds });
        i += n;
        matched = true;
        break;
      }
    }
    if (!matched) {
      out.push({ name: parts[i]!, skuIds: [] });
      i += 1;
    }
  }
  return out;
}
