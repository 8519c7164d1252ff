-- adoption_customer_daily: one row per snapshot date × customer: the sum of the customer's rows in adoption_daily.
-- From: adoption_daily, stg_customers. Parameters: $from, $to (snapshot dates, both included).
-- Every count is a sum; ratios are recomputed from the sums (DESIGN.md §1.5): Deployment % = Σassigned / Σsold,
-- Usage % = Σactive / Σ entitlements of the products whose usage is measured (usage_entitlements; a product no
-- source measures counts in no usage figure), Usage % adjusted = Σactive_adjusted / Σ entitlements of the products
-- that have the adjusted figure (user-level rows only).
INSERT INTO adoption_customer_daily BY NAME
SELECT
  d.snapshot_date, d.customer_id, c.customer_name, nullif(c.owner_email, '') AS owner_email,
  max(d.as_of_date) AS as_of_date,
  string_agg(DISTINCT d.source, '+' ORDER BY d.source) AS source,
  count(*)::INTEGER AS products,
  sum(d.licenses_sold) AS licenses_sold,
  sum(d.licenses_sold_own) AS licenses_sold_own,
  sum(d.licenses_assigned) AS licenses_assigned,
  sum(d.licenses_assigned) / nullif(sum(d.licenses_sold), 0) AS deployment_pct,
  sum(d.entitlements) AS entitlements,
  sum(d.entitlements) FILTER (WHERE d.active_entitlements IS NOT NULL) AS usage_entitlements,
  sum(d.active_entitlements) AS active_entitlements,
  sum(d.active_entitlements) / nullif(sum(d.entitlements) FILTER (WHERE d.active_entitlements IS NOT NULL), 0)
    AS usage_pct,
  sum(d.entitlements) FILTER (WHERE d.active_adjusted IS NOT NULL) AS adjusted_entitlements,
  sum(d.active_adjusted) AS active_adjusted,
  sum(d.active_adjusted) / nullif(sum(d.entitlements) FILTER (WHERE d.active_adjusted IS NOT NULL), 0)
    AS usage_pct_adjusted,
  sum(d.unassigned) AS unassigned,
  sum(d.inactive) AS inactive
FROM adoption_daily d
JOIN stg_customers c USING (snapshot_date, customer_id)
WHERE d.snapshot_date BETWEEN $from::DATE AND $to::DATE
GROUP BY ALL
