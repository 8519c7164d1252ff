-- One account manager's findings of a week, with what the digest says about each: the customer's name, the
-- product and its workloads, and the product's figures. Grain: finding × customer × SKU (× workload).
-- From: findings, adoption_customer_weekly (name, owner), adoption_weekly, catalog_products.
-- Parameters: $week (a week-ending date), $owner ('' = customers with no account manager).
SELECT f.*, c.customer_name, p.display_name AS product, p.family, p.wl_exchange, p.wl_sharepoint, p.wl_teams,
  p.wl_skype, p.wl_yammer, p.wl_office_apps, p.wl_dynamics, p.wl_copilot,
  w.usage_pct_adjusted, w.usage_pct, w.deployment_pct
FROM findings f
JOIN adoption_customer_weekly c USING (week_ending, customer_id)
JOIN adoption_weekly w USING (week_ending, customer_id, sku_id)
JOIN catalog_products p USING (sku_id)
WHERE f.week_ending = $week::DATE AND owned_by(c.owner_email, $owner)
ORDER BY c.customer_name, p.display_name, f.finding
