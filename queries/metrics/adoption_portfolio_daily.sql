-- adoption_portfolio_daily: one row per snapshot date × account manager: the sum of their customers' rows in
-- adoption_customer_daily ('' holds the customers without an account manager).
-- From: adoption_customer_daily. Parameters: $from, $to (snapshot dates, both included).
-- Counts are sums of the level below; ratios are recomputed from the sums (DESIGN.md §1.5).
INSERT INTO adoption_portfolio_daily BY NAME
SELECT
  snapshot_date,
  coalesce(owner_email, '') AS owner_email,
  max(as_of_date) AS as_of_date,
  min(as_of_date) AS oldest_as_of_date,
  count(*)::INTEGER AS customers,
  sum(licenses_sold) AS licenses_sold,
  sum(licenses_assigned) AS licenses_assigned,
  sum(licenses_assigned) / nullif(sum(licenses_sold), 0) AS deployment_pct,
  sum(entitlements) AS entitlements,
  sum(usage_entitlements) AS usage_entitlements,
  sum(active_entitlements) AS active_entitlements,
  sum(active_entitlements) / nullif(sum(usage_entitlements), 0) AS usage_pct,
  sum(adjusted_entitlements) AS adjusted_entitlements,
  sum(active_adjusted) AS active_adjusted,
  sum(active_adjusted) / nullif(sum(adjusted_entitlements), 0) AS usage_pct_adjusted,
  sum(unassigned) AS unassigned,
  sum(inactive) AS inactive
FROM adoption_customer_daily
WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
GROUP BY ALL
