-- adoption_portfolio_weekly: one row per week × account manager, from the week's last snapshot in
-- adoption_portfolio_daily. From: adoption_portfolio_daily, loads.
-- Parameters: $week_end_dow (0 = Sunday … 6 = Saturday), $from_week. Gaps as in adoption_customer_weekly.
INSERT INTO adoption_portfolio_weekly
WITH
last_in_week AS (
  SELECT week_ending(snapshot_date, $week_end_dow) AS week_ending, *
  FROM adoption_portfolio_daily
  QUALIFY row_number() OVER (PARTITION BY week_ending(snapshot_date, $week_end_dow), owner_email ORDER BY snapshot_date DESC) = 1
),
weeks AS (
  SELECT unnest(generate_series(min(week_ending(snapshot_date, $week_end_dow)), max(week_ending(snapshot_date, $week_end_dow)), INTERVAL 7 DAY))::DATE AS week_ending
  FROM loads
),
stored AS (
  -- As in adoption_customer_weekly: a gap before $from_week not yet written is written now.
  SELECT week_ending, owner_email, true AS is_stored FROM adoption_portfolio_weekly WHERE week_ending < $from_week::DATE
),
spine AS (
  SELECT w.week_ending, k.owner_email
  FROM (SELECT owner_email, min(week_ending) AS first_week, max(week_ending) AS last_week FROM last_in_week GROUP BY owner_email) k
  JOIN weeks w ON w.week_ending BETWEEN k.first_week AND k.last_week
)
SELECT
  s.week_ending, s.owner_email, l.snapshot_date IS NOT NULL AS has_data, l.snapshot_date, l.as_of_date, l.customers,
  l.licenses_sold, l.licenses_assigned, l.deployment_pct, l.entitlements, l.active_entitlements, l.usage_pct,
  l.usage_pct_adjusted, l.unassigned, l.inactive,
  l.deployment_pct - lag(l.deployment_pct) OVER w AS deployment_pct_change,
  l.usage_pct - lag(l.usage_pct) OVER w AS usage_pct_change,
  l.usage_pct_adjusted - lag(l.usage_pct_adjusted) OVER w AS usage_pct_adjusted_change,
  avg(l.usage_pct) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS usage_pct_ma4,
  avg(l.usage_pct_adjusted) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS usage_pct_adjusted_ma4
FROM spine s
LEFT JOIN last_in_week l USING (week_ending, owner_email)
LEFT JOIN stored st USING (week_ending, owner_email)
WINDOW w AS (PARTITION BY s.owner_email ORDER BY s.week_ending)
QUALIFY (s.week_ending >= $from_week::DATE OR st.is_stored IS NULL)
