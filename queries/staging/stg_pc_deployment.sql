-- stg_pc_deployment: one row per snapshot date × customer × product of Partner Center's licence deployment analytics
-- (partner-center/licenses-deployment.json), parsed in src/ingest/sources/partnerCenter.ts and appended.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_pc_deployment WHERE snapshot_date = $date::DATE;

-- name: customers_with_analytics
-- One row per customer that either of Partner Center's analytics files lists this day.
SELECT DISTINCT customer_id FROM stg_pc_deployment WHERE snapshot_date = $date::DATE
UNION SELECT DISTINCT customer_id FROM stg_pc_usage WHERE snapshot_date = $date::DATE;
