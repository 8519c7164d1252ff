-- licence_spend_owner_daily: an account manager's spend on unused seats per snapshot date and currency: sums of
-- licence_spend_customer_daily (DESIGN.md §1.5), never across currencies. Customers without an account manager
-- roll up under owner_email NULL. From: licence_spend_customer_daily, through spend_sums
-- (queries/macros/rollups.sql). Parameters: $from, $to.
INSERT INTO licence_spend_owner_daily BY NAME
WITH customers AS (
  -- A customer's row per date and currency is one customer: the level below counts 1.
  SELECT *, 1 AS customers FROM licence_spend_customer_daily WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
)
SELECT * FROM spend_sums(customers, ['snapshot_date', 'owner_email', 'currency'])
