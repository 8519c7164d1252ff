-- adoption_workload_weekly: one row per week × customer × SKU × workload, from the customer's last snapshot of the
-- week in adoption_workload_daily (the same snapshot as adoption_weekly and adoption_customer_weekly). From: adoption_workload_daily,
-- adoption_customer_daily, loads, through week_last_snapshots and week_spine (queries/macros/weekly.sql).
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
  SEMI JOIN week_last_snapshots('adoption_customer_daily', $week_end_dow, $from_week::DATE - 6) k
    ON k.customer_id = w.customer_id AND k.snapshot_date = w.snapshot_date
  WHERE w.snapshot_date >= $from_week::DATE - 6
),
stored AS (
  -- As in adoption_customer_weekly: a gap before $from_week not yet written is written now.
  SELECT week_ending, customer_id, sku_id, workload, true AS is_stored FROM adoption_workload_weekly
  WHERE week_ending < $from_week::DATE
)
SELECT
  s.week_ending, s.customer_id, s.sku_id, s.workload, l.snapshot_date IS NOT NULL AS has_data, l.snapshot_date,
  l.as_of_date, l.source, l.licenses_qualified, l.licenses_active, l.usage_pct,
  l.usage_pct - lag(l.usage_pct) OVER w AS usage_pct_change,
  avg(l.usage_pct) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS usage_pct_ma4
FROM week_spine(last_in_week, ['customer_id', 'sku_id', 'workload'], $week_end_dow) s
LEFT JOIN last_in_week l USING (week_ending, customer_id, sku_id, workload)
LEFT JOIN stored st USING (week_ending, customer_id, sku_id, workload)
-- series: week_spine's one integer per key, cheaper to sort on than the three key columns.
WINDOW w AS (PARTITION BY s.series ORDER BY s.week_ending)
QUALIFY (s.week_ending >= $from_week::DATE OR st.is_stored IS NULL)
