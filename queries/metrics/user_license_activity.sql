-- user_license_activity: the per-user rows of user_license_rows, stored for each customer's last snapshot of each
-- week touched by the recomputation (the Inactive users sheet lists them; keeping every day's would multiply the
-- warehouse and a backfill's writes by seven for nothing that is read). Computed before the daily counts, which
-- read these rows back rather than compute them again.
-- From: user_license_rows (the macro, kept snapshots only), user_license_keep (which snapshots to store).
-- Parameters: $keep_from, $keep_to (the first and last snapshot in user_license_keep), $window_days.
-- The caller first deletes the rows of the weeks touched.
INSERT INTO user_license_activity BY NAME
SELECT snapshot_date, customer_id, user_key, sku_id, as_of_date, is_deleted, active_exchange, active_sharepoint,
  active_skype, active_teams, active_yammer, active_copilot, copilot_apps, active, last_activity_date
FROM user_license_rows($keep_from::DATE, $keep_to::DATE, $window_days, true)
