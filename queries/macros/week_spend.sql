-- week_spend(week, owner, customer): licence_spend_daily's rows at each customer's last snapshot of the week ending
-- `week` (DESIGN.md §1.7), for the customers in scope (in_scope, queries/macros/scope.sql), with the week, the
-- customer's name and account manager. Grain: customer × product. From: licence_spend_daily, adoption_customer_weekly.
CREATE OR REPLACE TEMP MACRO week_spend(week, owner, customer) AS TABLE
SELECT s.*, c.week_ending, c.customer_name, c.owner_email
FROM licence_spend_daily s
JOIN adoption_customer_weekly c ON c.customer_id = s.customer_id AND c.snapshot_date = s.snapshot_date
WHERE c.week_ending = week AND c.has_data AND in_scope(c.owner_email, s.customer_id, owner, customer);
