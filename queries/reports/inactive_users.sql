-- report inactive users: licence holders (not deleted) with no activity in the 28-day window at the week's last
-- snapshot: reclaim candidates. Only products whose usage the user report measures (usage_basis 'any_workload'):
-- a holder of a product it cannot measure (Dynamics 365) is not known to be inactive.
-- From: adoption_customer_weekly (the week's snapshot), user_license_activity, adoption_daily (usage basis),
-- catalog_products. Parameters: $week, $owner and $customer (NULL = all).
SELECT c.customer_name, a.customer_id, a.user_key, p.display_name AS product, a.last_activity_date,
  (a.as_of_date - a.last_activity_date)::INTEGER AS days_since, a.as_of_date
FROM adoption_customer_weekly c
JOIN user_license_activity a ON a.snapshot_date = c.snapshot_date AND a.customer_id = c.customer_id
JOIN adoption_daily d
  ON d.snapshot_date = a.snapshot_date AND d.customer_id = a.customer_id AND d.sku_id = a.sku_id
  AND d.usage_basis = 'any_workload'
JOIN catalog_products p ON p.sku_id = a.sku_id
WHERE c.week_ending = $week::DATE AND c.has_data AND NOT a.active AND NOT a.is_deleted
  AND in_scope(c.owner_email, c.customer_id, $owner, $customer)
ORDER BY c.customer_name, a.customer_id, product, days_since DESC NULLS FIRST, a.user_key
