-- The two definitions every weekly table (queries/metrics/*_weekly.sql) is built on: which snapshot stands for a
-- week, and which weeks a key has a row for. Written once here so that the four tables agree week for week.

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
-- Grain: week × key. From: last_rows, loads.
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
)
SELECT w.week_ending, s.* EXCLUDE (first_week, last_week)
FROM spans s
JOIN weeks w ON w.week_ending BETWEEN s.first_week AND s.last_week;
