-- One account manager's Microsoft 365 Copilot for the digest: per customer holding Copilot, this week's and last
-- week's seats sold, assigned and active and the Copilot findings of the week (low usage, seats not assigned, the
-- weakest app). Grain: customer (Copilot products summed). From: adoption_weekly, adoption_customer_weekly (owner),
-- catalog_products (wl_copilot), findings. Parameters: $week (a week-ending date), $owner ('' = no account manager).
WITH copilot AS (
  SELECT w.week_ending, w.customer_id, c.customer_name,
    sum(w.licenses_sold) AS sold, sum(w.licenses_assigned) AS assigned, sum(w.active_entitlements) AS active,
    sum(w.entitlements) FILTER (WHERE w.active_entitlements IS NOT NULL) AS measured
  FROM adoption_weekly w
  JOIN adoption_customer_weekly c USING (week_ending, customer_id)
  JOIN catalog_products p USING (sku_id)
  WHERE w.has_data AND p.wl_copilot AND w.week_ending IN ($week::DATE, $week::DATE - 7)
    AND owned_by(c.owner_email, $owner)
  GROUP BY ALL
),
found AS (
  SELECT f.customer_id, list(f.finding ORDER BY f.finding) AS findings,
    any_value(f.workload) FILTER (WHERE f.finding = 'weak_workload') AS weakest_app
  FROM findings f JOIN catalog_products p USING (sku_id)
  -- this manager's customers only: the week's findings of the whole portfolio, read for each of 400 managers, were
  -- most of this query's time at 20,000 customers
  WHERE f.week_ending = $week::DATE AND p.wl_copilot AND f.customer_id IN (SELECT customer_id FROM copilot)
  GROUP BY f.customer_id
)
SELECT n.customer_id, n.customer_name, n.sold, n.assigned, n.active, n.measured, p.sold AS prev_sold,
  p.assigned AS prev_assigned, p.active AS prev_active, p.measured AS prev_measured,
  coalesce(f.findings, []) AS findings, f.weakest_app
FROM copilot n
LEFT JOIN copilot p ON p.customer_id = n.customer_id AND p.week_ending = $week::DATE - 7
LEFT JOIN found f ON f.customer_id = n.customer_id
WHERE n.week_ending = $week::DATE
ORDER BY n.customer_name, n.customer_id
