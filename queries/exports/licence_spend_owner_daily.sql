-- export licence_spend_owner_daily: one snapshot date of it, per account manager and currency.
-- From: licence_spend_owner_daily. Parameters: $date.
SELECT * FROM licence_spend_owner_daily WHERE snapshot_date = $date::DATE ORDER BY owner_email, currency
