-- stg_subscriptions: one row per snapshot date × customer × source (graph | partner_center) × subscription, from each
-- tenant's Graph subscriptions.json and Partner Center's subscriptions.json, parsed in src/ingest/sources/ and appended.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_subscriptions WHERE snapshot_date = $date::DATE;
