-- usage basis: every substitution or omission of a usage figure, as a line of the data-quality report (DESIGN.md
-- §1.3): a product whose usage comes from Partner Center's aggregates because the user report cannot measure it;
-- a product no source measures (no usage figure at all); a product only the aggregates list for a customer whose
-- user report is loaded (kept as an aggregate row). One line per snapshot date × customer × product.
-- From: adoption_daily, load_files (which customers had a user report loaded), catalog_products.
-- Produces load_issues rows (info). Parameters: $from, $to (snapshot dates, both included).
INSERT INTO load_issues BY NAME
SELECT d.snapshot_date, 'info' AS severity,
  CASE
    WHEN d.usage_basis = 'partner_center' THEN 'usage_from_partner_center'
    WHEN d.usage_basis = 'not_measurable' THEN 'usage_not_measurable'
    ELSE 'aggregate_only_product'
  END AS code,
  CASE WHEN d.source = 'graph' THEN 'tenants/' || d.customer_id || '/office365ActiveUserDetail.csv'
       ELSE 'partner-center/licenses-usage.json' END AS file,
  d.customer_id,
  CASE
    WHEN d.usage_basis = 'partner_center' THEN
      printf('%s: the user report has no activity for this product; its usage (%d of %d active) is taken from Partner Center analytics, busiest workload (a lower bound)',
             p.display_name, d.active_entitlements, d.entitlements)
    WHEN d.usage_basis = 'not_measurable' THEN
      printf('%s: no source in the drop measures its usage; shown as not measurable (counted in no usage figure), its holders are not listed as inactive',
             p.display_name)
    ELSE
      printf('%s: only Partner Center analytics list this product for a customer whose user report is loaded; kept as an aggregate row',
             p.display_name)
  END AS message
FROM adoption_daily d
JOIN catalog_products p USING (sku_id)
WHERE d.snapshot_date BETWEEN $from::DATE AND $to::DATE
  AND (d.usage_basis IN ('partner_center', 'not_measurable')
       OR (d.source = 'partner_center' AND EXISTS (
             SELECT 1 FROM load_files f
             WHERE f.snapshot_date = d.snapshot_date AND f.customer_id = d.customer_id
               AND f.source = 'graph_users' AND f.status = 'loaded')))
