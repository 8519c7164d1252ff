-- stg_copilot_activity: one row per snapshot date × customer × user (user_key), from each tenant's Microsoft 365
-- Copilot usage report (tenants/<id>/copilotUsageUserDetail.csv) as csvRead.ts read it into tmp_copilot, tagged with
-- its tenant through tmp_copilot_files. Rows without a user or a report date are set aside; a user listed twice keeps
-- the row with the newest report and activity. The app date columns are those of COPILOT_APP_COLUMNS
-- (src/ingest/sources/copilotReports.ts).
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_copilot_activity WHERE snapshot_date = $date::DATE;

-- name: create_files
CREATE OR REPLACE TEMP TABLE tmp_copilot_files (abs VARCHAR, rel VARCHAR, customer_id VARCHAR);

-- name: checks
-- One row per file: rows without a user, without a report date, and repeating a user.
SELECT f.rel,
  count(*) FILTER (WHERE nullif(trim(t.user_key), '') IS NULL)::INTEGER AS no_user,
  count(*) FILTER (WHERE t.report_refresh_date IS NULL)::INTEGER AS no_date,
  (count(nullif(trim(t.user_key), '')) - count(DISTINCT nullif(trim(t.user_key), '')))::INTEGER AS duplicates
FROM tmp_copilot t JOIN tmp_copilot_files f ON f.abs = t.filename GROUP BY f.rel;

-- name: from_csv
INSERT INTO stg_copilot_activity BY NAME
SELECT $date::DATE AS snapshot_date, f.customer_id, trim(t.user_key) AS user_key, t.report_refresh_date,
  t.last_activity, t.chat_last, t.teams_last, t.word_last, t.excel_last, t.powerpoint_last, t.outlook_last,
  t.onenote_last, t.loop_last, t.chat_work_last, t.chat_web_last, t.m365_app_last, t.edge_last, t.agent_last,
  t.prompts_all, t.active_days, t.report_period, t.extras
FROM tmp_copilot t JOIN tmp_copilot_files f ON f.abs = t.filename
WHERE nullif(trim(t.user_key), '') IS NOT NULL AND t.report_refresh_date IS NOT NULL
QUALIFY row_number() OVER (
  PARTITION BY f.customer_id, trim(t.user_key)
  ORDER BY t.report_refresh_date DESC,
    greatest(t.last_activity, t.chat_last, t.teams_last, t.word_last, t.excel_last, t.powerpoint_last, t.outlook_last,
      t.onenote_last, t.loop_last, t.chat_work_last, t.chat_web_last, t.m365_app_last, t.edge_last, t.agent_last)
    DESC NULLS LAST
) = 1;

-- name: report_dates
-- Each tenant report's own as-of date (NULL for a header-only report).
SELECT f.customer_id, max(t.report_refresh_date)::VARCHAR AS refresh
FROM tmp_copilot_files f LEFT JOIN tmp_copilot t ON t.filename = f.abs GROUP BY f.customer_id;

-- name: drop_temp
DROP TABLE IF EXISTS tmp_copilot;
DROP TABLE IF EXISTS tmp_copilot_files;
