-- stg_subscribed_skus: one row per snapshot date × customer × SKU, from each tenant's Graph subscribedSkus.json,
-- parsed in src/ingest/sources/graphTenant.ts and appended.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_subscribed_skus WHERE snapshot_date = $date::DATE;
