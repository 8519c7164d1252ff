-- stg_spend_settings: one row per snapshot date: the spend settings the load used (config spend.*), so that a
-- recompute prices with the settings of the night.
-- Parameters: $date (the snapshot date), $market, $currency, $term, $plan.

-- name: clear
DELETE FROM stg_spend_settings WHERE snapshot_date = $date::DATE;

-- name: insert
INSERT INTO stg_spend_settings VALUES ($date::DATE, $market, $currency, $term, $plan);
