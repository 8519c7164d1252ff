-- adoption_weekly: one row per week × customer × SKU, from the customer's last snapshot of the week in adoption_daily
-- (the customer's, not the product's: so that adoption_customer_weekly, taken from the same snapshot, is the sum of
-- these rows, DESIGN.md §1.5; a product missing from that snapshot is a gap that week).
-- From: adoption_daily, adoption_customer_weekly (the customer's rank in its account manager's book), loads, through
-- week_last_snapshots, week_spine and week_trends (queries/macros/weekly.sql).
-- Parameters: $week_end_dow (0 = Sunday … 6 = Saturday), $low_usage (threshold, a fraction), $from_week.
-- Gaps as in adoption_customer_weekly: weeks without data are rows with NULL figures, never zeros. Weeks before
-- $from_week are read back from this table, as in adoption_customer_weekly.
INSERT INTO adoption_weekly BY NAME
WITH
last_in_week AS (
  SELECT week_ending, customer_id, sku_id, snapshot_date, as_of_date, source, licenses_sold, licenses_sold_own, licenses_assigned,
    deployment_pct, entitlements, active_entitlements, usage_pct, usage_pct_adjusted, usage_basis, unassigned, inactive,
    active_deleted, active_over_capacity, over_capacity_cause, active_yammer_only, active_adjusted
  FROM adoption_weekly
  WHERE week_ending < $from_week::DATE AND has_data
  UNION ALL
  (SELECT week_ending(snapshot_date, $week_end_dow) AS week_ending, customer_id, sku_id, snapshot_date, as_of_date, source, licenses_sold, licenses_sold_own, licenses_assigned,
    deployment_pct, entitlements, active_entitlements, usage_pct, usage_pct_adjusted, usage_basis, unassigned, inactive,
    active_deleted, active_over_capacity, over_capacity_cause, active_yammer_only, active_adjusted
  FROM adoption_daily
  SEMI JOIN week_last_snapshots('adoption_daily', $week_end_dow, $from_week::DATE - 6) USING (customer_id, snapshot_date))
),
first_seen AS (
  SELECT customer_id, sku_id, min(first_seen) AS first_seen
  FROM (
    SELECT customer_id, sku_id, first_seen FROM adoption_weekly WHERE week_ending < $from_week::DATE
    UNION ALL
    SELECT customer_id, sku_id, snapshot_date FROM adoption_daily WHERE snapshot_date >= $from_week::DATE - 6
  )
  GROUP BY customer_id, sku_id
),
joined AS (
  -- Only what the windows read: the other figures are joined to the rows written, after the windows, rather than
  -- carried through their sorts for every earlier week (the weeks before $from_week only feed the windows).
  SELECT s.week_ending, s.customer_id, s.sku_id, s.series, l.snapshot_date IS NOT NULL AS has_data, l.snapshot_date,
    l.deployment_pct, l.usage_pct, l.usage_pct_adjusted,
    coalesce(l.usage_pct_adjusted, l.usage_pct) < $low_usage AS below
  FROM week_spine(last_in_week, ['customer_id', 'sku_id'], $week_end_dow) s
  LEFT JOIN last_in_week l USING (week_ending, customer_id, sku_id)
),
stored AS (
  -- As in adoption_customer_weekly: a gap before $from_week not yet written is written now.
  SELECT week_ending, customer_id, sku_id, true AS is_stored FROM adoption_weekly WHERE week_ending < $from_week::DATE
),
written AS (
  SELECT x.*
  FROM week_trends(joined) x
  LEFT JOIN stored st ON st.week_ending = x.week_ending AND st.customer_id = x.customer_id AND st.sku_id = x.sku_id
  WHERE x.week_ending >= $from_week::DATE OR st.is_stored IS NULL  -- on week_trends' rows: earlier weeks feed streaks
)
SELECT
  x.week_ending, x.customer_id, x.sku_id, x.has_data, x.snapshot_date, l.as_of_date, l.source, l.licenses_sold,
  l.licenses_sold_own, l.licenses_assigned, x.deployment_pct, l.entitlements, l.active_entitlements, x.usage_pct,
  x.usage_pct_adjusted, l.usage_basis, l.unassigned, l.inactive, l.active_deleted, l.active_over_capacity,
  l.over_capacity_cause, l.active_yammer_only, l.active_adjusted, x.deployment_pct_change, x.usage_pct_change,
  x.usage_pct_adjusted_change, x.deployment_pct_ma4, x.usage_pct_ma4, x.usage_pct_adjusted_ma4,
  x.low_usage_streak, f.first_seen, x.last_seen, c.rank_in_book AS customer_rank_in_book
FROM written x
LEFT JOIN last_in_week l USING (week_ending, customer_id, sku_id)
JOIN first_seen f USING (customer_id, sku_id)
LEFT JOIN adoption_customer_weekly c USING (week_ending, customer_id)
