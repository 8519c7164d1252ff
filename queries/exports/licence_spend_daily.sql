-- export licence_spend_daily: one snapshot date of it, the customer's and product's names beside their ids.
-- From: licence_spend_daily, stg_customers, catalog_products, through daily_with_names
-- (queries/macros/export_names.sql). Parameters: $date.
SELECT * FROM daily_with_names('licence_spend_daily', $date::DATE) ORDER BY customer_id, sku_id
