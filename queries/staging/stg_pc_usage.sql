-- stg_pc_usage: one row per snapshot date × customer × product × workload of Partner Center's licence usage analytics
-- (partner-center/licenses-usage.json), parsed in src/ingest/sources/partnerCenter.ts and appended.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_pc_usage WHERE snapshot_date = $date::DATE;
