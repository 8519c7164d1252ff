-- export adoption_weekly: one week of it, the customer's and product's names beside their ids.
-- From: adoption_weekly, adoption_customer_weekly (the customer's name that week), catalog_products, through
-- with_names (queries/macros/export_names.sql). Parameters: $week (a week-ending date).
SELECT * FROM with_names('adoption_weekly', 'week_ending', $week::DATE, 'adoption_customer_weekly') ORDER BY customer_id, sku_id
