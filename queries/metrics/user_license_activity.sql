-- user_license_activity: the per-user rows of user_license_rows, stored for each customer's last snapshot of each
-- week touched by the recomputation (the Inactive users sheet lists them; keeping every day's would multiply the
-- warehouse and a backfill's writes by seven for nothing that is read).
-- From: user_license_rows (the macro), stg_user_activity (which snapshot is each customer's last of its week).
-- Parameters: $week_from, $week_to (first and last day of the weeks touched), $week_end_dow, $window_days.
-- The caller first deletes the rows of $week_from … $week_to.
INSERT INTO user_license_activity
WITH keep AS (
  SELECT customer_id, max(snapshot_date) AS snapshot_date
  FROM (
    SELECT DISTINCT snapshot_date, customer_id FROM stg_user_activity
    WHERE snapshot_date BETWEEN $week_from::DATE AND $week_to::DATE
  )
  GROUP BY customer_id, week_ending(snapshot_date, $week_end_dow)
)
SELECT r.snapshot_date, r.customer_id, r.user_key, r.sku_id, r.as_of_date, r.is_deleted, r.active_exchange,
  r.active_sharepoint, r.active_skype, r.active_teams, r.active_yammer, r.active, r.last_activity_date
FROM user_license_rows($week_from::DATE, $week_to::DATE, $window_days) r
SEMI JOIN keep k ON k.snapshot_date = r.snapshot_date AND k.customer_id = r.customer_id
