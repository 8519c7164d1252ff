-- adoption_workload_weekly: one row per week × customer × SKU × workload, from the customer's last snapshot of the
-- week in adoption_workload_daily (the same snapshot as adoption_weekly and adoption_customer_weekly). From: adoption_workload_daily, loads.
-- Parameters: $week_end_dow (0 = Sunday … 6 = Saturday), $from_week. Gaps as in adoption_customer_weekly; weeks
-- before $from_week are read back from this table, as there.
INSERT INTO adoption_workload_weekly BY NAME
WITH
last_in_week AS (
  SELECT week_ending, customer_id, sku_id, workload, snapshot_date, as_of_date, source, licenses_qualified, licenses_active, usage_pct
  FROM adoption_workload_weekly
  WHERE week_ending < $from_week::DATE AND has_data
  UNION ALL
  SELECT week_ending(w.snapshot_date, $week_end_dow) AS week_ending, w.customer_id, w.sku_id, w.workload, w.snapshot_date,
    w.as_of_date, w.source, w.licenses_qualified, w.licenses_active, w.usage_pct
  FROM adoption_workload_daily w
  SEMI JOIN (
    SELECT customer_id, max(snapshot_date) AS snapshot_date FROM adoption_customer_daily
    WHERE snapshot_date >= $from_week::DATE - 6
    GROUP BY customer_id, week_ending(snapshot_date, $week_end_dow)
  ) k ON k.customer_id = w.customer_id AND k.snapshot_date = w.snapshot_date
  WHERE w.snapshot_date >= $from_week::DATE - 6
),
weeks AS (
  SELECT unnest(generate_series(min(week_ending(snapshot_date, $week_end_dow)), max(week_ending(snapshot_date, $week_end_dow)), INTERVAL 7 DAY))::DATE AS week_ending
  FROM loads
),
stored AS (
  -- As in adoption_customer_weekly: a gap before $from_week not yet written is written now.
  SELECT week_ending, customer_id, sku_id, workload, true AS is_stored FROM adoption_workload_weekly
  WHERE week_ending < $from_week::DATE
),
spine AS (
  SELECT w.week_ending, k.customer_id, k.sku_id, k.workload
  FROM (SELECT customer_id, sku_id, workload, min(week_ending) AS first_week, max(week_ending) AS last_week FROM last_in_week GROUP BY ALL) k
  JOIN weeks w ON w.week_ending BETWEEN k.first_week AND k.last_week
)
SELECT
  s.week_ending, s.customer_id, s.sku_id, s.workload, l.snapshot_date IS NOT NULL AS has_data, l.snapshot_date,
  l.as_of_date, l.source, l.licenses_qualified, l.licenses_active, l.usage_pct,
  l.usage_pct - lag(l.usage_pct) OVER w AS usage_pct_change,
  avg(l.usage_pct) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS usage_pct_ma4
FROM spine s
LEFT JOIN last_in_week l USING (week_ending, customer_id, sku_id, workload)
LEFT JOIN stored st USING (week_ending, customer_id, sku_id, workload)
WINDOW w AS (PARTITION BY s.customer_id, s.sku_id, s.workload ORDER BY s.week_ending)
QUALIFY (s.week_ending >= $from_week::DATE OR st.is_stored IS NULL)
