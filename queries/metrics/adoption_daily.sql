-- adoption_daily: one row per snapshot date × customer × SKU with a subscription or a holder (DESIGN.md §1.1–1.3).
-- From: user_license_counts (holders and their window flags, counted), stg_subscriptions (sold, own, trial/grace),
--       stg_pc_deployment and stg_pc_usage (Partner Center analytics: customers and products that only they list,
--       and the usage of products the user report cannot measure), load_files (which tenants had a user report /
--       Graph subscriptions loaded), stg_copilot_reports (which tenants had a Copilot usage report loaded, and its own
--       as-of date: a Copilot product is measured by it, DESIGN.md §1.6), stg_customers, catalog_products.
-- Parameters: $from, $to (snapshot dates, both included), $partner_tenant (the partner's tenant GUID, or NULL).
-- Ratios are fractions (0.85 = 85%); NULL where the denominator is 0.
-- Precedence is per customer × product (DESIGN.md §1.3): the user-level row wins; a product the user report cannot
-- measure (no workload of it is in the report, e.g. Dynamics 365) keeps its user-level sold/assigned/deployment and
-- takes its usage from Partner Center's aggregates (usage_basis 'partner_center'), else has no usage at all
-- (usage columns NULL, usage_basis 'not_measurable', never 0); a product only the aggregates list is an aggregate row.
INSERT INTO adoption_daily BY NAME
WITH
graph_tenant_reports AS (
  SELECT f.snapshot_date, f.customer_id, max(u.report_refresh_date) AS report_date
  FROM load_files f
  JOIN stg_customers c USING (snapshot_date, customer_id)
  LEFT JOIN stg_user_activity u USING (snapshot_date, customer_id)
  WHERE f.source = 'graph_users' AND f.status = 'loaded' AND f.snapshot_date BETWEEN $from::DATE AND $to::DATE
  GROUP BY f.snapshot_date, f.customer_id
),
graph_tenants AS (
  -- Customers with a user report loaded on the date. A report with no rows falls back to the drop's as-of date.
  SELECT snapshot_date, customer_id,
    coalesce(report_date, max(report_date) OVER (PARTITION BY snapshot_date), snapshot_date) AS as_of_date
  FROM graph_tenant_reports
),
copilot_tenants AS (
  SELECT snapshot_date, customer_id, max(report_refresh_date) AS copilot_as_of FROM stg_copilot_reports
  WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE GROUP BY ALL
),
graph_subscription_tenants AS (
  SELECT DISTINCT snapshot_date, customer_id FROM load_files
  WHERE source = 'graph_subscriptions' AND status = 'loaded' AND snapshot_date BETWEEN $from::DATE AND $to::DATE
),
subscriptions AS (
  -- Graph's subscriptions when the tenant's drop has them, else Partner Center's (all of which are own).
  SELECT s.*,
    CASE
      WHEN s.source = 'partner_center' THEN 'own'
      WHEN s.owner_tenant_id = $partner_tenant THEN 'own'
      WHEN EXISTS (
        SELECT 1 FROM stg_subscriptions pc
        WHERE pc.source = 'partner_center' AND pc.snapshot_date = s.snapshot_date AND pc.customer_id = s.customer_id
          AND pc.subscription_id IN (s.subscription_id, s.commerce_subscription_id)
      ) THEN 'own'
      ELSE 'other'
    END AS channel
  FROM stg_subscriptions s
  LEFT JOIN graph_subscription_tenants g USING (snapshot_date, customer_id)
  WHERE s.snapshot_date BETWEEN $from::DATE AND $to::DATE
    AND (s.source = 'graph') = (g.customer_id IS NOT NULL)
),
sold AS (
  SELECT snapshot_date, customer_id, sku_id,
    coalesce(sum(units) FILTER (WHERE status = 'active' AND NOT is_trial), 0) AS licenses_sold,
    coalesce(sum(units) FILTER (WHERE status = 'active' AND NOT is_trial AND channel = 'own'), 0) AS licenses_sold_own,
    bool_or(is_trial) AS has_trial,
    bool_or(status IN ('grace', 'suspended', 'disabled', 'deprovisioned')) AS has_uncounted
  FROM subscriptions
  GROUP BY ALL
),
held AS (
  SELECT snapshot_date, customer_id, sku_id, licenses_assigned, active_all, active_deleted, active_live,
    active_yammer_only, inactive
  FROM user_license_counts
  WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
),
graph_base AS (
  SELECT
    k.snapshot_date, k.customer_id, k.sku_id, g.as_of_date,
    coalesce(s.licenses_sold, 0) AS licenses_sold,
    coalesce(s.licenses_sold_own, 0) AS licenses_sold_own,
    coalesce(h.licenses_assigned, 0) AS licenses_assigned,
    least(coalesce(h.licenses_assigned, 0), coalesce(s.licenses_sold, 0)) AS entitlements,
    coalesce(h.active_all, 0) AS active_all,
    coalesce(h.active_live, 0) AS active_live,
    coalesce(h.active_deleted, 0) AS active_deleted,
    coalesce(h.active_yammer_only, 0) AS active_yammer_only,
    coalesce(h.inactive, 0) AS inactive,
    coalesce(s.has_trial, false) AS has_trial,
    coalesce(s.has_uncounted, false) AS has_uncounted,
    ct.customer_id IS NOT NULL AS has_copilot_report,
    ct.copilot_as_of
  FROM (SELECT snapshot_date, customer_id, sku_id FROM sold UNION SELECT snapshot_date, customer_id, sku_id FROM held) k
  JOIN graph_tenants g USING (snapshot_date, customer_id)
  LEFT JOIN copilot_tenants ct USING (snapshot_date, customer_id)
  LEFT JOIN sold s USING (snapshot_date, customer_id, sku_id)
  LEFT JOIN held h USING (snapshot_date, customer_id, sku_id)
),
pc_deployment AS (
  SELECT snapshot_date, customer_id, sku_id,
    sum(licenses_sold) AS licenses_sold, sum(licenses_deployed) AS licenses_deployed, max(processed_date) AS as_of_date
  FROM stg_pc_deployment
  WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
  GROUP BY ALL
),
pc_workloads AS (
  SELECT snapshot_date, customer_id, sku_id, workload,
    sum(licenses_active) AS licenses_active, sum(licenses_qualified) AS licenses_qualified,
    max(processed_date) AS as_of_date
  FROM stg_pc_usage
  WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
  GROUP BY snapshot_date, customer_id, sku_id, workload
),
pc_busiest_workload AS (
  -- Product usage from aggregates is its busiest workload's: a lower bound of "active on any workload".
  SELECT * FROM pc_workloads
  QUALIFY row_number() OVER (
    PARTITION BY snapshot_date, customer_id, sku_id
    ORDER BY licenses_active / nullif(licenses_qualified, 0) DESC NULLS LAST, licenses_qualified DESC, workload
  ) = 1
),
graph_rows AS (
  -- A product only Copilot's report measures takes that report's own as-of date (its data lags the other's).
  SELECT
    b.snapshot_date, b.customer_id, b.sku_id,
    CASE WHEN p.wl_exchange OR p.wl_sharepoint OR p.wl_skype OR p.wl_teams OR p.wl_yammer THEN b.as_of_date
         ELSE coalesce(b.copilot_as_of, b.as_of_date) END AS as_of_date,
    'graph' AS source,
    b.licenses_sold, b.licenses_sold_own, b.licenses_assigned,
    b.licenses_assigned / nullif(b.licenses_sold, 0) AS deployment_pct,
    b.entitlements,
    b.active_all AS active_entitlements,
    b.active_all / nullif(b.entitlements, 0) AS usage_pct,
    'any_workload' AS usage_basis,
    greatest(b.licenses_sold - b.licenses_assigned, 0) AS unassigned,
    b.inactive,
    b.active_deleted,
    greatest(b.active_live - b.entitlements, 0) AS active_over_capacity,
    CASE
      WHEN b.active_live - b.entitlements <= 0 THEN NULL
      WHEN b.has_trial THEN 'trial'
      WHEN b.has_uncounted THEN 'uncounted_subscription'
      ELSE 'unexplained'
    END AS over_capacity_cause,
    b.active_yammer_only,
    least(b.active_live, b.entitlements) AS active_adjusted,
    least(b.active_live, b.entitlements) / nullif(b.entitlements, 0) AS usage_pct_adjusted
  FROM graph_base b
  JOIN catalog_products p ON p.sku_id = b.sku_id AND NOT p.excluded
  WHERE p.wl_exchange OR p.wl_sharepoint OR p.wl_skype OR p.wl_teams OR p.wl_yammer
    OR (p.wl_copilot AND b.has_copilot_report)
),
graph_unmeasured_rows AS (
  -- Products the user report cannot measure: user-level licence counts; usage from Partner Center's aggregates
  -- where they have it (its busiest workload, as for aggregate rows), else none.
  SELECT
    b.snapshot_date, b.customer_id, b.sku_id, b.as_of_date, 'graph' AS source,
    b.licenses_sold, b.licenses_sold_own, b.licenses_assigned,
    b.licenses_assigned / nullif(b.licenses_sold, 0) AS deployment_pct,
    coalesce(u.licenses_qualified, b.entitlements) AS entitlements,
    u.licenses_active AS active_entitlements,
    u.licenses_active / nullif(u.licenses_qualified, 0) AS usage_pct,
    CASE WHEN u.workload IS NULL THEN 'not_measurable' ELSE 'partner_center' END AS usage_basis,
    greatest(b.licenses_sold - b.licenses_assigned, 0) AS unassigned,
    NULL::BIGINT AS inactive, NULL::BIGINT AS active_deleted, NULL::BIGINT AS active_over_capacity,
    NULL::VARCHAR AS over_capacity_cause, NULL::BIGINT AS active_yammer_only, NULL::BIGINT AS active_adjusted,
    NULL::DOUBLE AS usage_pct_adjusted
  FROM graph_base b
  JOIN catalog_products p ON p.sku_id = b.sku_id AND NOT p.excluded
  LEFT JOIN pc_busiest_workload u
    ON u.snapshot_date = b.snapshot_date AND u.customer_id = b.customer_id AND u.sku_id = b.sku_id
  WHERE NOT (p.wl_exchange OR p.wl_sharepoint OR p.wl_skype OR p.wl_teams OR p.wl_yammer
    OR (p.wl_copilot AND b.has_copilot_report))
),
pc_rows AS (
  SELECT
    k.snapshot_date, k.customer_id, k.sku_id,
    greatest(d.as_of_date, u.as_of_date) AS as_of_date,
    'partner_center' AS source,
    coalesce(d.licenses_sold, 0) AS licenses_sold,
    NULL::BIGINT AS licenses_sold_own,
    coalesce(d.licenses_deployed, 0) AS licenses_assigned,
    coalesce(d.licenses_deployed, 0) / nullif(coalesce(d.licenses_sold, 0), 0) AS deployment_pct,
    coalesce(u.licenses_qualified, least(coalesce(d.licenses_deployed, 0), coalesce(d.licenses_sold, 0))) AS entitlements,
    u.licenses_active AS active_entitlements,
    u.licenses_active / nullif(u.licenses_qualified, 0) AS usage_pct,
    CASE WHEN u.workload IS NULL THEN 'not_measurable' ELSE 'busiest_workload_lower_bound' END AS usage_basis,
    greatest(coalesce(d.licenses_sold, 0) - coalesce(d.licenses_deployed, 0), 0) AS unassigned,
    NULL::BIGINT AS inactive, NULL::BIGINT AS active_deleted, NULL::BIGINT AS active_over_capacity,
    NULL::VARCHAR AS over_capacity_cause, NULL::BIGINT AS active_yammer_only, NULL::BIGINT AS active_adjusted,
    NULL::DOUBLE AS usage_pct_adjusted
  FROM (SELECT snapshot_date, customer_id, sku_id FROM pc_deployment
        UNION SELECT snapshot_date, customer_id, sku_id FROM pc_busiest_workload) k
  JOIN stg_customers c USING (snapshot_date, customer_id)
  LEFT JOIN pc_deployment d USING (snapshot_date, customer_id, sku_id)
  LEFT JOIN pc_busiest_workload u USING (snapshot_date, customer_id, sku_id)
  JOIN catalog_products p ON p.sku_id = k.sku_id AND NOT p.excluded
  WHERE NOT EXISTS (  -- where both kinds of source cover a customer × product, the user-level one wins
    SELECT 1 FROM graph_base g
    WHERE g.snapshot_date = k.snapshot_date AND g.customer_id = k.customer_id AND g.sku_id = k.sku_id
  )
)
SELECT * FROM graph_rows
UNION ALL BY NAME
SELECT * FROM graph_unmeasured_rows
UNION ALL BY NAME
SELECT * FROM pc_rows
