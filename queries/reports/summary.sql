-- report summary: the headline figures of a week and the week before, summed over the customers in scope (each
-- customer's last snapshot of the week), ratios recomputed from the sums as every roll-up does (DESIGN.md §1.5).
-- From: adoption_customer_weekly. Parameters: $week, $owner and $customer (NULL = all).
SELECT
  week_ending,
  count(*)::INTEGER AS customers,
  sum(licenses_sold) AS licenses_sold,
  sum(licenses_assigned) AS licenses_assigned,
  sum(entitlements) AS entitlements,
  sum(active_entitlements) AS active_entitlements,
  sum(unassigned) AS unassigned,
  sum(inactive) AS inactive,
  sum(unused) AS unused,
  sum(licenses_assigned) / nullif(sum(licenses_sold), 0) AS deployment_pct,
  sum(active_entitlements) / nullif(sum(usage_entitlements), 0) AS usage_pct,
  sum(active_adjusted) / nullif(sum(adjusted_entitlements), 0) AS usage_pct_adjusted,
  min(as_of_date) AS oldest_as_of,
  max(as_of_date) AS newest_as_of
FROM adoption_customer_weekly
WHERE week_ending IN ($week::DATE, $week::DATE - 7) AND has_data
  AND in_scope(owner_email, customer_id, $owner, $customer)
GROUP BY week_ending
ORDER BY week_ending DESC
