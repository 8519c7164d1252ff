-- report spend totals: the week's monthly cost of unused seats per currency (never summed across currencies), with
-- the same scope and snapshots as reports/spend.sql, and the week before for the change. Products without a price
-- count their seats under currency NULL. From: licence_spend_daily, adoption_customer_weekly (through week_spend,
-- queries/macros/week_spend.sql).
-- Parameters: $week, $owner ('' = customers without an account manager), $customer (NULL = all).
WITH weeks AS (
  SELECT * FROM week_spend($week::DATE, $owner, $customer)
  UNION ALL
  SELECT * FROM week_spend($week::DATE - 7, $owner, $customer)
),
totals AS (
  SELECT week_ending, currency,
    count(DISTINCT customer_id) AS customers,
    sum(costed_unassigned) AS unassigned, coalesce(sum(costed_inactive), 0) AS inactive,
    round(sum(unassigned_monthly_cost), 6) AS unassigned_monthly_cost,
    round(sum(inactive_monthly_cost), 6) AS inactive_monthly_cost,
    coalesce(sum(reducible_at_renewal), 0) AS reducible_at_renewal, sum(reducible_now) AS reducible_now
  FROM weeks GROUP BY ALL
)
SELECT t.currency, t.customers, t.unassigned, t.inactive, t.unassigned_monthly_cost, t.inactive_monthly_cost,
  t.reducible_at_renewal, t.reducible_now,
  p.unassigned_monthly_cost AS prev_unassigned_monthly_cost, p.inactive_monthly_cost AS prev_inactive_monthly_cost,
  round(t.unassigned_monthly_cost - p.unassigned_monthly_cost, 6) AS unassigned_cost_change,
  round(t.inactive_monthly_cost - p.inactive_monthly_cost, 6) AS inactive_cost_change
FROM totals t
LEFT JOIN totals p ON p.week_ending = $week::DATE - 7 AND p.currency IS NOT DISTINCT FROM t.currency
WHERE t.week_ending = $week::DATE
ORDER BY t.currency NULLS LAST
