-- adoption_customer_weekly: one row per week × customer, from the week's last snapshot in adoption_customer_daily.
-- From: adoption_customer_daily, loads (which weeks had any drop), through week_last_snapshots, week_spine and
-- week_trends (queries/macros/weekly.sql). Week ending dates are week_ending(d, $week_end_dow).
-- Parameters: $week_end_dow (0 = Sunday … 6 = Saturday), $low_usage (threshold, a fraction), $from_week (the first
-- week to write; windows still read every earlier week).
-- The weeks before $from_week are read back from this table (their last snapshots are unchanged: any change to a
-- day recomputes from its week), so one night's run reads a week of daily rows, not the whole history.
-- Every week between a customer's first and last week is a row: a week without data is a gap (has_data false,
-- figures NULL), never a zero; week-over-week changes across a gap are NULL, and a gap ends a low-usage streak.
INSERT INTO adoption_customer_weekly BY NAME
WITH
last_in_week AS (
  SELECT week_ending, customer_id, snapshot_date, as_of_date, customer_name, owner_email, licenses_sold, licenses_assigned, deployment_pct,
    entitlements, usage_entitlements, active_entitlements, usage_pct, adjusted_entitlements, active_adjusted, usage_pct_adjusted,
    unassigned, inactive
  FROM adoption_customer_weekly
  WHERE week_ending < $from_week::DATE AND has_data
  UNION ALL
  (SELECT week_ending(snapshot_date, $week_end_dow) AS week_ending, customer_id, snapshot_date, as_of_date, customer_name, owner_email, licenses_sold, licenses_assigned, deployment_pct,
    entitlements, usage_entitlements, active_entitlements, usage_pct, adjusted_entitlements, active_adjusted, usage_pct_adjusted,
    unassigned, inactive
  FROM adoption_customer_daily
  SEMI JOIN week_last_snapshots('adoption_customer_daily', $week_end_dow, $from_week::DATE - 6) USING (customer_id, snapshot_date))
),
first_seen AS (
  SELECT customer_id, min(first_seen) AS first_seen
  FROM (
    SELECT customer_id, first_seen FROM adoption_customer_weekly WHERE week_ending < $from_week::DATE
    UNION ALL
    SELECT customer_id, snapshot_date FROM adoption_customer_daily WHERE snapshot_date >= $from_week::DATE - 6
  )
  GROUP BY customer_id
),
joined AS (
  -- Only what the windows read: the other figures are joined to the rows written, after the windows, rather than
  -- carried through their sorts for every earlier week (the weeks before $from_week only feed the windows).
  SELECT s.week_ending, s.customer_id, s.series, l.snapshot_date IS NOT NULL AS has_data, l.snapshot_date,
    l.deployment_pct, l.usage_pct, l.usage_pct_adjusted,
    coalesce(l.usage_pct_adjusted, l.usage_pct) < $low_usage AS below
  FROM week_spine(last_in_week, ['customer_id'], $week_end_dow) s
  LEFT JOIN last_in_week l USING (week_ending, customer_id)
),
stored AS (
  -- Weeks before $from_week already written; a gap among them that was not (the customer came back after weeks
  -- without data, or a week had no drop at all) is written now.
  SELECT week_ending, customer_id, true AS is_stored FROM adoption_customer_weekly WHERE week_ending < $from_week::DATE
),
written AS (
  SELECT x.*
  FROM week_trends(joined) x
  LEFT JOIN stored USING (week_ending, customer_id)
  WHERE week_ending >= $from_week::DATE OR is_stored IS NULL  -- on week_trends' rows: earlier weeks feed streaks
),
figures AS (
  SELECT x.*, l.* EXCLUDE (week_ending, customer_id, snapshot_date, deployment_pct, usage_pct, usage_pct_adjusted),
    l.unassigned + coalesce(l.inactive, 0) AS unused, f.first_seen
  FROM written x
  LEFT JOIN last_in_week l USING (week_ending, customer_id)
  JOIN first_seen f USING (customer_id)
)
-- The rank within each week's book, of the rows written only: every week it ranks is written whole.
SELECT
  week_ending, customer_id, has_data, snapshot_date, as_of_date, customer_name, owner_email, licenses_sold,
  licenses_assigned, deployment_pct, entitlements, usage_entitlements, active_entitlements, usage_pct,
  adjusted_entitlements, active_adjusted, usage_pct_adjusted, unassigned, inactive, unused, deployment_pct_change, usage_pct_change, usage_pct_adjusted_change, usage_pct_ma4,
  usage_pct_adjusted_ma4,
  low_usage_streak, first_seen, last_seen,
  CASE WHEN has_data THEN rank() OVER (PARTITION BY week_ending, has_data, coalesce(owner_email, '') ORDER BY unused DESC) END::INTEGER
    AS rank_in_book
FROM figures
