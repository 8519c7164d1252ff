-- stg_copilot_reports: one row per snapshot date × customer whose Copilot usage report loaded: the report's own as-of
-- date and the apps its layout has (an app without a column is not an app nobody uses). Appended by
-- src/ingest/sources/copilotReports.ts.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_copilot_reports WHERE snapshot_date = $date::DATE;
