-- stg_subscription_terms: one row per snapshot date × Partner Center subscription: the spend terms of its item in
-- partner-center/subscriptions.json (licence-spend.md §4.1), parsed in src/ingest/sources/partnerCenter.ts and
-- appended by src/spend/loadSpendSources.ts.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_subscription_terms WHERE snapshot_date = $date::DATE;
