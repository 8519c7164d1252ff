-- adoption_workload_daily: one row per snapshot date × customer × SKU × workload of the product.
-- From: adoption_daily (entitlements, as-of, source, usage basis), user_license_counts (graph: holders active per
--       workload), stg_pc_usage (Partner Center: licensesActive / licensesQualified per workload).
-- Parameters: $from, $to (snapshot dates, both included), $retired_workloads (a JSON list: workloads still read,
--       whose activity still counts, but left out of workload views: Skype for Business Online, retired 2021).
-- Graph rows (usage measured from the user report): qualified = the product's entitlements, active = holders
-- (deleted included) active on the workload; only the workloads the report has (office_apps and dynamics are not
-- in it). Rows whose usage comes from Partner Center (aggregate rows, and products the user report cannot measure)
-- take its per-workload counts. A Copilot product has a `copilot` row (holders active on any Copilot app) and one
-- row per Copilot app the tenant's Copilot report has (v2 adds apps v1 lacks: an app without a column is not an app
-- nobody uses), from the Copilot report's own as-of date.
-- Also from: stg_copilot_reports (the apps each tenant's report has).
INSERT INTO adoption_workload_daily BY NAME
WITH
graph_counts AS (
  SELECT * FROM user_license_counts
  WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
),
graph_rows AS (
  SELECT d.snapshot_date, d.customer_id, d.sku_id, w.workload, d.as_of_date, d.source,
    d.entitlements AS licenses_qualified,
    coalesce(w.active, 0) AS licenses_active
  FROM adoption_daily d
  JOIN catalog_products p USING (sku_id)
  LEFT JOIN graph_counts c USING (snapshot_date, customer_id, sku_id)
  CROSS JOIN LATERAL (
    VALUES ('exchange', p.wl_exchange, c.exchange), ('sharepoint', p.wl_sharepoint, c.sharepoint),
           ('skype', p.wl_skype, c.skype), ('teams', p.wl_teams, c.teams), ('yammer', p.wl_yammer, c.yammer)
  ) AS w(workload, included, active)
  WHERE d.usage_basis = 'any_workload' AND w.included AND d.snapshot_date BETWEEN $from::DATE AND $to::DATE
),
copilot_reports AS (
  SELECT snapshot_date, customer_id, max(report_refresh_date) AS copilot_as_of, any_value(apps) AS apps
  FROM stg_copilot_reports
  WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE GROUP BY ALL
),
copilot_rows AS (
  SELECT d.snapshot_date, d.customer_id, d.sku_id, a.workload, coalesce(cr.copilot_as_of, d.as_of_date) AS as_of_date,
    d.source,
    d.entitlements AS licenses_qualified,
    coalesce(CASE a.workload WHEN 'copilot' THEN c.copilot ELSE c.copilot_app_holders[a.workload] END, 0)
      AS licenses_active
  FROM adoption_daily d
  JOIN catalog_products p USING (sku_id)
  JOIN copilot_reports cr USING (snapshot_date, customer_id)
  LEFT JOIN graph_counts c USING (snapshot_date, customer_id, sku_id)
  -- The `copilot` row and one row per app the tenant's report has.
  CROSS JOIN LATERAL (SELECT unnest(list_concat(['copilot'], cr.apps)) AS workload) a
  WHERE d.usage_basis = 'any_workload' AND p.wl_copilot AND d.snapshot_date BETWEEN $from::DATE AND $to::DATE
),
pc_rows AS (
  SELECT d.snapshot_date, d.customer_id, d.sku_id, u.workload, d.as_of_date, d.source,
    sum(u.licenses_qualified) AS licenses_qualified, sum(u.licenses_active) AS licenses_active
  FROM adoption_daily d
  JOIN stg_pc_usage u USING (snapshot_date, customer_id, sku_id)
  WHERE d.usage_basis IN ('busiest_workload_lower_bound', 'partner_center')
    AND d.snapshot_date BETWEEN $from::DATE AND $to::DATE
  GROUP BY ALL
)
SELECT *, licenses_active / nullif(licenses_qualified, 0) AS usage_pct FROM graph_rows
WHERE NOT list_contains(from_json($retired_workloads, '["VARCHAR"]'), workload)
UNION ALL
SELECT *, licenses_active / nullif(licenses_qualified, 0) AS usage_pct FROM copilot_rows
UNION ALL
SELECT *, licenses_active / nullif(licenses_qualified, 0) AS usage_pct FROM pc_rows
WHERE NOT list_contains(from_json($retired_workloads, '["VARCHAR"]'), workload)
