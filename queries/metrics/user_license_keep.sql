-- user_license_keep: which snapshot is each customer's last of each week touched by the recomputation: the
-- snapshots whose per-user rows user_license_activity stores. A TEMP table, one row per customer × week.
-- From: stg_user_activity. Parameters: $week_from, $week_to (first and last day of the weeks touched), $week_end_dow.
CREATE OR REPLACE TEMP TABLE user_license_keep AS
SELECT customer_id, max(snapshot_date) AS snapshot_date
FROM (
  SELECT DISTINCT snapshot_date, customer_id FROM stg_user_activity
  WHERE snapshot_date BETWEEN $week_from::DATE AND $week_to::DATE
)
GROUP BY customer_id, week_ending(snapshot_date, $week_end_dow)
