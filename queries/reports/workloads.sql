-- report workloads: one row per customer × product × workload for a week; `weakest` marks the product's least
-- used workload (when it has more than one). From: adoption_workload_weekly, adoption_customer_weekly,
-- catalog_products. Parameters: $week, $owner and $customer (NULL = all).
SELECT
  c.customer_name, w.customer_id, p.display_name AS product, w.workload, w.licenses_qualified, w.licenses_active,
  w.usage_pct, w.usage_pct_change,
  count(*) OVER k > 1 AND w.usage_pct = min(w.usage_pct) OVER k AS weakest
FROM adoption_workload_weekly w
JOIN adoption_customer_weekly c USING (week_ending, customer_id)
JOIN catalog_products p USING (sku_id)
WHERE w.week_ending = $week::DATE AND w.has_data
  AND in_scope(c.owner_email, w.customer_id, $owner, $customer)
WINDOW k AS (PARTITION BY w.customer_id, w.sku_id)
ORDER BY c.customer_name, w.customer_id, p.display_name, w.workload
