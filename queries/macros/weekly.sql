-- The definitions the weekly tables (queries/metrics/*_weekly.sql) are built on: which snapshot stands for a week,
-- which weeks a key has a row for, and how a week compares with the weeks before it. Written once here so that the
-- tables agree week for week.

-- week_last_snapshots(daily_table, week_end_dow, since): each customer's last snapshot of each week in a daily
-- table (by name, e.g. 'adoption_customer_daily'), from the date `since` on: the one snapshot every weekly figure of
-- the customer is taken from (DESIGN.md §1.5). Weeks end on week_ending(date, week_end_dow).
-- Grain: week × customer. From: the daily table named.
CREATE OR REPLACE TEMP MACRO week_last_snapshots(daily_table, week_end_dow, since) AS TABLE
SELECT week_ending(snapshot_date, week_end_dow) AS week_ending, customer_id, max(snapshot_date) AS snapshot_date
FROM query_table(daily_table)
WHERE snapshot_date >= since
GROUP BY ALL;

-- week_spine(last_rows, keys, week_end_dow): the weeks a weekly table writes for each key: every week from the
-- key's first week in last_rows to its last, the weeks between without a row included. Such a week is a gap (the
-- table writes it with has_data false and NULL figures, never zeros), and so is a week without any drop: the weeks
-- are those of the loads, from the first drop's to the last's. last_rows: a table or CTE with week_ending and the
-- key columns (the rows of each week's last snapshot); keys: the key columns' names, e.g. ['customer_id', 'sku_id'].
-- Each key's rows carry `series`, one number per key: what week_trends partitions by, a single integer being
-- cheaper to partition on than the key columns. Grain: week × key. From: last_rows, loads.
CREATE OR REPLACE TEMP MACRO week_spine(last_rows, keys, week_end_dow) AS TABLE
WITH
weeks AS (
  SELECT unnest(generate_series(min(week_ending(snapshot_date, week_end_dow)), max(week_ending(snapshot_date, week_end_dow)), INTERVAL 7 DAY))::DATE AS week_ending
  FROM loads
),
spans AS (
  SELECT COLUMNS(keys), min(week_ending) AS first_week, max(week_ending) AS last_week
  FROM query_table(last_rows)
  GROUP BY ALL
),
numbered AS (
  SELECT *, row_number() OVER () AS series FROM spans
)
SELECT w.week_ending, s.* EXCLUDE (first_week, last_week)
FROM numbered s
JOIN weeks w ON w.week_ending BETWEEN s.first_week AND s.last_week;


-- week_trends(spine_rows): a weekly table's rows with how each week compares with the key's weeks before it.
-- spine_rows: a table or CTE with one row per week × key from week_spine (`series` and week_ending; gap weeks
-- included, with NULL figures), deployment_pct, usage_pct, usage_pct_adjusted, snapshot_date and `below` (whether
-- the week is below the low-usage threshold; false or NULL for a gap). Adds the change of each of the three
-- ratios on the week before (NULL across a gap), their 4-week moving averages (of the weeks with data),
-- last_seen (the latest snapshot up to the week) and low_usage_streak (the weeks below the threshold in a row up
-- to this one, 0 when it is not below; a gap ends a streak). Grain: spine_rows'.
CREATE OR REPLACE TEMP MACRO week_trends(spine_rows) AS TABLE
WITH
windowed AS (
  SELECT *,
    deployment_pct - lag(deployment_pct) OVER w AS deployment_pct_change,
    usage_pct - lag(usage_pct) OVER w AS usage_pct_change,
    usage_pct_adjusted - lag(usage_pct_adjusted) OVER w AS usage_pct_adjusted_change,
    avg(deployment_pct) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS deployment_pct_ma4,
    avg(usage_pct) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS usage_pct_ma4,
    avg(usage_pct_adjusted) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS usage_pct_adjusted_ma4,
    max(snapshot_date) OVER (w ROWS UNBOUNDED PRECEDING) AS last_seen,
    -- Each week not below the threshold (a gap included) starts a new island; a streak counts the island's below weeks.
    sum(CASE WHEN below THEN 0 ELSE 1 END) OVER (w ROWS UNBOUNDED PRECEDING) AS island
  FROM query_table(spine_rows)
  WINDOW w AS (PARTITION BY series ORDER BY week_ending)
)
SELECT * EXCLUDE (island),
  CASE WHEN below THEN count(*) FILTER (WHERE below) OVER (PARTITION BY series, island ORDER BY week_ending ROWS UNBOUNDED PRECEDING) ELSE 0 END::INTEGER
    AS low_usage_streak
FROM windowed;
