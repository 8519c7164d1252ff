-- The number of customers a week's digests suggest content to (the flagged customers), across every account
-- manager: customers on their account manager's attention list (below the low-usage or low-deployment threshold, at
-- most $limit per account manager, most unused licences first: as reports/attention.sql) with at least one finding
-- other than upsell (as the digest, which reads reports/digest_findings.sql). No item is suggested to more than a
-- third of them in one week.
-- From: adoption_customer_weekly, findings, adoption_weekly, catalog_products.
-- Parameters: $week (a week-ending date), $low_usage, $low_deployment (fractions), $limit.
WITH attention AS (
  SELECT customer_id,
    row_number() OVER (PARTITION BY coalesce(owner_email, '') ORDER BY unused DESC, customer_name) AS place
  FROM adoption_customer_weekly
  WHERE week_ending = $week::DATE AND has_data
    AND (coalesce(usage_pct_adjusted, usage_pct) < $low_usage OR deployment_pct < $low_deployment)
)
SELECT count(*)::INTEGER AS customers
FROM attention a
WHERE a.place <= $limit
  AND EXISTS (
    SELECT 1
    FROM findings f
    JOIN adoption_weekly w USING (week_ending, customer_id, sku_id)
    JOIN catalog_products p USING (sku_id)
    WHERE f.week_ending = $week::DATE AND f.customer_id = a.customer_id AND f.finding <> 'upsell'
  )
