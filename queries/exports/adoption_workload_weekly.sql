-- export adoption_workload_weekly: one week of it, the customer's and product's names beside their ids.
-- From: adoption_workload_weekly, adoption_customer_weekly, catalog_products, through weekly_with_names
-- (queries/macros/export_names.sql). Parameters: $week.
SELECT * FROM weekly_with_names('adoption_workload_weekly', $week::DATE) ORDER BY customer_id, sku_id, workload
