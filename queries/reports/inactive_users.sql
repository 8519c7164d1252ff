-- report inactive users: the Inactive users sheet, the reclaim candidates (inactive_holders,
-- queries/macros/inactive_holders.sql) of the workbook's scope, named, a customer and a product at a time, the
-- longest inactive first. A digest run reads the same rows from the table it set aside
-- (queries/reports/digest_inactive_users.sql), in this order.
-- From: inactive_holders, adoption_customer_weekly (names), catalog_products. Parameters: $week, $owner and $customer
-- (NULL = all).
SELECT c.customer_name, i.customer_id, i.user_key, p.display_name AS product, i.last_activity_date,
  (i.as_of_date - i.last_activity_date)::INTEGER AS days_since, i.as_of_date
FROM inactive_holders($week::DATE) i
JOIN adoption_customer_weekly c ON c.week_ending = $week::DATE AND c.customer_id = i.customer_id
JOIN catalog_products p ON p.sku_id = i.sku_id
WHERE in_scope(i.owner_email, i.customer_id, $owner, $customer)
ORDER BY c.customer_name, i.customer_id, product, days_since DESC NULLS FIRST, i.user_key
