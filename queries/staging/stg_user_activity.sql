-- stg_user_activity: one row per snapshot date × customer × user (user_key), from each tenant's Graph user-detail
-- report (tenants/<id>/office365ActiveUserDetail.csv, formats.md §3.1). Rows go straight in from read_csv (csv_rows,
-- put before the statement by csvRead.ts), tagged with their tenant through tmp_user_files; they are checked in place,
-- and the few that must not stay are deleted before the load's transaction ends.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_user_activity WHERE snapshot_date = $date::DATE;

-- name: create_files
CREATE OR REPLACE TEMP TABLE tmp_user_files (abs VARCHAR, rel VARCHAR, customer_id VARCHAR);

-- name: from_csv
INSERT INTO stg_user_activity
SELECT $date::DATE, f.customer_id, nullif(trim(t.user_key), ''), t.is_deleted, t.deleted_date, t.report_refresh_date,
  t.exchange_last, t.onedrive_last, t.sharepoint_last, t.skype_last, t.yammer_last, t.teams_last,
  coalesce(t.assigned_products, ''), t.extras
FROM csv_rows t JOIN tmp_user_files f ON f.abs = t.filename;

-- name: checks
-- One pass over the rows for every per-file check, one row per tenant (one report per tenant, so the tenant names
-- the file): rows loaded, values missing, users listed twice, activity after the report date.
SELECT customer_id,
  count(*)::INTEGER AS n,
  count(*) FILTER (WHERE user_key IS NULL)::INTEGER AS no_user,
  count(*) FILTER (WHERE report_refresh_date IS NULL)::INTEGER AS no_date,
  count(*) FILTER (WHERE is_deleted IS NULL)::INTEGER AS no_deleted,
  count(*) FILTER (WHERE user_key IS NULL OR report_refresh_date IS NULL OR is_deleted IS NULL)::INTEGER AS incomplete,
  (count(user_key) - count(DISTINCT user_key))::INTEGER AS duplicates,
  count(*) FILTER (WHERE greatest(exchange_last, onedrive_last, sharepoint_last, skype_last, yammer_last, teams_last)
                         > report_refresh_date)::INTEGER AS future_activity
FROM stg_user_activity WHERE snapshot_date = $date::DATE
GROUP BY customer_id;

-- name: delete_incomplete
DELETE FROM stg_user_activity
WHERE snapshot_date = $date::DATE AND (user_key IS NULL OR report_refresh_date IS NULL OR is_deleted IS NULL);

-- name: delete_duplicates
-- Keeps, per user, the row with the newest report and activity.
DELETE FROM stg_user_activity WHERE rowid IN (
  SELECT rowid FROM stg_user_activity WHERE snapshot_date = $date::DATE
  QUALIFY row_number() OVER (
    PARTITION BY customer_id, user_key
    ORDER BY report_refresh_date DESC,
      greatest(exchange_last, onedrive_last, sharepoint_last, skype_last, yammer_last, teams_last) DESC NULLS LAST,
      is_deleted
  ) > 1);

-- name: drop_temp
DROP TABLE IF EXISTS tmp_user_files;
