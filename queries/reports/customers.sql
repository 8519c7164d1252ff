-- report customers: one row per customer × product for a week ( '' = customers without an account manager), with both usage figures, the over-100% counts,
-- the week-over-week changes and the channel split. From: adoption_weekly, adoption_customer_weekly (name, owner),
-- catalog_products. Parameters: $week (a week-ending date), $owner and $customer (NULL = all).
SELECT
  c.customer_name, c.owner_email, w.customer_id, p.display_name AS product, p.part_number, w.source,
  w.licenses_sold, w.licenses_sold_own, w.licenses_assigned, w.deployment_pct, w.entitlements, w.active_entitlements,
  w.usage_pct, w.usage_pct_adjusted, w.usage_basis, w.unassigned, w.inactive, w.active_deleted, w.active_over_capacity,
  w.over_capacity_cause, w.active_yammer_only, w.deployment_pct_change, w.usage_pct_change, w.usage_pct_adjusted_change,
  w.low_usage_streak, w.customer_rank_in_book, w.as_of_date
FROM adoption_weekly w
JOIN adoption_customer_weekly c USING (week_ending, customer_id)
JOIN catalog_products p USING (sku_id)
WHERE w.week_ending = $week::DATE AND w.has_data
  AND in_scope(c.owner_email, w.customer_id, $owner, $customer)
ORDER BY c.customer_name, w.customer_id, p.display_name
