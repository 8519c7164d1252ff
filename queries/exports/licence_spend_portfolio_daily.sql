-- export licence_spend_portfolio_daily: one snapshot date of it, per currency (sums never cross currencies).
-- From: licence_spend_portfolio_daily. Parameters: $date.
SELECT * FROM licence_spend_portfolio_daily WHERE snapshot_date = $date::DATE ORDER BY currency
