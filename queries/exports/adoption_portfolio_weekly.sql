-- export adoption_portfolio_weekly: one week of it, one row per account manager.
-- From: adoption_portfolio_weekly. Parameters: $week.
SELECT * FROM adoption_portfolio_weekly WHERE week_ending = $week::DATE ORDER BY owner_email
