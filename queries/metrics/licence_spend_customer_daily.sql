-- licence_spend_customer_daily: a customer's spend on unused seats per snapshot date and currency (DESIGN.md §1.5,
-- §1.7): sums of licence_spend_daily, never across currencies. Products without a price add their seats under
-- currency NULL and no amount. From: licence_spend_daily, stg_customers (the account manager).
-- Parameters: $from, $to (snapshot dates, both included).
INSERT INTO licence_spend_customer_daily
SELECT
  s.snapshot_date, s.customer_id, c.owner_email, s.currency,
  count(*) AS products,
  sum(s.costed_unassigned) AS unassigned,
  coalesce(sum(s.costed_inactive), 0) AS inactive,
  round(sum(s.unassigned_monthly_cost), 6) AS unassigned_monthly_cost,
  round(sum(s.inactive_monthly_cost), 6) AS inactive_monthly_cost,
  coalesce(sum(s.reducible_at_renewal), 0) AS reducible_at_renewal,
  sum(s.reducible_now) AS reducible_now,
  min(s.next_renewal_date) AS next_renewal_date
FROM licence_spend_daily s
LEFT JOIN stg_customers c USING (snapshot_date, customer_id)
WHERE s.snapshot_date BETWEEN $from::DATE AND $to::DATE
GROUP BY s.snapshot_date, s.customer_id, c.owner_email, s.currency
