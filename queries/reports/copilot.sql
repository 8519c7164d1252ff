-- report copilot: one row per customer × Microsoft 365 Copilot product for a week: seats sold, assigned, active,
-- usage, the change on the week before, and the usage of each Copilot app (NULL where the tenant's Copilot report
-- has no column for the app: v2's apps). From: adoption_weekly, adoption_customer_weekly (name, owner, scope),
-- adoption_workload_weekly (the app rows), catalog_products (wl_copilot). Parameters: $week, $owner and $customer
-- (NULL = all).
WITH apps AS (
  SELECT a.customer_id, a.sku_id,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_chat') AS copilot_chat,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_teams') AS copilot_teams,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_word') AS copilot_word,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_excel') AS copilot_excel,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_powerpoint') AS copilot_powerpoint,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_outlook') AS copilot_outlook,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_onenote') AS copilot_onenote,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_loop') AS copilot_loop,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_chat_work') AS copilot_chat_work,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_chat_web') AS copilot_chat_web,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_m365_app') AS copilot_m365_app,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_edge') AS copilot_edge,
    max(a.usage_pct) FILTER (WHERE a.workload = 'copilot_agent') AS copilot_agent
  FROM adoption_workload_weekly a
  WHERE a.week_ending = $week::DATE AND a.has_data AND starts_with(a.workload, 'copilot_')
  GROUP BY a.customer_id, a.sku_id
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
