-- export adoption_weekly: one week of it, the customer's and product's names beside their ids.
-- From: adoption_weekly, adoption_customer_weekly (the customer's name that week), catalog_products, through
-- weekly_with_names (queries/macros/export_names.sql). Parameters: $week (a week-ending date).
SELECT * FROM weekly_with_names('adoption_weekly', $week::DATE) ORDER BY customer_id, sku_id
