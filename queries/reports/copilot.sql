-- report copilot: one row per customer × Microsoft 365 Copilot product for a week: seats sold, assigned, active,
-- usage, the change on the week before, and the usage of each Copilot app (NULL where the tenant's Copilot report
-- has no column for the app: v2's apps). From: adoption_weekly, adoption_customer_weekly (name, owner, scope),
-- adoption_workload_weekly (the app rows), catalog_products (wl_copilot). Parameters: $week, $owner and $customer
-- (NULL = all).
WITH apps AS (
  -- One column per Copilot app, named as its workload; an app the week has no row for is NULL.
  PIVOT (
    SELECT customer_id, sku_id, workload, usage_pct FROM adoption_workload_weekly
    WHERE week_ending = $week::DATE AND has_data AND starts_with(workload, 'copilot_')
  )
  ON workload IN ('copilot_chat', 'copilot_teams', 'copilot_word', 'copilot_excel', 'copilot_powerpoint',
    'copilot_outlook', 'copilot_onenote', 'copilot_loop', 'copilot_chat_work', 'copilot_chat_web', 'copilot_m365_app',
    'copilot_edge', 'copilot_agent')
  USING max(usage_pct)
  GROUP BY customer_id, sku_id
)
SELECT c.customer_name, w.customer_id, c.owner_email, p.display_name AS product, w.licenses_sold, w.licenses_assigned,
  w.deployment_pct, w.active_entitlements, w.usage_pct, w.usage_pct_change, w.inactive, w.unassigned, w.usage_basis,
  w.as_of_date, apps.* EXCLUDE (customer_id, sku_id)
FROM adoption_weekly w
JOIN adoption_customer_weekly c USING (week_ending, customer_id)
JOIN catalog_products p USING (sku_id)
LEFT JOIN apps USING (customer_id, sku_id)
WHERE w.week_ending = $week::DATE AND w.has_data AND p.wl_copilot
  AND in_scope(c.owner_email, w.customer_id, $owner, $customer)
ORDER BY c.customer_name, w.customer_id, p.display_name
