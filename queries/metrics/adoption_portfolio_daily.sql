-- adoption_portfolio_daily: one row per snapshot date × account manager, rolling up adoption_daily.
-- From: adoption_daily, stg_customers. Parameters: $from, $to (snapshot dates, both included).
-- owner_email '' holds the customers without an account manager. Ratios are ratios of sums.
INSERT INTO adoption_portfolio_daily
SELECT
  d.snapshot_date,
  coalesce(c.owner_email, '') AS owner_email,
  max(d.as_of_date) AS as_of_date,
  min(d.as_of_date) AS oldest_as_of_date,
  count(DISTINCT d.customer_id)::INTEGER AS customers,
  sum(d.licenses_sold) AS licenses_sold,
  sum(d.licenses_assigned) AS licenses_assigned,
  sum(d.licenses_assigned) / nullif(sum(d.licenses_sold), 0) AS deployment_pct,
  sum(d.entitlements) AS entitlements,
  sum(d.active_entitlements) AS active_entitlements,
  sum(d.active_entitlements) / nullif(sum(d.entitlements), 0) AS usage_pct,
  sum(round(d.usage_pct_adjusted * d.entitlements)) / nullif(sum(d.entitlements) FILTER (WHERE d.usage_pct_adjusted IS NOT NULL), 0)
    AS usage_pct_adjusted,
  sum(d.unassigned) AS unassigned,
  sum(d.inactive) AS inactive
FROM adoption_daily d
JOIN stg_customers c USING (snapshot_date, customer_id)
WHERE d.snapshot_date BETWEEN $from::DATE AND $to::DATE
GROUP BY ALL
