-- stg_prices: one row per snapshot date × price-list row kept (file, line), from partner-center/pricesheet.csv|zip
-- (licence-spend.md), read in src/spend/priceSheet.ts and appended; then cut down to the rows a metric can use.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_prices WHERE snapshot_date = $date::DATE;

-- name: unmapped
-- How many priced products map to no catalogue product (through the offer matrix, or the catalogue's NCE ids when
-- the drop has no offer matrix), and the first five of them: one row.
WITH mapping AS (
  SELECT product_id, nce_sku_id, sku_id FROM stg_offer_matrix WHERE snapshot_date = $date::DATE
  UNION SELECT product_id, nce_sku_id, sku_id FROM catalog_nce
    WHERE NOT EXISTS (SELECT 1 FROM stg_offer_matrix WHERE snapshot_date = $date::DATE)
),
priced AS (SELECT DISTINCT product_id, nce_sku_id FROM stg_prices WHERE snapshot_date = $date::DATE)
SELECT count(*)::INTEGER AS n, string_agg(product_id || ':' || nce_sku_id, ', ' ORDER BY product_id, nce_sku_id)
  FILTER (WHERE rn <= 5) AS sample
FROM (SELECT p.*, row_number() OVER (ORDER BY p.product_id, p.nce_sku_id) AS rn FROM priced p
      WHERE NOT EXISTS (SELECT 1 FROM mapping m JOIN catalog_products c ON c.sku_id = m.sku_id
                        WHERE m.product_id = p.product_id AND m.nce_sku_id = p.nce_sku_id));

-- name: keep_usable
-- Microsoft's list holds tens of thousands of rows a night; only those a metric can use are kept: products of the
-- catalogue, and the offers of the partner's own subscriptions (a variant the mapping does not list).
DELETE FROM stg_prices p WHERE p.snapshot_date = $date::DATE
  AND NOT EXISTS (SELECT 1 FROM stg_offer_matrix m JOIN catalog_products c USING (sku_id)
                  WHERE m.snapshot_date = $date::DATE AND m.product_id = p.product_id AND m.nce_sku_id = p.nce_sku_id)
  AND NOT EXISTS (SELECT 1 FROM catalog_nce n WHERE n.product_id = p.product_id AND n.nce_sku_id = p.nce_sku_id)
  AND NOT EXISTS (SELECT 1 FROM stg_subscription_terms t
                  WHERE t.snapshot_date = $date::DATE AND t.product_id = p.product_id AND t.nce_sku_id = p.nce_sku_id);
