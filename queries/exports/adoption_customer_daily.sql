-- export adoption_customer_daily: one snapshot date of it (the customer's name is a column of the table).
-- From: adoption_customer_daily. Parameters: $date.
SELECT * FROM adoption_customer_daily WHERE snapshot_date = $date::DATE ORDER BY customer_id
