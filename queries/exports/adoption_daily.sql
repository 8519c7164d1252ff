-- export adoption_daily: one snapshot date of it, the customer's and product's names beside their ids.
-- From: adoption_daily, stg_customers (name at that snapshot), catalog_products, through with_names
-- (queries/macros/export_names.sql). Parameters: $date.
SELECT * FROM with_names('adoption_daily', 'snapshot_date', $date::DATE, 'stg_customers') ORDER BY customer_id, sku_id
