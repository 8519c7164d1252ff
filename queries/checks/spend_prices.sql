-- spend_prices: a data-quality line (load_issues, code 'no_price') for every customer × SKU of a snapshot date whose
-- own seats have no price: never costed at 0, never priced by name. A date whose drop has no price list gets one
-- line, not one per product. From: licence_spend_daily, stg_prices, catalog_products. Parameters: $from, $to.
INSERT INTO load_issues
SELECT s.snapshot_date, 'warning', 'no_price', 'partner-center/pricesheet.csv', NULL, NULL, s.customer_id,
  coalesce(c.display_name, s.sku_id) || ' (' || s.sku_id || '): ' || s.price_note
    || '; its ' || s.costed_unassigned || ' unassigned seat(s) are not costed'
FROM licence_spend_daily s
LEFT JOIN catalog_products c USING (sku_id)
WHERE s.snapshot_date BETWEEN $from::DATE AND $to::DATE AND s.monthly_price IS NULL
  AND EXISTS (SELECT 1 FROM stg_prices p WHERE p.snapshot_date = s.snapshot_date)
UNION ALL
SELECT d.snapshot_date, 'info', 'no_price', 'partner-center/pricesheet.csv', NULL, NULL, NULL,
  'the drop has no price list: ' || count(*) || ' product row(s) of own seats have no cost this day'
FROM licence_spend_daily d
WHERE d.snapshot_date BETWEEN $from::DATE AND $to::DATE
  AND NOT EXISTS (SELECT 1 FROM stg_prices p WHERE p.snapshot_date = d.snapshot_date)
GROUP BY d.snapshot_date
