-- export adoption_customer_weekly: one week of it (the customer's name is a column of the table).
-- From: adoption_customer_weekly. Parameters: $week.
SELECT * FROM adoption_customer_weekly WHERE week_ending = $week::DATE ORDER BY customer_id
