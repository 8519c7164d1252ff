-- export adoption_portfolio_daily: one snapshot date of it, one row per account manager.
-- From: adoption_portfolio_daily. Parameters: $date.
SELECT * FROM adoption_portfolio_daily WHERE snapshot_date = $date::DATE ORDER BY owner_email
