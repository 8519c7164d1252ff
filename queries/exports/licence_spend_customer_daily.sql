-- export licence_spend_customer_daily: one snapshot date of it, per customer and currency, with the customer's name.
-- From: licence_spend_customer_daily, stg_customers. Parameters: $date.
SELECT d.snapshot_date, d.customer_id, c.customer_name, d.* EXCLUDE (snapshot_date, customer_id)
FROM licence_spend_customer_daily d
LEFT JOIN stg_customers c USING (snapshot_date, customer_id)
WHERE d.snapshot_date = $date::DATE
ORDER BY d.customer_id, d.currency
