-- user_license_activity: the per-user rows of user_license_rows, stored for each customer's last snapshot of each
-- week touched by the recomputation (the Inactive users sheet lists them; keeping every day's would multiply the
-- warehouse and a backfill's writes by seven for nothing that is read).
-- From: user_license_rows (the macro), user_license_keep (which snapshots to store).
-- Parameters: $keep_from, $keep_to (the first and last snapshot in user_license_keep), $window_days.
-- The caller first deletes the rows of the weeks touched.
INSERT INTO user_license_activity
SELECT r.snapshot_date, r.customer_id, r.user_key, r.sku_id, r.as_of_date, r.is_deleted, r.active_exchange,
  r.active_sharepoint, r.active_skype, r.active_teams, r.active_yammer, r.active, r.last_activity_date
FROM user_license_rows($keep_from::DATE, $keep_to::DATE, $window_days) r
SEMI JOIN user_license_keep k ON k.snapshot_date = r.snapshot_date AND k.customer_id = r.customer_id
