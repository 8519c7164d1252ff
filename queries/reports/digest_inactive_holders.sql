-- digest inactive holders: the week's reclaim candidates of every account manager (inactive_holders,
-- queries/macros/inactive_holders.sql), set aside once per digest run in a TEMP table stored in account-manager
-- order, so that each manager's workbook reads its own rows (queries/reports/digest_inactive_users.sql) instead of
-- scanning the whole portfolio's per-user rows again: at 20,000 customers that scan, 400 times, was a sixth of the
-- digest run. Gone when the connection closes.
-- From: inactive_holders. Parameters: $week.
CREATE OR REPLACE TEMP TABLE digest_inactive_holders AS
SELECT coalesce(owner_email, '') AS owner_email, customer_id, user_key, sku_id, last_activity_date, as_of_date
FROM inactive_holders($week::DATE)
ORDER BY owner_email, customer_id
