-- adoption_portfolio_weekly: one row per week × account manager: the sum of their customers' rows of the week in
-- adoption_customer_weekly (each customer's last snapshot of the week), so that a customer missing from the week's
-- last night still counts with its last snapshot of that week, as in the customer table (DESIGN.md §1.5).
-- From: adoption_customer_weekly, loads, through owner_sums (queries/macros/rollups.sql) and week_spine
-- (queries/macros/weekly.sql). Parameters: $from_week (the first week to write; earlier weeks are read
-- back from adoption_customer_weekly to feed the week-over-week windows).
-- '' holds the customers without an account manager. Counts are sums; ratios are recomputed from the sums. Weeks
-- between an account manager's first and last week without any customer data are gaps (has_data false, NULLs).
INSERT INTO adoption_portfolio_weekly BY NAME
WITH
customer_weeks AS (
  SELECT * FROM adoption_customer_weekly WHERE has_data
),
summed AS (
  SELECT * EXCLUDE (last_snapshot_date, oldest_as_of_date), last_snapshot_date AS snapshot_date
  FROM owner_sums(customer_weeks, ['week_ending'])
),
stored AS (
  -- As in adoption_customer_weekly: a gap before $from_week not yet written is written now.
  SELECT week_ending, owner_email, true AS is_stored FROM adoption_portfolio_weekly WHERE week_ending < $from_week::DATE
)
SELECT
  s.week_ending, s.owner_email, l.snapshot_date IS NOT NULL AS has_data, l.snapshot_date, l.as_of_date, l.customers,
  l.licenses_sold, l.licenses_assigned, l.deployment_pct, l.entitlements, l.usage_entitlements, l.active_entitlements,
  l.usage_pct, l.adjusted_entitlements, l.active_adjusted, l.usage_pct_adjusted, l.unassigned, l.inactive,
  l.deployment_pct - lag(l.deployment_pct) OVER w AS deployment_pct_change,
  l.usage_pct - lag(l.usage_pct) OVER w AS usage_pct_change,
  l.usage_pct_adjusted - lag(l.usage_pct_adjusted) OVER w AS usage_pct_adjusted_change,
  avg(l.usage_pct) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS usage_pct_ma4,
  avg(l.usage_pct_adjusted) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS usage_pct_adjusted_ma4
FROM week_spine(summed, ['owner_email'], $week_end_dow) s
LEFT JOIN summed l USING (week_ending, owner_email)
LEFT JOIN stored st USING (week_ending, owner_email)
WINDOW w AS (PARTITION BY s.owner_email ORDER BY s.week_ending)
QUALIFY (s.week_ending >= $from_week::DATE OR st.is_stored IS NULL)
