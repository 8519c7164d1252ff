-- findings: what each customer × product showed in a week, following Partner Center's "Next steps" (DESIGN.md §4).
-- From: adoption_weekly (the week's figures and week-over-week change), adoption_workload_weekly (weakest workload),
--       stg_tickets (how-to tickets over the 28 days up to the as-of date), stg_subscriptions (term ends).
-- Parameters: $week; thresholds $low_deployment, $low_usage, $weak_gap, $how_to_per_100, $declining,
--   $renewal_days, $upsell_deployment, $upsell_usage; $window_days (28); $how_to_categories (a JSON list of
--   lower-case ticket categories that count as how-to); $retired_workloads (a JSON list: never named as weak, DESIGN.md §3).
-- Usage findings use the adjusted figure where there is one, and skip products whose usage is not measurable.
INSERT INTO findings
WITH
w AS (
  SELECT *, coalesce(usage_pct_adjusted, usage_pct) AS usage_for_findings
  FROM adoption_weekly WHERE week_ending = $week::DATE AND has_data
),
workload_usage AS (
  SELECT customer_id, sku_id, workload, usage_pct
  FROM adoption_workload_weekly WHERE week_ending = $week::DATE AND has_data AND usage_pct IS NOT NULL
    AND NOT list_contains(from_json($retired_workloads, '["VARCHAR"]'), workload)
),
weakest AS (
  SELECT customer_id, sku_id, arg_min(workload, usage_pct) AS workload, min(usage_pct) AS usage_pct, max(usage_pct) AS best
  FROM workload_usage GROUP BY customer_id, sku_id
  HAVING count(*) > 1 AND max(usage_pct) - min(usage_pct) >= $weak_gap
),
customer_main AS (
  -- A customer-level finding (tickets) is attached to the customer's largest product.
  SELECT customer_id, arg_max(sku_id, entitlements) AS sku_id, sum(entitlements) AS entitlements, max(as_of_date) AS as_of
  FROM w GROUP BY customer_id
),
how_to AS (
  SELECT t.customer_id, count(DISTINCT t.ticket_id) AS tickets
  FROM stg_tickets t JOIN customer_main m USING (customer_id)
  WHERE t.snapshot_date <= $week::DATE
    AND t.opened_at::DATE BETWEEN m.as_of - ($window_days - 1) AND m.as_of
    AND list_contains(from_json($how_to_categories, '["VARCHAR"]'), lower(trim(t.category)))
  GROUP BY t.customer_id
),
renewals AS (
  SELECT s.customer_id, s.sku_id, min(s.term_end) AS term_end, any_value(w.as_of_date) AS as_of
  FROM stg_subscriptions s
  JOIN w ON w.customer_id = s.customer_id AND w.sku_id = s.sku_id AND s.snapshot_date = w.snapshot_date
  WHERE s.status = 'active' AND NOT s.is_trial AND s.term_end BETWEEN w.as_of_date AND w.as_of_date + $renewal_days::INTEGER
  GROUP BY s.customer_id, s.sku_id
)
SELECT $week::DATE, customer_id, sku_id, 'low_deployment', NULL, deployment_pct, $low_deployment,
  json_object('unassigned', unassigned, 'sold', licenses_sold)::VARCHAR
FROM w WHERE deployment_pct < $low_deployment
UNION ALL
SELECT $week::DATE, customer_id, sku_id, 'low_usage', NULL, usage_for_findings, $low_usage,
  json_object('inactive', inactive, 'entitlements', entitlements, 'basis', usage_basis)::VARCHAR
FROM w WHERE usage_for_findings < $low_usage AND usage_basis <> 'not_measurable'
UNION ALL
SELECT $week::DATE, customer_id, sku_id, 'weak_workload', workload, usage_pct, $weak_gap, json_object('best', best)::VARCHAR
FROM weakest
UNION ALL
SELECT $week::DATE, h.customer_id, m.sku_id, 'high_how_to', NULL, h.tickets * 100.0 / m.entitlements, $how_to_per_100,
  json_object('tickets', h.tickets, 'entitlements', m.entitlements)::VARCHAR
FROM how_to h JOIN customer_main m USING (customer_id)
WHERE m.entitlements > 0 AND h.tickets * 100.0 / m.entitlements >= $how_to_per_100
UNION ALL
SELECT $week::DATE, customer_id, sku_id, 'declining', NULL, coalesce(usage_pct_adjusted_change, usage_pct_change), -$declining,
  json_object('usage', usage_for_findings, 'basis', usage_basis)::VARCHAR
FROM w WHERE coalesce(usage_pct_adjusted_change, usage_pct_change) <= -$declining AND usage_basis <> 'not_measurable'
UNION ALL
SELECT $week::DATE, r.customer_id, r.sku_id, 'renewal_risk', NULL, (r.term_end - r.as_of)::DOUBLE, $renewal_days,
  json_object('term_end', r.term_end, 'unassigned', w.unassigned)::VARCHAR
FROM renewals r JOIN w USING (customer_id, sku_id) WHERE w.unassigned > 0
UNION ALL
SELECT $week::DATE, customer_id, sku_id, 'upsell', NULL, usage_for_findings, $upsell_usage,
  json_object('deployment', deployment_pct)::VARCHAR
FROM w WHERE deployment_pct >= $upsell_deployment AND usage_for_findings >= $upsell_usage AND usage_basis <> 'not_measurable'
UNION ALL
SELECT $week::DATE, customer_id, sku_id, 'usage_over_100', NULL, usage_pct, 1,
  json_object('active_deleted', active_deleted, 'active_over_capacity', active_over_capacity, 'cause', over_capacity_cause,
              'active_yammer_only', active_yammer_only)::VARCHAR
FROM w WHERE usage_pct > 1
