-- spend findings: the licence-spend actions of a week, at each customer's last snapshot of the week (DESIGN.md §1.7,
-- licence-spend.md §4–5). Two kinds:
--   cut_at_renewal: an own subscription renewing within $horizon_days of the snapshot with unassigned seats not yet
--     covered by a scheduled change. deadline = the term's end date (inclusive, UTC): the change must be scheduled
--     before renewal starts at 00:00 UTC the next day. monthly_saving = seats × the price in force at renewal.
--   cut_now: unassigned seats added in the last 7 days (refundableQuantity) that can still be cut with a prorated
--     refund, until the earliest allowedUntilDateTime. monthly_saving = seats × the subscription's price.
-- Seats still assigned (inactive) are never a saving here. Amounts keep their currency.
-- From: licence_spend_daily, adoption_customer_weekly (through week_spend, queries/macros/week_spend.sql),
-- catalog_products.
-- Parameters: $week, $owner ('' = no account manager), $customer (NULL = all), $horizon_days.
WITH s AS (
  SELECT s.*, p.display_name AS product
  FROM week_spend($week::DATE, $owner, $customer) s
  JOIN catalog_products p ON p.sku_id = s.sku_id
)
SELECT 'cut_now' AS finding, customer_id, customer_name, owner_email, sku_id, product,
  least(reducible_now, costed_unassigned) AS seats,
  NULL::DATE AS renewal_date,
  strftime(reducible_now_until, '%Y-%m-%d %H:%M UTC') AS deadline,
  round(least(reducible_now, costed_unassigned) * monthly_price, 6) AS monthly_saving, currency,
  snapshot_date
FROM s
WHERE reducible_now > 0 AND costed_unassigned > 0 AND reducible_now_until >= snapshot_date::TIMESTAMP
UNION ALL
SELECT 'cut_at_renewal', customer_id, customer_name, owner_email, sku_id, product,
  reducible_at_renewal, next_renewal_date,
  strftime(renewal_deadline, '%Y-%m-%d') || ' 23:59 UTC',
  round(reducible_at_renewal * renewal_monthly_price, 6), currency,
  snapshot_date
FROM s
WHERE reducible_at_renewal > 0 AND next_renewal_date > snapshot_date
  AND next_renewal_date <= snapshot_date + $horizon_days::INTEGER
-- Most urgent first: the deadline (a 'YYYY-MM-DD HH:MM UTC' text sorts as its time), then the larger saving.
ORDER BY deadline, monthly_saving DESC NULLS LAST, customer_name, product, finding
