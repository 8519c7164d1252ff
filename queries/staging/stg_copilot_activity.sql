-- stg_copilot_activity: one row per snapshot date × customer × user (user_key), from each tenant's Microsoft 365
-- Copilot usage report (tenants/<id>/copilotUsageUserDetail.csv). Rows go straight in from read_csv (csv_rows, put
-- before the statement by csvRead.ts), tagged with their tenant through tmp_copilot_files; they are checked in place:
-- rows without a user or a report date are deleted (set aside), and a user listed twice keeps the row with the newest
-- report and activity, before the load's transaction ends. The app date columns are those of COPILOT_APP_COLUMNS
-- (src/ingest/sources/copilotReports.ts).
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_copilot_activity WHERE snapshot_date = $date::DATE;

-- name: create_files
CREATE OR REPLACE TEMP TABLE tmp_copilot_files (abs VARCHAR, rel VARCHAR, customer_id VARCHAR);

-- name: from_csv
INSERT INTO stg_copilot_activity BY NAME
SELECT $date::DATE AS snapshot_date, f.customer_id, nullif(trim(t.user_key), '') AS user_key, t.report_refresh_date,
  t.last_activity, t.chat_last, t.teams_last, t.word_last, t.excel_last, t.powerpoint_last, t.outlook_last,
  t.onenote_last, t.loop_last, t.chat_work_last, t.chat_web_last, t.m365_app_last, t.edge_last, t.agent_last,
  t.prompts_all, t.active_days, t.report_period, t.extras
FROM csv_rows t JOIN tmp_copilot_files f ON f.abs = t.filename;

-- name: checks
-- One pass, one row per tenant (one report per tenant): rows read, rows without a user, without a report date,
-- complete rows repeating a user, and the report's own as-of date (NULL when no row has one).
SELECT customer_id,
  count(*)::INTEGER AS n,
  count(*) FILTER (WHERE user_key IS NULL)::INTEGER AS no_user,
  count(*) FILTER (WHERE report_refresh_date IS NULL)::INTEGER AS no_date,
  count(*) FILTER (WHERE user_key IS NULL OR report_refresh_date IS NULL)::INTEGER AS incomplete,
  (count(user_key) FILTER (WHERE report_refresh_date IS NOT NULL)
    - count(DISTINCT user_key) FILTER (WHERE report_refresh_date IS NOT NULL))::INTEGER AS duplicates,
  max(report_refresh_date)::VARCHAR AS refresh
FROM stg_copilot_activity WHERE snapshot_date = $date::DATE
GROUP BY customer_id;

-- name: delete_incomplete
DELETE FROM stg_copilot_activity
WHERE snapshot_date = $date::DATE AND (user_key IS NULL OR report_refresh_date IS NULL);

-- name: delete_duplicates
-- Keeps, per user, the row with the newest report and activity.
DELETE FROM stg_copilot_activity WHERE rowid IN (
  SELECT rowid FROM stg_copilot_activity WHERE snapshot_date = $date::DATE
  QUALIFY row_number() OVER (
    PARTITION BY customer_id, user_key
    ORDER BY report_refresh_date DESC,
      greatest(last_activity, chat_last, teams_last, word_last, excel_last, powerpoint_last, outlook_last,
        onenote_last, loop_last, chat_work_last, chat_web_last, m365_app_last, edge_last, agent_last)
      DESC NULLS LAST
  ) > 1);

-- name: drop_temp
DROP TABLE IF EXISTS tmp_copilot_files;
