-- findings: what each customer × product showed in a week, following Partner Center's "Next steps" (DESIGN.md §4).
-- From: adoption_weekly (the week's figures and week-over-week change), adoption_workload_weekly (weakest workload),
--       stg_tickets (how-to tickets over the 28 days up to the as-of date), stg_subscriptions (term ends).
-- Parameters: $week; thresholds $low_deployment, $low_usage, $weak_gap, $how_to_per_100, $declining,
--   $renewal_days, $upsell_deployment, $upsell_usage; $window_days (28); $how_to_categories (a JSON list of
--   lower-case ticket categories that count as how-to); $retired_workloads (a JSON list: never named as weak, DESIGN.md §3).
-- Usage findings use the adjusted figure where there is one, and skip products whose usage is not measurable.
-- Microsoft 365 Copilot products (catalog workload copilot, DESIGN.md §1.6) have their own thresholds ($copilot_*):
-- low Copilot usage, seats bought but not assigned, and the weakest Copilot app (among its app rows only); a customer
-- with no Copilot and high Microsoft 365 usage is ready for it (copilot_readiness, attached to its largest product).
INSERT INTO findings
WITH
w AS (
  SELECT a.*, coalesce(a.usage_pct_adjusted, a.usage_pct) AS usage_for_findings,
    coalesce(p.wl_copilot, false) AS is_copilot, p.family,
    CASE WHEN p.wl_copilot THEN $copilot_low_usage ELSE $low_usage END AS low_usage_threshold,
    CASE WHEN p.wl_copilot THEN $copilot_low_deployment ELSE $low_deployment END AS low_deployment_threshold
  FROM adoption_weekly a LEFT JOIN catalog_products p USING (sku_id)
  WHERE a.week_ending = $week::DATE AND a.has_data
),
workload_usage AS (
  -- Workloads and Copilot apps are compared each among their own kind; the `copilot` row (any app) with neither.
  SELECT customer_id, sku_id, workload, usage_pct, starts_with(workload, 'copilot_') AS is_app
  FROM adoption_workload_weekly WHERE week_ending = $week::DATE AND has_data AND usage_pct IS NOT NULL
    AND NOT list_contains(from_json($retired_workloads, '["VARCHAR"]'), workload) AND workload <> 'copilot'
),
weakest AS (
  SELECT customer_id, sku_id, is_app, workload, usage_pct, best
  FROM (
    SELECT *, max(usage_pct) OVER k AS best, count(*) OVER k AS n,
      row_number() OVER (PARTITION BY customer_id, sku_id, is_app ORDER BY usage_pct, workload) AS rn
    FROM workload_usage
    WINDOW k AS (PARTITION BY customer_id, sku_id, is_app)
  )
  WHERE rn = 1 AND n > 1 AND best - usage_pct >= CASE WHEN is_app THEN $copilot_weak_gap ELSE $weak_gap END
),
copilot_ready AS (
  -- Customers with no Copilot product whose Microsoft 365 / Office 365 usage is high: ready for Copilot.
  SELECT w.customer_id, arg_max(w.sku_id, w.entitlements) AS sku_id,
    sum(w.active_adjusted) / nullif(sum(w.entitlements) FILTER (WHERE w.active_adjusted IS NOT NULL), 0) AS usage,
    sum(w.entitlements) AS entitlements
  FROM w
  WHERE w.family IN ('Microsoft 365', 'Office 365') AND NOT w.is_copilot
    AND w.customer_id NOT IN (SELECT customer_id FROM w WHERE is_copilot)
  GROUP BY w.customer_id
  HAVING sum(w.entitlements) >= $copilot_min_entitlements
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
SELECT $week::DATE, customer_id, sku_id, 'low_deployment', NULL, deployment_pct, low_deployment_threshold,
  json_object('unassigned', unassigned, 'sold', licenses_sold)::VARCHAR
FROM w WHERE deployment_pct < low_deployment_threshold
UNION ALL
SELECT $week::DATE, customer_id, sku_id, 'low_usage', NULL, usage_for_findings, low_usage_threshold,
  json_object('inactive', inactive, 'entitlements', entitlements, 'basis', usage_basis)::VARCHAR
FROM w WHERE usage_for_findings < low_usage_threshold AND usage_basis <> 'not_measurable'
UNION ALL
SELECT $week::DATE, customer_id, sku_id, 'weak_workload', workload, usage_pct,
  CASE WHEN starts_with(workload, 'copilot_') THEN $copilot_weak_gap ELSE $weak_gap END, json_object('best', best)::VARCHAR
FROM weakest
-- A product with both (Microsoft 365 E7: workloads and Copilot apps) names the one further behind.
QUALIFY row_number() OVER (PARTITION BY customer_id, sku_id ORDER BY best - usage_pct DESC, workload) = 1
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
UNION ALL
SELECT $week::DATE, customer_id, sku_id, 'copilot_readiness', NULL, usage, $copilot_readiness_usage,
  json_object('entitlements', entitlements)::VARCHAR
FROM copilot_ready WHERE usage >= $copilot_readiness_usage
