-- stg_offer_matrix: one row per snapshot date × offer-matrix row of a catalogue product (product_id, nce_sku_id →
-- sku_id), from partner-center/offermatrix.csv|zip, read in src/spend/priceSheet.ts and appended.
-- Parameters: $date (the snapshot date).

-- name: clear
DELETE FROM stg_offer_matrix WHERE snapshot_date = $date::DATE;

-- name: keep_catalogue
DELETE FROM stg_offer_matrix WHERE snapshot_date = $date::DATE AND sku_id NOT IN (SELECT sku_id FROM catalog_products);
