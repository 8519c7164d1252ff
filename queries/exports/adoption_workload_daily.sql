-- export adoption_workload_daily: one snapshot date of it, the customer's and product's names beside their ids.
-- From: adoption_workload_daily, stg_customers, catalog_products. Parameters: $date.
SELECT w.snapshot_date, w.customer_id, c.customer_name, w.sku_id, p.display_name AS product, p.part_number,
  w.* EXCLUDE (snapshot_date, customer_id, sku_id)
FROM adoption_workload_daily w
LEFT JOIN stg_customers c USING (snapshot_date, customer_id)
LEFT JOIN catalog_products p USING (sku_id)
WHERE w.snapshot_date = $date::DATE
ORDER BY w.customer_id, w.sku_id, w.workload
