-- licence_spend_portfolio_daily: the partner's spend on unused seats per snapshot date and currency: sums of
-- licence_spend_owner_daily (DESIGN.md §1.5), never across currencies. From: licence_spend_owner_daily, through
-- spend_sums (queries/macros/rollups.sql). Parameters: $from, $to.
INSERT INTO licence_spend_portfolio_daily BY NAME
WITH owners AS (
  SELECT * FROM licence_spend_owner_daily WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
)
SELECT * FROM spend_sums(owners, ['snapshot_date', 'currency'])
