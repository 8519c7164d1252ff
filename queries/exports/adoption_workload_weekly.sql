-- export adoption_workload_weekly: one week of it, the customer's and product's names beside their ids.
-- From: adoption_workload_weekly, adoption_customer_weekly, catalog_products, through with_names
-- (queries/macros/export_names.sql). Parameters: $week.
SELECT * FROM with_names('adoption_workload_weekly', 'week_ending', $week::DATE, 'adoption_customer_weekly') ORDER BY customer_id, sku_id, workload
