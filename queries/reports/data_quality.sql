-- report data quality: what the loads of the week set aside or noticed. Issues about one customer are shown only
-- in that customer's scope; issues about no customer in particular are shown to everyone.
-- From: load_issues, adoption_customer_weekly. Parameters: $week, $owner and $customer (NULL = all).
WITH scope AS (
  SELECT DISTINCT customer_id FROM adoption_customer_weekly
  WHERE week_ending = $week::DATE
    AND ($owner::VARCHAR IS NULL OR coalesce(owner_email, '') = $owner)
    AND ($customer::VARCHAR IS NULL OR customer_id = $customer)
),
-- An issue about a file under tenants/<id>/ belongs to that tenant even when the load did not say so.
issues AS (
  SELECT *, coalesce(customer_id, nullif(lower(regexp_extract(file, '^tenants/([^/]+)/', 1)), '')) AS about
  FROM load_issues
  WHERE snapshot_date BETWEEN $week::DATE - 6 AND $week::DATE
)
SELECT i.snapshot_date, i.severity, i.code, i.file, i.line, i.column_name, i.message, i.about AS customer_id
FROM issues i
WHERE i.about IS NULL OR i.about IN (SELECT customer_id FROM scope)
ORDER BY i.snapshot_date DESC, CASE i.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, i.file, i.line
