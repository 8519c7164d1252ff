-- digest inactive users: the Inactive users sheet of one account manager's workbook in a digest run, read from the
-- run's digest_inactive_holders (queries/reports/digest_inactive_holders.sql): the same rows, columns and order as
-- queries/reports/inactive_users.sql for that manager.
-- From: digest_inactive_holders, adoption_customer_weekly (names), catalog_products. Parameters: $week, $owner.
SELECT c.customer_name, i.customer_id, i.user_key, p.display_name AS product, i.last_activity_date,
  (i.as_of_date - i.last_activity_date)::INTEGER AS days_since, i.as_of_date
FROM digest_inactive_holders i
JOIN adoption_customer_weekly c ON c.week_ending = $week::DATE AND c.customer_id = i.customer_id
JOIN catalog_products p ON p.sku_id = i.sku_id
-- owner_email is never NULL here: the plain comparison beside owned_by is the same test, in a form DuckDB checks
-- against each row group's range, so a manager's rows are read without scanning everyone's.
WHERE owned_by(i.owner_email, $owner) AND i.owner_email = $owner::VARCHAR
ORDER BY c.customer_name, i.customer_id, product, days_since DESC NULLS FIRST, i.user_key
