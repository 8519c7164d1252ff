-- source differences: customer × product covered by both Graph (user level, which wins) and Partner Center
-- analytics, where the licence counts differ (DESIGN.md §1.3: the difference is listed in the data-quality report).
-- From: adoption_daily, stg_pc_deployment, catalog_products. Produces load_issues rows (info).
-- Parameters: $from, $to (snapshot dates, both included).
INSERT INTO load_issues
SELECT d.snapshot_date, 'info', 'source_difference', 'partner-center/licenses-deployment.json', NULL, NULL, d.customer_id,
  printf('%s: Graph (used) counts %d sold and %d assigned; Partner Center analytics counts %d sold and %d deployed',
         p.display_name, d.licenses_sold, d.licenses_assigned, pc.sold, pc.deployed)
FROM adoption_daily d
JOIN (
  SELECT snapshot_date, customer_id, sku_id, sum(licenses_sold) AS sold, sum(licenses_deployed) AS deployed
  FROM stg_pc_deployment WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
  GROUP BY snapshot_date, customer_id, sku_id
) pc USING (snapshot_date, customer_id, sku_id)
JOIN catalog_products p USING (sku_id)
WHERE d.source = 'graph' AND d.snapshot_date BETWEEN $from::DATE AND $to::DATE
  AND (d.licenses_sold <> pc.sold OR d.licenses_assigned <> pc.deployed)
