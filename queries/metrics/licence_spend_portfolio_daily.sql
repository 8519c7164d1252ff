-- licence_spend_portfolio_daily: the partner's spend on unused seats per snapshot date and currency: sums of
-- licence_spend_owner_daily (DESIGN.md §1.5), never across currencies. From: licence_spend_owner_daily.
-- Parameters: $from, $to.
INSERT INTO licence_spend_portfolio_daily
SELECT
  snapshot_date, currency,
  sum(customers) AS customers,
  sum(unassigned) AS unassigned,
  sum(inactive) AS inactive,
  round(sum(unassigned_monthly_cost), 6) AS unassigned_monthly_cost,
  round(sum(inactive_monthly_cost), 6) AS inactive_monthly_cost,
  sum(reducible_at_renewal) AS reducible_at_renewal,
  sum(reducible_now) AS reducible_now
FROM licence_spend_owner_daily
WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
GROUP BY snapshot_date, currency
