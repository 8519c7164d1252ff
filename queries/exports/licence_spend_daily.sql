-- export licence_spend_daily: one snapshot date of it, the customer's and product's names beside their ids.
-- From: licence_spend_daily, stg_customers, catalog_products. Parameters: $date.
SELECT d.snapshot_date, d.customer_id, c.customer_name, d.sku_id, p.display_name AS product, p.part_number,
  d.* EXCLUDE (snapshot_date, customer_id, sku_id)
FROM licence_spend_daily d
LEFT JOIN stg_customers c USING (snapshot_date, customer_id)
LEFT JOIN catalog_products p USING (sku_id)
WHERE d.snapshot_date = $date::DATE
ORDER BY d.customer_id, d.sku_id
