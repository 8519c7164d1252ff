-- inactive_holders(week): the reclaim candidates of the week ending `week`, for every account manager: licence holders
-- (not deleted) with no activity in the 28-day window at each customer's last snapshot of the week. Only products
-- whose usage the user report measures (usage_basis 'any_workload'): a holder of a product it cannot measure
-- (Dynamics 365) is not known to be inactive. The Inactive users sheet lists them (queries/reports/inactive_users.sql),
-- and a digest run sets them aside once, by account manager (queries/reports/digest_inactive_holders.sql).
-- From: adoption_customer_weekly (the week's snapshot and owner), user_license_activity, adoption_daily (usage basis).
CREATE OR REPLACE TEMP MACRO inactive_holders(week) AS TABLE
SELECT c.owner_email, a.customer_id, a.user_key, a.sku_id, a.last_activity_date, a.as_of_date
FROM adoption_customer_weekly c
JOIN user_license_activity a ON a.snapshot_date = c.snapshot_date AND a.customer_id = c.customer_id
JOIN adoption_daily d
  ON d.snapshot_date = a.snapshot_date AND d.customer_id = a.customer_id AND d.sku_id = a.sku_id
  AND d.usage_basis = 'any_workload'
WHERE c.week_ending = week::DATE AND c.has_data AND NOT a.active AND NOT a.is_deleted;
