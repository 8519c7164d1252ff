-- adoption_portfolio_daily: one row per snapshot date × account manager: the sum of their customers' rows in
-- adoption_customer_daily ('' holds the customers without an account manager).
-- From: adoption_customer_daily, through owner_sums (queries/macros/rollups.sql). Parameters: $from, $to (snapshot
-- dates, both included). Counts are sums of the level below; ratios are recomputed from the sums (DESIGN.md §1.5).
INSERT INTO adoption_portfolio_daily BY NAME
WITH in_range AS (
  SELECT * FROM adoption_customer_daily WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
)
SELECT * EXCLUDE (last_snapshot_date) FROM owner_sums(in_range, ['snapshot_date'])
