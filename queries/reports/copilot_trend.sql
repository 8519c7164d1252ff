-- report copilot_trend: Microsoft 365 Copilot seats and usage per week, the 12 weeks up to $week, summed over the
-- Copilot products of the customers in scope (each customer's last snapshot of the week; ratios of the sums).
-- From: adoption_weekly, adoption_customer_weekly (owner, scope), catalog_products (wl_copilot).
-- Parameters: $week, $owner and $customer (NULL = all).
SELECT w.week_ending,
  count(DISTINCT w.customer_id)::INTEGER AS customers,
  sum(w.licenses_sold) AS licenses_sold,
  sum(w.licenses_assigned) AS licenses_assigned,
  sum(w.active_entitlements) AS active_entitlements,
  sum(w.licenses_assigned) / nullif(sum(w.licenses_sold), 0) AS deployment_pct,
  sum(w.active_entitlements) / nullif(sum(w.entitlements) FILTER (WHERE w.active_entitlements IS NOT NULL), 0) AS usage_pct
FROM adoption_weekly w
JOIN adoption_customer_weekly c USING (week_ending, customer_id)
JOIN catalog_products p USING (sku_id)
WHERE w.has_data AND p.wl_copilot AND w.week_ending BETWEEN $week::DATE - 77 AND $week::DATE
  AND in_scope(c.owner_email, w.customer_id, $owner, $customer)
GROUP BY w.week_ending
ORDER BY w.week_ending
