-- user_license_skus: the SKUs each distinct 'Assigned Products' string of a tenant's user report stands for, per
-- snapshot date × customer: a TEMP table that user_license_rows joins every user to. A name shared by several SKUs
-- (e.g. MICROSOFT 365 BUSINESS BASIC) is the SKU the tenant subscribes to, else the catalogue's first.
-- A table rather than a step of the macro: resolved once per pass (a few dozen strings per tenant) instead of once
-- per call, and its true size is known to DuckDB, which otherwise guessed it as large as the users themselves and,
-- at 10×, hashed the 5 million users rather than these strings (a night's counts 25% slower).
-- Rows: the snapshots of $from … $to, and the kept ones (user_license_keep) outside it, whose dates lie within
-- $outside_from … $outside_to (both NULL when every kept snapshot is in the range, as for a night's ingest).
-- From: stg_user_activity, stg_assigned_products, stg_subscriptions, stg_subscribed_skus, user_license_keep.
CREATE OR REPLACE TEMP TABLE user_license_skus AS
WITH
tenant_skus AS (
  SELECT DISTINCT snapshot_date, customer_id, sku_id FROM stg_subscriptions
  WHERE snapshot_date BETWEEN least($from::DATE, $outside_from::DATE) AND greatest($to::DATE, $outside_to::DATE)
  UNION
  SELECT DISTINCT snapshot_date, customer_id, sku_id FROM stg_subscribed_skus
  WHERE snapshot_date BETWEEN least($from::DATE, $outside_from::DATE) AND greatest($to::DATE, $outside_to::DATE)
),
tenant_strings AS (
  SELECT DISTINCT snapshot_date, customer_id, assigned_products FROM stg_user_activity
  WHERE snapshot_date BETWEEN $from::DATE AND $to::DATE
  UNION ALL
  SELECT DISTINCT u.snapshot_date, u.customer_id, u.assigned_products FROM stg_user_activity u
  SEMI JOIN user_license_keep k ON k.snapshot_date = u.snapshot_date AND k.customer_id = u.customer_id
  WHERE u.snapshot_date BETWEEN $outside_from::DATE AND $outside_to::DATE
    AND u.snapshot_date NOT BETWEEN $from::DATE AND $to::DATE
)
SELECT DISTINCT snapshot_date, customer_id, assigned_products, sku_id
FROM (
  SELECT s.snapshot_date, s.customer_id, s.assigned_products, a.product_name,
    arg_min(a.sku_id, CASE WHEN t.sku_id IS NULL THEN 1000 ELSE 0 END + a.priority) AS sku_id
  FROM tenant_strings s
  JOIN stg_assigned_products a USING (snapshot_date, assigned_products)
  LEFT JOIN tenant_skus t ON t.snapshot_date = s.snapshot_date AND t.customer_id = s.customer_id AND t.sku_id = a.sku_id
  WHERE a.sku_id IS NOT NULL
  GROUP BY s.snapshot_date, s.customer_id, s.assigned_products, a.product_name
)
