-- export adoption_workload_weekly: one week of it, the customer's and product's names beside their ids.
-- From: adoption_workload_weekly, adoption_customer_weekly, catalog_products. Parameters: $week.
SELECT w.week_ending, w.customer_id, c.customer_name, w.sku_id, p.display_name AS product, p.part_number,
  w.* EXCLUDE (week_ending, customer_id, sku_id)
FROM adoption_workload_weekly w
LEFT JOIN adoption_customer_weekly c USING (week_ending, customer_id)
LEFT JOIN catalog_products p USING (sku_id)
WHERE w.week_ending = $week::DATE
ORDER BY w.customer_id, w.sku_id, w.workload
